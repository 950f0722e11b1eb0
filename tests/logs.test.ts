/**
 * Logs (pino, captured through a destination stream): secrets are redacted, every line of an HTTP request carries its
 * request id (returned in X-Request-Id), every line about a run carries execution_id, task_id and account_id.
 */
import { Writable } from "node:stream";
import crypto from "node:crypto";
import { errorFields, log, setLogDestination, setLogLevel } from "../src/logger.js";
import { loadConfig } from "../src/config.js";
import type { ApiServer } from "../src/http/server.js";
import { makeOfflineExecutor } from "../src/agent/offlineExecutor.js";
import { startTestServer } from "./helpers/api.js";
import { closePools, createUser, superuserPool } from "./helpers/db.js";
import { seedTenant } from "./helpers/fixtures.js";
import { runRuns } from "./helpers/runs.js";
import { closeOwnerPool } from "./helpers/worker.js";

type Line = Record<string, unknown>;
let lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(l) as Line);
    done();
  },
});

let server: ApiServer;
beforeAll(async () => {
  setLogDestination(sink);
  setLogLevel("info");
  server = await startTestServer({ AGENT_WEBHOOK_SECRET: "logs-test-webhook-secret-0123456789abcdef" });
});
afterAll(async () => {
  await server.close();
  await closeOwnerPool();
  await closePools();
  setLogDestination(undefined);
  setLogLevel(loadConfig().logLevel);
});
beforeEach(() => {
  lines = [];
});

test("secrets are redacted: by key, and by shape inside any string", () => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  log.warn("could not connect to postgres://sat_owner:hunter2-pass@db.internal:5432/app with Bearer " + jwt, {
    authorization: `Bearer ${jwt}`,
    headers: { authorization: "Basic dXNlcjpwYXNz", cookie: "session=abc" },
    apiKey: "sk-proj-abcdefghijklmnop",
    config: { password: "p4ss", url: "postgresql://u:topsecret@h/d", maxTokens: 2000 },
    detail: "OPENAI key sk-abcdefghijklmnopqrstuvwx was rejected; dsn host=h password=libpq-secret",
    ...errorFields(new Error(`token ${jwt} expired`)),
  });
  expect(lines).toHaveLength(1);
  const raw = JSON.stringify(lines[0]);
  for (const secret of [
    "hunter2-pass",
    jwt,
    "dXNlcjpwYXNz",
    "session=abc",
    "sk-proj-abcdefghijklmnop",
    "p4ss",
    "topsecret",
    "sk-abcdefghijklmnopqrstuvwx",
    "libpq-secret",
  ]) {
    expect(raw).not.toContain(secret);
  }
  expect(lines[0]).toMatchObject({
    level: "warn",
    msg: "could not connect to postgres://sat_owner:[redacted]@db.internal:5432/app with Bearer [redacted]",
    authorization: "[redacted]",
    config: { password: "[redacted]", url: "postgresql://u:[redacted]@h/d", maxTokens: 2000 },
  });
});

test("X-Request-Id: a sane incoming id is returned and on every line of the request; otherwise a new one", async () => {
  const id = "req-0123.abc:def";
  const res = await fetch(`${server.url}/hooks/agent-runs/${crypto.randomUUID()}`, {
    method: "POST",
    headers: { "x-request-id": id },
    body: "{}",
  });
  expect(res.status).toBe(401); // unsigned callback
  expect(res.headers.get("x-request-id")).toBe(id);
  const mine = lines.filter((l) => l.request_id === id);
  expect(mine.map((l) => l.msg)).toEqual(["rejected agent-run callback", "request completed"]);
  expect(mine[1]).toMatchObject({ method: "POST", route: "/hooks/agent-runs/:id", status: 401 });
  expect(lines.filter((l) => l.request_id !== id)).toEqual([]);

  for (const incoming of [undefined, "has spaces in it", "x".repeat(129), "<script>"]) {
    const r = await fetch(`${server.url}/healthz`, { headers: incoming ? { "x-request-id": incoming } : {} });
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});

test("every line about a run carries execution_id, task_id and account_id", async () => {
  const db = await superuserPool().connect();
  let accountId: string, seeded: Awaited<ReturnType<typeof seedTenant>>, executionId: string;
  try {
    await db.query("begin");
    accountId = (await createUser(db)).personalAccountId;
    seeded = await seedTenant(db, accountId);
    const { rows } = await db.query<{ execution_id: string }>(
      "insert into app_public.task_executions (task_id, account_id, status, trigger_type) values ($1, $2, 'pending', 'manual') returning execution_id",
      [seeded.taskId, accountId],
    );
    executionId = rows[0]!.execution_id;
    await db.query("commit");
  } finally {
    db.release();
  }
  await runRuns(makeOfflineExecutor({ defaultModel: "gpt-4o" }));
  const about = lines.filter((l) => l.execution_id === executionId);
  expect(about.map((l) => l.msg)).toContain("execution completed");
  for (const l of about) expect(l).toMatchObject({ task_id: seeded.taskId, account_id: accountId });
});
