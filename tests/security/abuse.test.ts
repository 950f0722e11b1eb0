/**
 * Attack catalogue, issue 10 rows 1 and 2: one request must not be able to stall the process
 * or flood the network. Each test plays one attack against the real API and real Postgres and
 * asserts that it is refused (with an error naming the limit) or bounded.
 */
import crypto from "node:crypto";
import { calendarCacheStats } from "../../src/schedule/calendar.js";
import { loadConfig } from "../../src/config.js";
import { calendarWork } from "../../src/graphql/scheduling.js";
import type { ApiServer } from "../../src/http/server.js";
import { gql, signToken, startTestServer } from "../helpers/api.js";
import { closePools } from "../helpers/db.js";

const servers: ApiServer[] = [];
async function serve(overrides: Record<string, string> = {}): Promise<ApiServer> {
  const s = await startTestServer(overrides);
  servers.push(s);
  return s;
}
let server: ApiServer;
beforeAll(async () => {
  server = await serve();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await closePools();
});

async function newUser(s: ApiServer = server) {
  const token = await signToken({ sub: crypto.randomUUID() });
  const res = await gql(s, "{ currentUser { rowId } }", {}, token);
  expect(res.errors).toBeUndefined();
  return token;
}

/** n aliased 29-February previews in Lord Howe (the zone with a half-hour DST shift): the costliest calendar work. */
function aliasedPreviews(n: number, expression = (i: number) => `${i % 60} 0 29 2 *`): string {
  const fields = Array.from(
    { length: n },
    (_, i) =>
      `p${i}: previewSchedule(scheduleType: "cron", cronExpression: "${expression(i)}", timezone: "Australia/Lord_Howe", count: 50) { occurrences }`,
  );
  return `{ ${fields.join("\n")} }`;
}

/** The error that names `limit` (several limits can refuse one document; graphql lists them all). */
function refusal(res: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }, limit: string) {
  const error = res.errors?.find((e) => e.extensions?.limit === limit);
  expect(error).toEqual(expect.objectContaining({ message: expect.any(String) }));
  return error!;
}

