/**
 * The run stage's invariants under chaos (issues 17 and 24): three worker processes run 40 scheduled occurrences on a
 * PostgreSQL this test owns (an embedded cluster in a temporary folder), each worker reaching it through its own TCP
 * proxy, while the test SIGKILLs, SIGSTOPs (past the lease), SIGTERMs and respawns workers, cuts a worker's
 * connections, and restarts PostgreSQL itself. Afterwards:
 *   - every due occurrence has exactly one execution, in a terminal state, and nothing is left running;
 *   - every completed run has exactly one answer;
 *   - attempts are counted right: no fault here is the run's own, so every run used exactly one attempt;
 *   - model requests are bounded: a run's model requests never exceed its number of holders (lease epochs).
 * The fault schedule is fixed (not random), so a failure reproduces.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { loadConfig, PROJECT_ROOT } from "../../src/config.js";
import { freePort, startEmbedded, type EmbeddedServer } from "../../src/db/embedded.js";
import { ensureRolesAndDatabase, migrateDatabase, withCredentials } from "../../src/db/setup.js";
import { createUser } from "../helpers/db.js";
import { FakeOpenAI } from "../helpers/fakeOpenAI.js";
import { seedTenant } from "../helpers/fixtures.js";
import { TcpProxy } from "../helpers/tcpProxy.js";
import { waitFor } from "../helpers/waitFor.js";

const RUNS = 40;
const dataDir = fs.mkdtempSync(path.join(PROJECT_ROOT, ".test-data", "chaos-"));
let pgServer: EmbeddedServer;
let port: number;
let rootUrl: string;
let ownerUrl: string;
const llm = new FakeOpenAI();
let baseURL: string;

beforeAll(async () => {
  port = await freePort();
  pgServer = await startEmbedded({ dataDir, port, persistent: true, fsync: false });
  rootUrl = pgServer.rootUrl.replace(/\/postgres$/, "/chaos");
  const config = loadConfig({ ...process.env, DATABASE_URL: undefined });
  const password = crypto.randomBytes(12).toString("hex");
  await ensureRolesAndDatabase(pgServer.rootUrl, "chaos", config, { owner: password, authenticator: password });
  ownerUrl = withCredentials(pgServer.rootUrl, config.roles.owner, password, "chaos");
  await migrateDatabase(ownerUrl, config);
  ({ baseURL } = await llm.start());
  // every run's answer takes 0.3–1.2 s and names its prompt
  llm.responder = (body) => {
    const last = [...body.messages].reverse().find((m) => m.role === "user")?.content;
    const prompt = typeof last === "string" ? last : JSON.stringify(last ?? "");
    return { kind: "stream", chunks: ["Done: ", prompt.slice(0, 40)], delayMs: 300 + Math.floor(Math.random() * 900) };
  };
}, 120_000);

afterAll(async () => {
  await llm.close();
  await pgServer?.stop().catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Worker {
  child: ChildProcess | null = null;
  readonly proxy = new TcpProxy({ host: "127.0.0.1", port: 0 });
  constructor(readonly name: string) {}
  async open(pgPort: number) {
    (this.proxy as unknown as { target: { host: string; port: number } }).target.port = pgPort;
    await this.proxy.open();
  }
  spawn() {
    const viaProxy = new URL(ownerUrl);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(this.proxy.port);
    // the real worker process (`npm run worker`), as an operator runs it
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: viaProxy.toString(),
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: baseURL,
      RUN_LEASE_SECONDS: "5",
      RUN_HEARTBEAT_MS: "1000",
      RUN_POLL_MS: "500",
      RUN_RETRY_BASE_MS: "500",
      LOG_LEVEL: process.env.CHAOS_DEBUG ? "info" : "error",
    };
    delete env.TEST_ROOT_DATABASE_URL;
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "src/main.ts"), "worker"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const name = this.name;
    for (const s of [child.stdout, child.stderr])
      s.on("data", (b: Buffer) => process.env.CHAOS_DEBUG && process.stderr.write(b.toString().replace(/^/gm, `[${name}] `)));
    this.child = child;
  }
  async signal(sig: NodeJS.Signals) {
    const child = this.child!;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = sig === "SIGSTOP" || sig === "SIGCONT" ? null : new Promise((r) => child.once("exit", r));
    child.kill(sig);
    if (!exited) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(() => r(void child.kill("SIGKILL")), 20_000)))]);
    clearTimeout(timer);
    await exited;
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}

const step = (what: string) => process.env.CHAOS_DEBUG && process.stderr.write(`chaos ${new Date().toISOString()} ${what}\n`);

test("kill, stall, stop, cut and restart: every occurrence runs once, every run ends with one answer", async () => {
  const root = new pg.Pool({ connectionString: rootUrl, max: 2 });
  root.on("error", () => undefined);
  // 40 tasks in 4 accounts, one scheduled occurrence each, due over the next 30 s
  const c = await root.connect();
  const occurrences: Array<{ executionId: string; prompt: string }> = [];
  try {
    await c.query("update app_private.plan_limits set max_concurrent_executions = null");
    for (let a = 0; a < 4; a++) {
      await c.query("begin");
      const u = await createUser(c);
      await c.query("commit");
      for (let i = 0; i < RUNS / 4; i++) {
        const prompt = `Chaos task ${a}-${i}: report the status.`;
        const t = await seedTenant(c, u.personalAccountId, { prompt });
        const { rows } = await c.query(
          `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for)
           values ($1, $2, 'pending', 'schedule', now() + make_interval(secs => $3)) returning execution_id`,
          [t.taskId, u.personalAccountId, 2 + ((a * RUNS) / 4 + i) * 0.75],
        );
        occurrences.push({ executionId: rows[0].execution_id, prompt });
      }
    }
  } finally {
    c.release();
  }

  const workers = [new Worker("w0"), new Worker("w1"), new Worker("w2")];
  for (const w of workers) {
    await w.open(port);
    w.spawn();
  }
  try {
    // the fault schedule
    await sleep(5000);
    step("SIGKILL w0");
    await workers[0]!.signal("SIGKILL");
    workers[0]!.spawn();
    await sleep(3000);
    step("SIGSTOP w1");
    await workers[1]!.signal("SIGSTOP"); // stalls past its 5 s lease
    await sleep(8000);
    await workers[1]!.signal("SIGCONT");
    await sleep(2000);
    step("cut w2");
    await workers[2]!.proxy.close(); // this worker's connections are cut
    await sleep(4000);
    await workers[2]!.proxy.open();
    await sleep(2000);
    step("stop PostgreSQL");
    await pgServer.stop(); // PostgreSQL itself restarts (fast shutdown)
    await sleep(3000);
    pgServer = await startEmbedded({ dataDir, port, persistent: true, fsync: false });
    await sleep(3000);
    step("SIGTERM w0");
    await workers[0]!.signal("SIGTERM"); // a deploy: hands its runs back
    workers[0]!.spawn();
    await sleep(2000);
    step("SIGKILL w1");
    await workers[1]!.signal("SIGKILL");
    workers[1]!.spawn();
    step("waiting for every run to end");

    await waitFor(
      async () => {
        const { rows } = await root.query("select status, count(*)::int as n from app_public.task_executions group by 1 order by 1");
        step(JSON.stringify(rows));
        return !rows.some((r) => r.status === "pending" || r.status === "running");
      },
      { timeoutMs: 90_000, intervalMs: 500, what: "every run to end" },
    );
  } finally {
    for (const w of workers) {
      if (w.child && w.child.exitCode === null) await w.signal("SIGKILL").catch(() => undefined);
      await w.proxy.close().catch(() => undefined);
    }
  }

  const { rows } = await root.query(
    `select e.execution_id, e.status, e.attempts, e.lease_epoch::int as epochs,
            (select count(*)::int from app_public.task_executions o where o.task_id = e.task_id and o.scheduled_for = e.scheduled_for) as per_occurrence,
            (select count(*)::int from app_public.messages m where m.thread_id = e.thread_id and m.role = 'assistant') as answers
       from app_public.task_executions e where e.trigger_type = 'schedule'`,
  );
  await root.end();
  expect(rows).toHaveLength(RUNS);
  const requestsOf = (prompt: string) => llm.requests.filter((r) => JSON.stringify(r.body.messages).includes(prompt)).length;
  const byId = new Map(occurrences.map((o) => [o.executionId, o.prompt]));
  const broken = rows
    .map((r) => ({ ...r, requests: requestsOf(byId.get(r.execution_id)!) }))
    .filter(
      (r) =>
        r.status !== "completed" ||
        r.answers !== 1 ||
        r.per_occurrence !== 1 ||
        r.attempts !== 1 ||
        r.requests < 1 ||
        r.requests > r.epochs,
    );
  expect(broken).toEqual([]);
  const extra = rows.reduce((n, r) => n + requestsOf(byId.get(r.execution_id)!) - 1, 0);
  console.log(
    `chaos: ${RUNS} runs completed once each; ${extra} repeated model request(s) in all (at most one per holder that lost its run)`,
  );
}, 240_000);
