/**
 * The API while its database cannot be reached: GraphQL answers HTTP 503 with extensions.code DATABASE_UNAVAILABLE
 * (not a masked 200), /readyz says so, and both recover once the database is back. The outage is a TCP proxy in
 * front of the test database that is closed (connections reset, new ones refused) and then reopened on its port.
 */
import crypto from "node:crypto";
import { loadConfig } from "../../src/config.js";
import { GraphQLError } from "graphql";
import { createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { checkConnectionBudget } from "../../src/db/connections.js";
import { DATABASE_UNAVAILABLE, TOO_MANY_CONNECTIONS, maskError, startServer, type ApiServer } from "../../src/http/server.js";
import { isDatabaseUnavailable, isTooManyConnections } from "../../src/db/unavailable.js";
import { waitFor } from "../helpers/waitFor.js";
import { createThreadWithMessages } from "../helpers/flows.js";
import { gql, signToken } from "../helpers/api.js";
import { TcpProxy } from "../helpers/tcpProxy.js";

const target = new URL(process.env.TEST_AUTH_URL!);
const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
let server: ApiServer;
beforeAll(async () => {
  await proxy.open();
  const authUrl = new URL(process.env.TEST_AUTH_URL!);
  authUrl.hostname = "127.0.0.1";
  authUrl.port = String(proxy.port);
  const config = loadConfig({ ...process.env, PORT: "0", GRAPHIQL: "false" });
  server = await startServer({ config, authUrl: authUrl.toString(), jwt: { ...config.jwt, secret: process.env.TEST_JWT_SECRET } });
});
afterAll(async () => {
  await server.close();
  await proxy.close().catch(() => undefined);
});

test("database down → 503 DATABASE_UNAVAILABLE and /readyz 503; back up → 200 again", async () => {
  const token = await signToken({ sub: crypto.randomUUID() });
  const query = "{ currentUser { rowId } }";
  const up = await gql(server, query, {}, token);
  expect({ status: up.status, errors: up.errors }).toEqual({ status: 200, errors: undefined });
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

  await proxy.close();
  // Anonymous (straight to PostGraphile) and authenticated (the user is provisioned first, in the auth middleware).
  for (const t of [undefined, token]) {
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(t ? { authorization: `Bearer ${t}` } : {}) },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
    expect({ status: res.status, retryAfter: res.headers.get("retry-after"), code: body.errors?.[0]?.extensions?.code }).toEqual({
      status: 503,
      retryAfter: "5",
      code: DATABASE_UNAVAILABLE,
    });
    expect(body.errors![0]!.message).toMatch(/database is unavailable/);
  }
  const ready = await fetch(`${server.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ status: "database unreachable" });

  await proxy.open(); // same port: the database is back
  const back = await gql(server, query, {}, token);
  expect({ status: back.status, errors: back.errors }).toEqual({ status: 200, errors: undefined });
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
});

test("isDatabaseUnavailable: connection-class errors only", () => {
  const pgErr = (code: string) => Object.assign(new Error("x"), { code });
  for (const e of [
    pgErr("ECONNREFUSED"),
    pgErr("57P01"),
    pgErr("57P03"),
    pgErr("08006"),
    new Error("Connection terminated unexpectedly"),
    new AggregateError([pgErr("ECONNREFUSED")]),
  ]) {
    expect(isDatabaseUnavailable(e)).toBe(true);
  }
  expect(isDatabaseUnavailable(new Error("wrapped", { cause: pgErr("08001") }))).toBe(true);
  for (const e of [pgErr("23505"), pgErr("42501"), pgErr("ST001"), new Error("syntax error"), undefined]) {
    expect(isDatabaseUnavailable(e)).toBe(false);
  }
});

test("connection exhaustion (53300) is its own code, not an outage: TOO_MANY_CONNECTIONS", async () => {
  // a real refusal: a role whose connection limit is 0 gets SQLSTATE 53300, as when max_connections is used up
  const root = new pg.Client({ connectionString: process.env.TEST_SUPERUSER_URL });
  await root.connect();
  const role = `sat_test_limit_${crypto.randomBytes(4).toString("hex")}`;
  try {
    await root.query(`create role ${role} login password 'pw' connection limit 0`);
    const url = new URL(process.env.TEST_SUPERUSER_URL!);
    url.username = role;
    url.password = "pw";
    const refused = await new pg.Client({ connectionString: url.toString() }).connect().catch((e: Error & { code?: string }) => e);
    expect((refused as { code?: string }).code).toBe("53300");
    expect(isTooManyConnections(refused)).toBe(true);
    const masked = maskError(new GraphQLError("x", { originalError: refused as Error }));
    expect({ code: masked.extensions.code, message: masked.message }).toEqual({
      code: TOO_MANY_CONNECTIONS,
      message: expect.stringMatching(/max_connections/),
    });
  } finally {
    await root.query(`drop role if exists ${role}`);
    await root.end();
  }
});

test("at start each process compares its pools with max_connections and says clearly when they cannot fit", async () => {
  const config = loadConfig({ ...process.env, RUN_DB_CONNECTIONS: "200" });
  const tooMany = await checkConnectionBudget(process.env.TEST_SUPERUSER_URL!, "all", config);
  expect(tooMany.fits).toBe(false);
  expect(tooMany.message).toMatch(
    /may open up to \d+ database connections \(api 20, api_subscriptions 1, .*run_pool 200, run_pool_listen 1\) but only \d+ are free \(max_connections \d+/,
  );
  const ok = await checkConnectionBudget(process.env.TEST_SUPERUSER_URL!, "server", loadConfig({ ...process.env }));
  expect(ok).toMatchObject({ fits: true });
});

test("a subscription cut by the database ends with DATABASE_UNAVAILABLE, so clients resubscribe", async () => {
  const token = await signToken({ sub: crypto.randomUUID() });
  const { threadId } = await createThreadWithMessages(server, token, [["user", "Post the standup summary."]]);
  const exported = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    token,
  );
  const taskId = exported.data!.exportThread.result.taskId as string;
  const client = createClient({
    url: server.url.replace("http", "ws") + "/graphql",
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const events: Array<{ error?: unknown; data?: unknown }> = [];
  client.subscribe(
    { query: `subscription($id: UUID!) { taskUpdated(taskId: $id) { event } }`, variables: { id: taskId } },
    {
      next: (v) => void events.push(v as { data?: unknown }),
      error: (e) => void events.push({ error: e }),
      complete: () => events.push({ data: "complete" }),
    },
  );
  try {
    await new Promise((r) => setTimeout(r, 1000)); // subscribed
    await proxy.close();
    await waitFor(() => events.length > 0, { timeoutMs: 20_000, intervalMs: 100, what: "the subscription to end" });
    const ended = JSON.stringify(events);
    expect(ended).toMatch(/DATABASE_UNAVAILABLE/);
    expect(ended).not.toMatch(/An error occurred/);
  } finally {
    await client.dispose();
    await proxy.open();
  }
});