async function post(s: ApiServer, body: string, headers: Record<string, string> = {}) {
  return fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

describe("row 1: calendar previews", () => {
  test("anonymous previewSchedule is refused: calendar work needs a signed-in user", async () => {
    const res = await gql(
      server,
      `{ previewSchedule(scheduleType: "cron", cronExpression: "0 9 * * *", timezone: "UTC") { occurrences } }`,
    );
    expect(res.data?.previewSchedule).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("ST401");
    expect(res.errors?.[0]?.message).toMatch(/previewSchedule requires a signed-in user/);
  });

  test("anonymous aliased previewSchedule flood (200 aliases, 25 KB) is refused before any calendar work", async () => {
    const before = { ...calendarWork };
    const res = await gql(server, aliasedPreviews(200));
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    const aliases = refusal(res, "GRAPHQL_MAX_ALIASES");
    expect(aliases.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", max: 15 });
    expect(aliases.message).toBe("Aliases limit of 15 exceeded, found 200. At most 15 aliases are allowed per operation.");
    expect(refusal(res, "GRAPHQL_MAX_TOKENS").message).toMatch(/^Token limit of 1000 exceeded\./);
    expect(calendarWork).toEqual(before); // not one preview was computed
  });

  test("signed-in aliased previewSchedule flood is refused just the same", async () => {
    const token = await newUser();
    const res = await gql(server, aliasedPreviews(200), {}, token);
    expect(refusal(res, "GRAPHQL_MAX_ALIASES").extensions).toMatchObject({ code: "LIMIT_EXCEEDED", max: 15 });
    expect(res.data).toBeUndefined();
  });

  test("previewSchedule count above the maximum is refused, naming what is allowed", async () => {
    const token = await newUser();
    const res = await gql(server, `{ previewSchedule(scheduleType: "daily", timezone: "UTC", count: 100000) { occurrences } }`, {}, token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "ST003", field: "count" });
    expect(res.errors?.[0]?.message).toBe("count must be between 1 and 50 (got 100000)");
  });

  test("repeating one expensive preview (validation and runs) is memoised per expression and zone", async () => {
    const token = await newUser();
    const query = `{ previewSchedule(scheduleType: "cron", cronExpression: "17 0 29 2 *", timezone: "Australia/Lord_Howe", count: 50) { occurrences } }`;
    const first = await gql(server, query, {}, token);
    expect(first.errors).toBeUndefined();
    expect(first.data!.previewSchedule.occurrences).toHaveLength(50);
    const { cronValidations, cronSequences } = calendarCacheStats;
    for (let i = 0; i < 5; i++) {
      const again = await gql(server, query, {}, token);
      expect(again.data!.previewSchedule.occurrences).toEqual(first.data!.previewSchedule.occurrences);
    }
    expect(calendarCacheStats.cronValidations).toBe(cronValidations); // no validation recomputed
    expect(calendarCacheStats.cronSequences).toBe(cronSequences); // no run sequence recomputed
  });

  test("/healthz answers while a heavy preview request is still being computed", async () => {
    // 8 distinct, never-seen Lord_Howe 29-February previews (each costs tens of ms when cold).
    const heavy = server;
    const token = await newUser(heavy);
    const fields = 8;
    const query = aliasedPreviews(fields, (i) => `${i} 3 29 2 *`);
    const start = { ...calendarWork };
    let previewsDone = false;
    const previews = gql(heavy, query, {}, token).then((r) => ((previewsDone = true), r));
    // Wait (without sleeping a fixed time) until the first preview field has been computed.
    while (calendarWork.done === start.done) await new Promise((r) => setImmediate(r));
    const health = await fetch(`${heavy.url}/healthz`);
    expect(health.status).toBe(200);
    const doneAtHealth = calendarWork.done - start.done;
    expect(previewsDone).toBe(false); // /healthz did not wait for the preview request
    expect(doneAtHealth).toBeLessThan(fields);
    const res = await previews;
    expect(res.errors).toBeUndefined();
    expect(Object.keys(res.data!)).toHaveLength(fields);
    expect(calendarWork.done - start.done).toBe(fields);
  });
});

describe("row 2: GraphQL limits", () => {
  test("allMessages(first: 1000000) is refused before it runs (the cost limit multiplies by first)", async () => {
    const token = await newUser();
    const res = await gql(server, `{ allMessages(first: 1000000) { nodes { content } } }`, {}, token);
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    const cost = refusal(res, "GRAPHQL_MAX_COST");
    expect(cost.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", max: 50000 });
    expect(cost.message).toMatch(/^Query Cost limit of 50000 exceeded, found 7250000\./);
  });

  test("allMessages(first: $n) with n = 1000000 is refused with the maximum page size", async () => {
    const token = await newUser();
    const res = await gql(server, `query($n: Int) { allMessages(first: $n) { nodes { content } } }`, { n: 1_000_000 }, token);
    expect(res.data?.allMessages ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "ST003", field: "first", limit: "GRAPHQL_MAX_PAGE_SIZE", max: 1000 });
    expect(res.errors?.[0]?.message).toBe(
      "first must be between 0 and 1000 on Query.allMessages (got 1000000); fetch further pages with after: <endCursor> (or offset)",
    );
  });

  test("last: 1000000 through a variable is refused too", async () => {
    const token = await newUser();
    const res = await gql(server, `query($n: Int) { allThreads(last: $n) { nodes { title } } }`, { n: 1_000_000 }, token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "ST003", field: "last" });
    expect(res.errors?.[0]?.message).toMatch(/^last must be between 0 and 1000 on Query\.allThreads/);
  });

  test("a connection without first is cut to the default page size (totalCount still counts everything)", async () => {
    const small = await serve({ GRAPHQL_DEFAULT_PAGE_SIZE: "2" });
    const token = await newUser(small);
    for (const title of ["a", "b", "c"]) {
      const c = await gql(
        small,
        `mutation($t: String!) { createThread(input: { thread: { title: $t } }) { thread { threadId } } }`,
        { t: title },
        token,
      );
      expect(c.errors).toBeUndefined();
    }
    const all = await gql(small, `{ allThreads { totalCount nodes { title } pageInfo { hasNextPage } } }`, {}, token);
    expect(all.errors).toBeUndefined();
    expect(all.data!.allThreads.totalCount).toBe(3);
    expect(all.data!.allThreads.nodes).toHaveLength(2);
    expect(all.data!.allThreads.pageInfo).toEqual({ hasNextPage: true });
    const explicit = await gql(small, `{ allThreads(first: 3) { nodes { title } } }`, {}, token);
    expect(explicit.data!.allThreads.nodes).toHaveLength(3);
    const backwards = await gql(small, `{ allThreads(last: 1) { nodes { title } } }`, {}, token);
    expect(backwards.data!.allThreads.nodes).toHaveLength(1);
  });

  test("ten aliases of allMessages are refused by the alias limit when it is lower", async () => {
    const strict = await serve({ GRAPHQL_MAX_ALIASES: "5" });
    const fields = Array.from({ length: 10 }, (_, i) => `m${i}: allMessages(first: 1000) { nodes { content } }`).join(" ");
    const res = await gql(strict, `{ ${fields} }`, {}, await newUser(strict));
    expect(refusal(res, "GRAPHQL_MAX_ALIASES").extensions).toMatchObject({ code: "LIMIT_EXCEEDED", max: 5 });
  });

  test("a deeply nested query is refused by the depth limit", async () => {
    const res = await gql(
      server,
      `{ allThreads { nodes { accountByAccountId { threadsByAccountId { nodes { accountByAccountId { threadsByAccountId { nodes { accountByAccountId { threadsByAccountId { nodes { title } } } } } } } } } } } }`,
    );
    expect(res.status).toBe(400);
    expect(refusal(res, "GRAPHQL_MAX_DEPTH").extensions).toMatchObject({ code: "LIMIT_EXCEEDED", max: 10 });
    expect(refusal(res, "GRAPHQL_MAX_DEPTH").message).toMatch(
      /Query depth limit of 10 exceeded, found \d+\. Selections may nest at most 10 levels deep\./,
    );
  });

  test("a document with too many tokens is refused by the token limit", async () => {
    const res = await gql(server, `{ ${"__typename ".repeat(1500)} }`);
    expect(res.status).toBe(400);
    expect(refusal(res, "GRAPHQL_MAX_TOKENS").extensions).toMatchObject({ code: "LIMIT_EXCEEDED", max: 1000 });
    expect(refusal(res, "GRAPHQL_MAX_TOKENS").message).toMatch(/Token limit of 1000 exceeded\. A document may have at most 1000 tokens\./);
  });

  test("an expensive selection is refused by the cost limit", async () => {
    const cheap = await serve({ GRAPHQL_MAX_COST: "20" });
    const res = await gql(
      cheap,
      `{ allThreads { nodes { threadId title accountId createdAt updatedAt accountByAccountId { name personalAccount } } } }`,
    );
    expect(res.status).toBe(400);
    expect(refusal(res, "GRAPHQL_MAX_COST").extensions).toMatchObject({ code: "LIMIT_EXCEEDED", max: 20 });
    // allThreads has no first: the default page size (100) multiplies it (issue 18; 27.5 for one row).
    expect(refusal(res, "GRAPHQL_MAX_COST").message).toMatch(/^Query Cost limit of 20 exceeded, found 2750\. Split the request/);
  });

  test("a request body over the size limit gets 413 before it is parsed", async () => {
    const padding = " ".repeat(70_000);
    const res = await post(server, JSON.stringify({ query: `{ __typename ${padding}}` }));
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/Too much data/);
  });

  test("in production, introspection and field suggestions are off", async () => {
    const prod = await serve({ NODE_ENV: "production", JWT_SECRET: process.env.TEST_JWT_SECRET! });
    const intro = await gql(prod, `{ __schema { queryType { name } } }`);
    expect(intro.errors?.[0]?.extensions).toMatchObject({ code: "INTROSPECTION_DISABLED", limit: "GRAPHQL_INTROSPECTION" });
    expect(intro.errors?.[0]?.message).toBe(
      'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
    );
    const typo = await gql(prod, `{ allThread { totalCount } }`);
    expect(typo.errors?.[0]?.message).toMatch(/Cannot query field "allThread" on type "Query"/);
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    // development keeps both
    const dev = await gql(server, `{ allThread { totalCount } }`);
    expect(dev.errors?.[0]?.message).toMatch(/Did you mean "allThreads"/);
  });
});

