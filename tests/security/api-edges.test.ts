/**
 * Issue 18, row 7 and the fuzzing findings: /api/docs serves only its page's files (and is off in production by
 * default); the OpenAPI document states every limit the server enforces, so an overflow is a 422, never a 500;
 * a 405 carries Allow; result objects are typed; REST errors speak REST; every GraphQL refusal has a code.
 */
import crypto from "node:crypto";
import { OPENAPI_DOCUMENT } from "../../src/http/rest/router.js";
import type { ApiServer } from "../../src/http/server.js";
import { gql, signToken, startTestServer } from "../helpers/api.js";
import { closePools } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";
import { superuserPool } from "../helpers/db.js";

const servers: ApiServer[] = [];
async function serve(overrides: Record<string, string> = {}): Promise<ApiServer> {
  const s = await startTestServer(overrides);
  servers.push(s);
  return s;
}
let server: ApiServer;
let token: string;
let taskId: string;
beforeAll(async () => {
  server = await serve();
  token = await signToken({ sub: crypto.randomUUID() });
  const accountId = (await gql(server, "{ allAccounts { nodes { rowId } } }", {}, token)).data!.allAccounts.nodes[0].rowId as string;
  const client = await superuserPool().connect();
  try {
    ({ taskId } = await seedTenant(client, accountId));
  } finally {
    client.release();
  }
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await closePools();
});

const PROD = { NODE_ENV: "production", JWT_SECRET: process.env.TEST_JWT_SECRET! };
async function rest(s: ApiServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text ? JSON.parse(text) : null) as { error?: { code: string; message: string; field?: string } } & Record<string, unknown>,
  };
}

describe("/api/docs", () => {
  test("in production it is off by default: not the page, not the package's files", async () => {
    const prod = await serve(PROD);
    for (const path of ["/api/docs", "/api/docs/package.json", "/api/docs/index.html", "/api/docs/swagger-ui-bundle.js"]) {
      const res = await fetch(`${prod.url}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await fetch(`${prod.url}/api/openapi.json`)).status).toBe(200); // the document itself stays public
  });

  test("switched on, it serves only the page, its script and stylesheet: no package.json, stock page or source maps", async () => {
    const docs = await serve({ ...PROD, API_DOCS: "true" });
    for (const path of ["/api/docs", "/api/docs/init.js", "/api/docs/swagger-ui.css", "/api/docs/swagger-ui-bundle.js"]) {
      expect([path, (await fetch(`${docs.url}${path}`)).status]).toEqual([path, 200]);
    }
    for (const path of [
      "/api/docs/package.json",
      "/api/docs/index.html",
      "/api/docs/swagger-ui-bundle.js.map",
      "/api/docs/swagger-ui.js",
      "/api/docs/oauth2-redirect.html",
    ]) {
      const res = await fetch(`${docs.url}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});

describe("the OpenAPI document states every enforced limit: overflow is a 422, never a 500", () => {
  test.each([
    ["/tasks?limit=2147483648", "limit"],
    ["/tasks?offset=2147483648", "offset"],
    ["/tasks?limit=1001", "limit"],
    [`/tasks/${"00000000-0000-4000-8000-000000000000"}/executions?offset=99999999999`, "offset"],
  ])("GET %s → 422 naming %s", async (path, field) => {
    const res = await rest(server, "GET", path);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "ST003", field });
    expect(res.body.error!.message).not.toMatch(/\$|variable|first|after/);
  });

  test.each([
    [{ schedule_type: "daily", max_executions: 2147483648 }, "max_executions"],
    [{ schedule_type: "daily", max_executions: 0 }, "max_executions"],
    [{ schedule_type: "cron" }, "cron_expression"],
    [{ schedule_type: "cron", cron_expression: null }, "cron_expression"],
    [{ schedule_type: "once" }, "scheduled_at"],
    [{ schedule_type: "cron", cron_expression: "* ".repeat(60) }, "cron_expression"],
    [{ schedule_type: "daily", timezone: "x".repeat(51) }, "timezone"],
  ])("POST schedule %# → 422 naming its field", async (body, field) => {
    const res = await rest(server, "POST", `/tasks/${taskId}/schedule`, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "ST003" });
    expect(res.body.error!.field ?? res.body.error!.message).toMatch(new RegExp(field));
  });

  test.each([
    ["name", "empty", { name: "" }],
    ["name", "256 characters", { name: "x".repeat(256) }],
    ["generated_prompt", "empty", { generated_prompt: "" }],
    ["generated_prompt", "20,001 characters", { generated_prompt: "x".repeat(20_001) }],
  ])("PUT task with %s %s → 422", async (field, _what, body) => {
    const res = await rest(server, "PUT", `/tasks/${taskId}`, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "ST003", field });
  });

  test("the document says so: maxima, lengths, if/then for the schedule type, typed results", () => {
    const doc = OPENAPI_DOCUMENT as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading the JSON document
    const limit = doc.paths["/tasks"].get.parameters.find((p: { name: string }) => p.name === "limit");
    expect(limit.schema).toMatchObject({ minimum: 0, maximum: 1000 });
    const schedule = doc.components.schemas.ScheduleRequest;
    expect(schedule.properties.max_executions).toMatchObject({ minimum: 1, maximum: 2147483647 });
    expect(schedule.allOf).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ if: expect.anything(), then: expect.objectContaining({ required: ["cron_expression"] }) }),
      ]),
    );
    expect(doc.components.schemas.UpdateTaskRequest.properties.generated_prompt).toMatchObject({ minLength: 1, maxLength: 20000 });
    expect(doc.components.schemas.Execution.properties.results).toEqual({ $ref: "#/components/schemas/ExecutionResults" });
    expect(doc.components.schemas.ExecutionResults.properties.final_answer).toEqual(expect.objectContaining({ type: "string" }));
    expect(doc.components.schemas.TaskDetail.properties.original_messages.items).toEqual({ $ref: "#/components/schemas/OriginalMessage" });
  });
});

describe("REST speaks REST", () => {
  test("a 405 carries Allow with the path's methods", async () => {
    const res = await rest(server, "PATCH", `/tasks/${taskId}`, {});
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, PUT, DELETE");
    expect(res.body.error).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
  });

  test("a page over a lower configured GRAPHQL_MAX_PAGE_SIZE is refused in REST terms (limit, offset), not GraphQL's", async () => {
    const small = await serve({ GRAPHQL_MAX_PAGE_SIZE: "10", GRAPHQL_DEFAULT_PAGE_SIZE: "10" });
    const res = await rest(small, "GET", "/tasks?limit=50");
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual({
      code: "ST003",
      field: "limit",
      message: "limit must be between 0 and 10; fetch further pages with offset",
    });
  });
});

describe("every GraphQL refusal has a code", () => {
  test.each([
    ["offset with last", `{ allThreads(last: 1, offset: 1) { nodes { title } } }`],
    ["an unknown field", `{ allThread { totalCount } }`],
    ["a variable of the wrong type", `query($n: Int) { allThreads(first: $n) { nodes { title } } }`],
  ])("%s", async (_what, query) => {
    const res = await gql(server, query, { n: "many" }, token);
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const e of res.errors!) expect([e.message, typeof e.extensions?.code]).toEqual([e.message, "string"]);
  });
});
