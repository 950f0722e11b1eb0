/**
 * The API while its database cannot be reached: GraphQL answers HTTP 503 with extensions.code DATABASE_UNAVAILABLE
 * (not a masked 200), /readyz says so, and both recover once the database is back. The outage is a TCP proxy in
 * front of the test database that is closed (connections reset, new ones refused) and then reopened on its port.
 */
import crypto from "node:crypto";
import { loadConfig } from "../../src/config.js";
import { DATABASE_UNAVAILABLE, startServer, type ApiServer } from "../../src/server.js";
import { isDatabaseUnavailable } from "../../src/db/unavailable.js";
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
  for (const e of [pgErr("ECONNREFUSED"), pgErr("57P01"), pgErr("57P03"), pgErr("08006"), new Error("Connection terminated unexpectedly"), new AggregateError([pgErr("ECONNREFUSED")])]) {
    expect(isDatabaseUnavailable(e)).toBe(true);
  }
  expect(isDatabaseUnavailable(new Error("wrapped", { cause: pgErr("08001") }))).toBe(true);
  for (const e of [pgErr("23505"), pgErr("42501"), pgErr("ST001"), new Error("syntax error"), undefined]) {
    expect(isDatabaseUnavailable(e)).toBe(false);
  }
});