describe("rate limits", () => {
  test("one user past RATE_LIMIT_PER_USER gets 429 with Retry-After, naming the limit", async () => {
    const limited = await serve({ RATE_LIMIT_PER_USER: "3", RATE_LIMIT_PER_IP: "100" });
    const token = await newUser(limited); // request 1
    for (let i = 0; i < 2; i++) expect((await gql(limited, "{ currentUser { rowId } }", {}, token)).status).toBe(200);
    const res = await post(limited, JSON.stringify({ query: "{ currentUser { rowId } }" }), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions).toMatchObject({ code: "RATE_LIMITED", limit: "RATE_LIMIT_PER_USER", max: 3, windowSeconds: 60 });
    expect(body.errors[0]!.message).toMatch(/^rate limit exceeded: at most 3 requests per 60 s per signed-in user/);
    // another user is not affected
    expect((await gql(limited, "{ currentUser { rowId } }", {}, await newUser(limited))).status).toBe(200);
  });

  test("one client IP past RATE_LIMIT_PER_IP gets 429 (bad tokens count too); /healthz and /readyz never do", async () => {
    const limited = await serve({ RATE_LIMIT_PER_IP: "3" });
    for (let i = 0; i < 3; i++) await post(limited, JSON.stringify({ query: "{ __typename }" }), { authorization: "Bearer not.a.token" });
    const res = await post(limited, JSON.stringify({ query: "{ __typename }" }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = (await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions).toMatchObject({ code: "RATE_LIMITED", limit: "RATE_LIMIT_PER_IP", max: 3 });
    for (let i = 0; i < 10; i++) {
      expect((await fetch(`${limited.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${limited.url}/readyz`)).status).toBe(200);
    }
  });
});

describe("limit settings", () => {
  test("a malformed or inconsistent limit setting stops start-up with one line naming the variable", () => {
    expect(() => loadConfig({ GRAPHQL_MAX_ALIASES: "many" })).toThrow('GRAPHQL_MAX_ALIASES: must be a whole number, got "many"');
    expect(() => loadConfig({ RATE_LIMIT_PER_USER: "-1" })).toThrow("RATE_LIMIT_PER_USER: must be between 0 and 1000000, got -1");
    expect(() => loadConfig({ GRAPHQL_DEFAULT_PAGE_SIZE: "500", GRAPHQL_MAX_PAGE_SIZE: "100" })).toThrow(
      "GRAPHQL_DEFAULT_PAGE_SIZE: must not exceed GRAPHQL_MAX_PAGE_SIZE (100), got 500",
    );
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32) }).limits).toMatchObject({
      introspection: false,
      fieldSuggestions: false,
    });
    expect(loadConfig({}).limits).toMatchObject({
      introspection: true,
      fieldSuggestions: true,
      maxAliases: 15,
      maxPageSize: 1000,
      defaultPageSize: 100,
    });
  });
});
