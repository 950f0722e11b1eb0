/**
 * Issue 18, row 2: websocket traffic counts against the same per-IP and per-user limits as HTTP
 * (each `subscribe`, mutations included), a user seen only over the websocket is provisioned like
 * an HTTP one, and no SQL table or constraint name reaches a client.
 */
import crypto from "node:crypto";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { ApiServer } from "../../src/http/server.js";
import { gql, signToken, startTestServer } from "../helpers/api.js";
import { closePools, superuserPool } from "../helpers/db.js";

const servers: ApiServer[] = [];
const clients: Client[] = [];
async function serve(overrides: Record<string, string> = {}): Promise<ApiServer> {
  const s = await startTestServer(overrides);
  servers.push(s);
  return s;
}
afterAll(async () => {
  for (const c of clients) await c.dispose();
  for (const s of servers) await s.close();
  await closePools();
});

interface WsResult {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

function wsClient(server: ApiServer, token?: string): Client {
  const client = createClient({
    url: `${server.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

/** One operation over the websocket: its result, or the errors of an `error` message. */
function run(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    let last: WsResult = {};
    client.subscribe(
      { query, variables },
      {
        next: (value) => void (last = value as WsResult),
        error: (err) =>
          Array.isArray(err)
            ? resolve({ errors: err as WsResult["errors"] })
            : reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
        complete: () => resolve(last),
      },
    );
  });
}

const CREATE_THREAD = `mutation($t: String) { createThread(input: { thread: { title: $t } }) { thread { threadId } } }`;

test("mutations over one websocket past RATE_LIMIT_PER_USER are refused, and the next HTTP request of that user gets 429", async () => {
  const server = await serve({ RATE_LIMIT_PER_USER: "5", RATE_LIMIT_PER_IP: "1000" });
  const token = await signToken({ sub: crypto.randomUUID() });
  const client = wsClient(server, token);
  const results: WsResult[] = [];
  for (let i = 0; i < 8; i++) results.push(await run(client, CREATE_THREAD, { t: `rate-limited-${i}` }));
  const ok = results.filter((r) => !r.errors);
  const refused = results.filter((r) => r.errors);
  expect(ok).toHaveLength(5);
  expect(refused).toHaveLength(3);
  expect(refused[0]!.errors![0]!.extensions).toMatchObject({ code: "RATE_LIMITED", limit: "RATE_LIMIT_PER_USER", max: 5 });
  expect(refused[0]!.errors![0]!.message).toMatch(/^rate limit exceeded: at most 5 requests per 60 s per signed-in user/);
  // Only five threads exist: the refused mutations did not run.
  const { rows } = await superuserPool().query("select count(*)::int as n from app_public.threads where title like 'rate-limited-%'");
  expect(rows[0].n).toBe(5);
  // The same counter as HTTP: the user's next HTTP request is over the limit too.
  const http = await gql(server, "{ currentUser { rowId } }", {}, token);
  expect(http.status).toBe(429);
});

test("websocket operations count against RATE_LIMIT_PER_IP, shared with HTTP", async () => {
  const server = await serve({ RATE_LIMIT_PER_IP: "4" });
  const client = wsClient(server);
  const results: WsResult[] = [];
  for (let i = 0; i < 6; i++) results.push(await run(client, "{ __typename }"));
  expect(results.filter((r) => !r.errors)).toHaveLength(4);
  expect(results[5]!.errors![0]!.extensions).toMatchObject({ code: "RATE_LIMITED", limit: "RATE_LIMIT_PER_IP", max: 4 });
  const http = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ __typename }" }),
  });
  expect(http.status).toBe(429);
});

test("a user seen only over the websocket is provisioned: their first operation is a mutation that works", async () => {
  const server = await serve();
  const sub = crypto.randomUUID();
  const client = wsClient(server, await signToken({ sub, email: "ws-only@example.com" }));
  const created = await run(client, CREATE_THREAD, { t: "over the websocket" });
  expect(created.errors).toBeUndefined();
  const me = await run(client, "{ currentUser { rowId } }");
  expect(me.errors).toBeUndefined();
  expect(me.data!.currentUser).toEqual({ rowId: expect.any(String) });
});

test("a foreign-key, check or row-level-security refusal names neither tables nor constraints", async () => {
  const server = await serve();
  const token = await signToken({ sub: crypto.randomUUID() });
  const leak = /threads|agents|scheduled_tasks|_fkey|_check|constraint|relation|policy|table/;
  // A thread pointing at an agent that does not exist: 23503.
  const fk = await gql(
    server,
    `mutation($a: UUID!) { createThread(input: { thread: { title: "x", agentId: $a } }) { thread { threadId } } }`,
    { a: crypto.randomUUID() },
    token,
  );
  expect(fk.errors?.[0]?.extensions).toMatchObject({ code: "23503", field: "agent_id" });
  expect(fk.errors?.[0]?.message).toBe("agent_id: the referenced record does not exist or is not visible to you");
  expect(fk.errors?.[0]?.message).not.toMatch(leak);
  // A temperature out of range: 23514, naming the column only.
  const check = await gql(
    server,
    `mutation { createAgent(input: { agent: { name: "x", temperature: 5 } }) { agent { agentId } } }`,
    {},
    token,
  );
  expect(check.errors?.[0]?.extensions).toMatchObject({ code: "23514", field: "temperature" });
  expect(check.errors?.[0]?.message).not.toMatch(leak);
  // The same over the websocket.
  const client = wsClient(server, token);
  const wsFk = await run(
    client,
    `mutation($a: UUID!) { createThread(input: { thread: { title: "x", agentId: $a } }) { thread { threadId } } }`,
    { a: crypto.randomUUID() },
  );
  expect(wsFk.errors?.[0]?.extensions).toMatchObject({ code: "23503" });
  expect(wsFk.errors?.[0]?.message).not.toMatch(leak);
});
