/**
 * API benchmark: `npm run bench:api`. A benchmark, not a test: it prints figures (and writes them to
 * bench/results/api.txt) and exits 0 whether the targets are met or missed.
 *
 * A generated data set (BENCH_API_USERS users with BENCH_API_TASKS_PER_USER tasks each, one
 * team account with 20,000 tasks; executions for every task), then W1–W5 with autocannon at 16 and
 * 64 connections against PostGraphile (`src/main.ts server`, its own process) and a hand-written
 * baseline (bench/lib/baselineServer.ts, its own process) on the same database, interleaved:
 * PostGraphile then baseline for each workload and connection count. Then PostGraphile with
 * SERVER_PROCESSES=2 and with persisted operations, the EXPLAIN of W1 and W3, and a CPU profile of
 * the server under W1/W2 load.
 *
 * Env: BENCH_ROOT_DATABASE_URL (else an embedded PostgreSQL in .test-data/), BENCH_API_USERS (10,000),
 * BENCH_API_TASKS_PER_USER (100), BENCH_API_DURATION (seconds per run, 10), BENCH_RESULTS_FILE. The
 * defaults are the scale (10,001 users, 1,020,000 tasks and as many executions, generated
 * set-based in about two minutes); a smoke run: BENCH_API_USERS=200 BENCH_API_TASKS_PER_USER=20
 * BENCH_API_DURATION=2 BENCH_RESULTS_FILE=/tmp/api-smoke.txt.
 */
import { spawn, type ChildProcess, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import pg from "pg";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { startServer } from "../src/http/server.js";
import { sha256Hex } from "../src/graphql/persisted.js";
import { closeAll, loadLine, openBenchDatabase, track, type BenchDatabase } from "./lib/env.js";
import { runLoad, type ConnCtx, type LoadRequest, type LoadResult } from "./lib/load.js";
import { fmtNum, passMiss, progress, ratio, Report } from "./lib/report.js";

const RESULTS_FILE = path.resolve(PROJECT_ROOT, process.env.BENCH_RESULTS_FILE ?? "bench/results/api.txt");
// The scale by default: 10,001 users (10,000 + the big account's owner), 1,020,000 tasks.
const USERS = Number(process.env.BENCH_API_USERS ?? 10_000);
const TASKS_PER_USER = Number(process.env.BENCH_API_TASKS_PER_USER ?? 100);
const BIG_TASKS = 20_000;
const TOKEN_USERS = Math.min(1000, USERS);
const DURATION = Number(process.env.BENCH_API_DURATION ?? 10);
const CONNS = [16, 64];
const JWT_SECRET = crypto.randomBytes(32).toString("base64url");

const DOCS = {
  W1: `query W1 { allScheduledTasks(condition: {status: "active"}, orderBy: NEXT_EXECUTION_AT_ASC, first: 20) { totalCount nodes { taskId name status nextExecutionAt } } }`,
  W2: `query W2($id: UUID!) { scheduledTaskByTaskId(taskId: $id) { taskId name status nextExecutionAt taskExecutionsByTaskId(orderBy: CREATED_AT_DESC, first: 10) { nodes { executionId status createdAt } } } }`,
  W3: `query W3($account: UUID!, $offset: Int, $after: Cursor) { allScheduledTasks(condition: {accountId: $account}, orderBy: CREATED_AT_DESC, first: 20, offset: $offset, after: $after) { nodes { taskId name createdAt } pageInfo { endCursor hasNextPage } } }`,
  PAUSE: `mutation Pause($id: UUID!) { pauseTask(input: {taskId: $id}) { result { taskId status } } }`,
  RESUME: `mutation Resume($id: UUID!) { resumeTask(input: {taskId: $id}) { result { taskId status } } }`,
  W5: `query W5 { previewSchedule(scheduleType: "cron", cronExpression: "0 9 * * 1-5", timezone: "Europe/London", count: 5) { description occurrences } }`,
} as const;

interface Data {
  users: string[]; // token users
  tokens: string[];
  w2Tasks: string[]; // one per token user
  w4: Array<{ token: string; taskId: string }>; // one per connection (max 64)
  big: { token: string; accountId: string; cursor50?: { createdAt: string; taskId: string }; gqlCursor50?: string };
  counts: Record<string, number>;
}

async function token(sub: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime("3h")
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function generate(su: pg.Client): Promise<Data> {
  progress(`generating ${USERS} users x ${TASKS_PER_USER} tasks + one account with ${BIG_TASKS} tasks`);
  await su.query("begin");
  await su.query("set local session_replication_role = replica"); // bulk load: triggers and FK checks skipped, rows consistent by construction
  await su.query(
    `create temp table g_users on commit drop as select g as n, gen_random_uuid() as user_id, gen_random_uuid() as account_id, gen_random_uuid() as thread_id from generate_series(0, $1::int) g`,
    [USERS],
  );
  // n = 0 is the big account's owner; its team account is separate from its personal one
  await su.query(`insert into app_public.users (id, email) select user_id, 'u' || n || '@example.com' from g_users`);
  await su.query(
    `insert into app_public.accounts (id, name, personal_account, primary_owner_user_id) select account_id, 'Account ' || n, true, user_id from g_users`,
  );
  await su.query(
    `insert into app_public.account_memberships (account_id, user_id, account_role) select account_id, user_id, 'owner' from g_users`,
  );
  const big = (await su.query(`select user_id from g_users where n = 0`)).rows[0].user_id as string;
  const bigAccount = crypto.randomUUID();
  const bigThread = crypto.randomUUID();
  await su.query(
    `insert into app_public.accounts (id, name, personal_account, primary_owner_user_id, plan) values ($1, 'Big team', false, $2, 'enterprise')`,
    [bigAccount, big],
  );
  await su.query(`insert into app_public.account_memberships (account_id, user_id, account_role) values ($1, $2, 'owner')`, [
    bigAccount,
    big,
  ]);
  await su.query(
    `insert into app_public.threads (thread_id, account_id, title) select thread_id, account_id, 'Thread' from g_users union all select $1, $2, 'Big'`,
    [bigThread, bigAccount],
  );
  // tasks interleaved over time across accounts, as in production (on disk in creation order, so one
  // account's tasks are on as many pages as it has tasks); 3 in 5 of every account's tasks active
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const r = await run();
    progress(`  ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  };
  await step(`${USERS * TASKS_PER_USER} tasks`, () =>
    su.query(
      `insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages, status, prompt_status,
                                             is_scheduled, schedule_type, timezone, next_execution_at, created_at)
     select u.account_id, u.thread_id, 'Task ' || g, 'Do the thing', '[]', s.status, 'ready', s.status in ('active', 'paused'), 'daily', 'Europe/London',
            case when s.status = 'active' then now() + (g % 1440) * interval '1 minute' end, now() - g * interval '1 second'
       from generate_series(1, $1::int * $2::int) g
       join g_users u on u.n = 1 + (g % $1::int)
       cross join lateral (select (array['active', 'active', 'active', 'paused', 'draft'])[1 + ((g / $1::int) % 5)] as status) s
      order by g`,
      [USERS, TASKS_PER_USER],
    ),
  );
  await su.query(
    `insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages, status, prompt_status,
                                             is_scheduled, schedule_type, timezone, next_execution_at, created_at)
     select $1, $2, 'Big ' || g, 'Do the thing', '[]', 'active', 'ready', true, 'daily', 'UTC', now() + (g % 1440) * interval '1 minute', now() - g * interval '1 second'
       from generate_series(1, $3::int) g`,
    [bigAccount, bigThread, BIG_TASKS],
  );
  await step("an execution per task", () =>
    su.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at, completed_at, created_at)
     select task_id, account_id, 'completed', 'manual', created_at, created_at, created_at + interval '1 minute' from app_public.scheduled_tasks`,
    ),
  );
  // W2's tasks (the first task of each token user): 15 executions each, so "last 10" is a real page
  const { rows: w2 } = await su.query(
    `select distinct on (u.n) u.n, u.user_id, t.task_id from g_users u join app_public.scheduled_tasks t on t.account_id = u.account_id
      where u.n between 1 and $1 order by u.n, t.created_at`,
    [TOKEN_USERS],
  );
  await su.query(
    `insert into app_public.task_executions (task_id, account_id, status, trigger_type, created_at)
     select t.task_id, t.account_id, 'completed', 'manual', now() - k * interval '1 hour' from app_public.scheduled_tasks t, generate_series(1, 14) k
      where t.task_id = any($1::uuid[])`,
    [w2.map((r) => r.task_id)],
  );
  // W4: one active task per connection, each of another user (users after the token users when there are enough)
  const { rows: w4 } = await su.query(
    `select distinct on (u.n) u.user_id, t.task_id from g_users u join app_public.scheduled_tasks t on t.account_id = u.account_id and t.status = 'active'
      where u.n >= greatest(1, $1::int - 64) order by u.n, t.created_at limit 64`,
    [USERS > TOKEN_USERS + 64 ? TOKEN_USERS + 65 : 1],
  );
  await su.query("commit");
  await step("analyze", () => su.query("analyze"));
  const counts: Record<string, number> = {};
  for (const t of ["users", "accounts", "scheduled_tasks", "task_executions"]) {
    counts[t] = Number((await su.query(`select count(*) from app_public.${t}`)).rows[0].count);
  }
  const { rows: cur } = await su.query(
    `select created_at, task_id from app_public.scheduled_tasks where account_id = $1 order by created_at desc, task_id desc offset 979 limit 1`,
    [bigAccount],
  );
  const users = w2.map((r) => r.user_id as string);
  return {
    users,
    tokens: await Promise.all(users.map(token)),
    w2Tasks: w2.map((r) => r.task_id as string),
    w4: await Promise.all(w4.map(async (r) => ({ token: await token(r.user_id as string), taskId: r.task_id as string }))),
    big: {
      token: await token(big),
      accountId: bigAccount,
      cursor50: { createdAt: (cur[0].created_at as Date).toISOString(), taskId: cur[0].task_id },
    },
    counts,
  };
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
}

async function waitFor(url: string, child: ChildProcess, name: string): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become ready`);
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

async function startProc(name: string, args: string[], env: Record<string, string>, readyPath: string): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (d: Buffer) => {
    const s = d.toString();
    if (!/ExperimentalWarning|trace-warnings/.test(s)) process.stderr.write(`[${name}] ${s}`);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = track(name, () => stopProc(child), 30_000);
  void stop;
  await waitFor(url + readyPath, child, name);
  return { name, child, url };
}

function stopProc(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function serverEnv(db: BenchDatabase, authUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: db.ownerUrl,
    AUTH_DATABASE_URL: authUrl,
    DATABASE_OWNER: db.config.roles.owner,
    DATABASE_AUTHENTICATOR: db.config.roles.authenticator,
    DATABASE_VISITOR: db.config.roles.visitor,
    JWT_SECRET,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    GRAPHIQL: "false",
    RATE_LIMIT_PER_IP: "0",
    RATE_LIMIT_PER_USER: "0",
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

interface Workload {
  id: string;
  title: string;
  graphql: LoadRequest | LoadRequest[];
  baseline: LoadRequest | LoadRequest[];
}

function gqlBody(query: string, variables: Record<string, unknown> = {}) {
  return JSON.stringify({ query, variables });
}

/** W4's free tasks; refilled before every W4 run (a run stops with sequences half done). */
const w4Free: Data["w4"] = [];

function workloads(d: Data): Workload[] {
  const user = (ctx: ConnCtx) => (ctx.seq ?? 0) % d.tokens.length;
  const tok = (ctx: ConnCtx) => d.tokens[user(ctx)]!;
  // W4: a task is taken from the free list for a pause and handed back after its resume, so no two
  // connections ever work on the same task
  const free = w4Free;
  const take = (ctx: ConnCtx) => (ctx.task ??= free.shift() ?? d.w4[0]!);
  const give = (ctx: ConnCtx) => {
    if (ctx.task) free.push(ctx.task);
    ctx.task = undefined;
  };
  const c50 = d.big.cursor50!;
  return [
    {
      id: "W1",
      title: "a user's active tasks, first: 20, totalCount",
      graphql: { path: "/graphql", token: tok, body: () => gqlBody(DOCS.W1) },
      baseline: { path: "/w1", token: tok, body: () => "{}" },
    },
    {
      id: "W2",
      title: "task by id + last 10 executions",
      graphql: { path: "/graphql", token: tok, body: (ctx) => gqlBody(DOCS.W2, { id: d.w2Tasks[user(ctx)] }) },
      baseline: { path: "/w2", token: tok, body: (ctx) => JSON.stringify({ id: d.w2Tasks[user(ctx)] }) },
    },
    {
      id: "W3 p1",
      title: "20,000-task account, page 1",
      graphql: { path: "/graphql", token: () => d.big.token, body: () => gqlBody(DOCS.W3, { account: d.big.accountId }) },
      baseline: { path: "/w3", token: () => d.big.token, body: () => JSON.stringify({ account: d.big.accountId }) },
    },
    {
      id: "W3 p50 offset",
      title: "20,000-task account, page 50 by offset: 980",
      graphql: { path: "/graphql", token: () => d.big.token, body: () => gqlBody(DOCS.W3, { account: d.big.accountId, offset: 980 }) },
      baseline: { path: "/w3", token: () => d.big.token, body: () => JSON.stringify({ account: d.big.accountId, offset: 980 }) },
    },
    {
      id: "W3 p50 cursor",
      title: "20,000-task account, page 50 by cursor (after: endCursor of page 49)",
      graphql: {
        path: "/graphql",
        token: () => d.big.token,
        body: () => gqlBody(DOCS.W3, { account: d.big.accountId, after: d.big.gqlCursor50 }),
      },
      baseline: {
        path: "/w3",
        token: () => d.big.token,
        body: () => JSON.stringify({ account: d.big.accountId, afterCreatedAt: c50.createdAt, afterTaskId: c50.taskId }),
      },
    },
    {
      id: "W4",
      title: "pause + resume (each connection its own task, alternating)",
      graphql: [
        { path: "/graphql", token: (ctx) => take(ctx).token, body: (ctx) => gqlBody(DOCS.PAUSE, { id: take(ctx).taskId }) },
        { path: "/graphql", token: (ctx) => take(ctx).token, body: (ctx) => gqlBody(DOCS.RESUME, { id: take(ctx).taskId }), after: give },
      ],
      baseline: [
        { path: "/pause", token: (ctx) => take(ctx).token, body: (ctx) => JSON.stringify({ id: take(ctx).taskId }) },
        { path: "/resume", token: (ctx) => take(ctx).token, body: (ctx) => JSON.stringify({ id: take(ctx).taskId }), after: give },
      ],
    },
    {
      id: "W5",
      title: "previewSchedule cron '0 9 * * 1-5' Europe/London, count 5",
      graphql: { path: "/graphql", token: tok, body: () => gqlBody(DOCS.W5) },
      baseline: { path: "/w5", token: tok, body: () => JSON.stringify({ cron: "0 9 * * 1-5", timezone: "Europe/London", count: 5 }) },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Profile
// ---------------------------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Self time by area and by function, counting only samples taken after `skipMs` (start-up excluded). */
function summariseProfile(file: string, skipMs: number, report: Report): void {
  const prof = JSON.parse(fs.readFileSync(file, "utf8")) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const hitsOf = new Map<number, number>();
  let t = 0;
  prof.samples.forEach((id, i) => {
    t += prof.timeDeltas[i] ?? 0;
    if (t / 1000 >= skipMs) hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
  });
  let total = 0;
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const n of prof.nodes) {
    const hits = hitsOf.get(n.id) ?? 0;
    if (!hits) continue;
    total += hits;
    const { functionName, url, lineNumber } = n.callFrame;
    const rel = url.replace(/^file:\/\//, "").replace(PROJECT_ROOT + "/", "");
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/node_modules\/((?:@[^/]+\/)?[^/]+))?/.exec(rel);
    const area =
      functionName === "(garbage collector)"
        ? "GC"
        : functionName === "(idle)"
          ? "idle"
          : functionName === "(program)"
            ? "(program: native/V8)"
            : pkg
              ? (pkg[2] ?? pkg[1])!
              : rel.startsWith("node:") || !rel
                ? "node core (net, http, streams…)"
                : rel.startsWith("src/")
                  ? "src/ (ours)"
                  : rel;
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
    const key = `${functionName || "(anonymous)"} ${rel ? rel.split("/").slice(-2).join("/") + ":" + (lineNumber + 1) : ""}`;
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
  }
  const busy = total - (byArea.get("idle") ?? 0);
  const pct = (h: number) => `${((h / busy) * 100).toFixed(1)}%`;
  report.line(
    `  samples: ${fmtNum(total)}, of which idle ${pct(byArea.get("idle") ?? 0)} of busy (percentages below are of non-idle samples)`,
  );
  report.table(
    ["area (self time)", "share"],
    [...byArea.entries()]
      .filter(([a]) => a !== "idle")
      .sort((a, b) => b[1] - a[1])
      .slice(0, 14)
      .map(([a, h]) => [a, pct(h)]),
  );
  report.table(
    ["top functions (self time)", "share"],
    [...byFn.entries()]
      .filter(([k]) => !k.startsWith("(idle)"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([k, h]) => [k, pct(h)]),
  );
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function explain(su: pg.Client, db: BenchDatabase, sub: string, title: string, sql: string, params: unknown[], report: Report) {
  await su.query("begin");
  try {
    await su.query(`select set_config('role', $1, true), set_config('jwt.claims.sub', $2, true)`, [db.config.roles.visitor, sub]);
    const { rows } = await su.query(`explain (analyze, buffers, costs off) ${sql}`, params);
    report.line(`  -- ${title}`);
    for (const r of rows) report.line(`  ${r["QUERY PLAN"]}`);
    report.line();
  } finally {
    await su.query("rollback");
  }
}

/** The statements PostGraphile sends for W1, W2 and W3 (an in-process server whose pool records them). */
async function captureSql(db: BenchDatabase, authUrl: string, data: Data, report: Report): Promise<void> {
  const config = loadConfig({ ...process.env, ...serverEnv(db, authUrl), PORT: "0" });
  const server = await startServer({ config, authUrl, jwt: config.jwt });
  const seen: string[] = [];
  const patched = new WeakSet<object>();
  server.authPool.on("acquire", (client: pg.PoolClient) => {
    if (patched.has(client)) return;
    patched.add(client);
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      seen.push(typeof first === "string" ? first : ((first as { text?: string })?.text ?? ""));
      return query(...args);
    };
  });
  try {
    const w4 = data.w4[0]!;
    const cases: Array<[string, string, string, Record<string, unknown>]> = [
      ["W4 pause", w4.token, DOCS.PAUSE, { id: w4.taskId }],
      ["W4 resume", w4.token, DOCS.RESUME, { id: w4.taskId }],
      ["W1", data.tokens[0]!, DOCS.W1, {}],
      ["W2", data.tokens[0]!, DOCS.W2, { id: data.w2Tasks[0] }],
      ["W3 page 50 by cursor", data.big.token, DOCS.W3, { account: data.big.accountId, after: data.big.gqlCursor50 }],
      ["W3 page 50 by offset", data.big.token, DOCS.W3, { account: data.big.accountId, offset: 980 }],
    ];
    for (const [name, tok, doc, variables] of cases) {
      if (!name.startsWith("W4"))
        await fetch(`${server.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tok}` },
          body: gqlBody(doc, variables),
        });
      seen.length = 0;
      const res = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tok}` },
        body: gqlBody(doc, variables),
      });
      await res.text();
      report.line(`  -- ${name}: ${seen.length} round trips on one connection`);
      for (const text of seen) report.line(`     ${text.replace(/\s+/g, " ").slice(0, 900)}`);
    }
  } finally {
    await server.close();
  }
}

interface Row {
  workload: string;
  conns: number;
  pgl: LoadResult;
  base: LoadResult;
}

async function main(): Promise<void> {
  const report = new Report();
  report.line("API benchmark (npm run bench:api) - bench/api.ts");
  report.line(`started ${new Date().toISOString()}`);
  let git = "?";
  try {
    git = execFileSync("git", ["log", "-1", "--format=%h %s"], { cwd: PROJECT_ROOT }).toString().trim();
  } catch {
    /* no git */
  }
  report.line(`code: git ${git}`);
  const { db, su } = await openBenchDatabase(report, "su");
  const genStart = Date.now();
  const data = await generate(su);
  const genSec = (Date.now() - genStart) / 1000;
  report.line(
    `SCALE: ${fmtNum(data.counts.users!)} users, ${fmtNum(data.counts.accounts!)} accounts, ${fmtNum(data.counts.scheduled_tasks!)} tasks, ${fmtNum(data.counts.task_executions!)} executions ` +
      `(BENCH_API_USERS=${USERS} x BENCH_API_TASKS_PER_USER=${TASKS_PER_USER} + one team account with ${fmtNum(BIG_TASKS)} tasks; the issue's deployment had 10,001 users, 1,020,000 tasks); generated in ${genSec.toFixed(0)} s`,
  );
  report.line(
    `load: autocannon (in the bench process), ${DURATION} s per run after a 2 s warm-up per server and workload; ${TOKEN_USERS} users' tokens for W1/W2/W5 (rotating), one token per W4 connection`,
  );
  report.line(
    `servers: PostGraphile = node src/main.ts server (1 process, pool 20, NODE_ENV=production, rate limits off); baseline = bench/lib/baselineServer.ts (1 process, pool 20, same verifier); both own processes, same database`,
  );
  report.line(
    `PostgreSQL, both servers and autocannon share the machine's ${os.cpus().length} CPUs; the machine is shared with other engineers' test runs (load average printed per section).`,
  );

  const password = new URL(db.ownerUrl).password;
  const authUrl = (() => {
    const u = new URL(db.ownerUrl);
    u.username = db.config.roles.authenticator;
    u.password = password;
    return u.toString();
  })();
  // persisted operations: the workload documents
  const persistedDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-persisted-"));
  track("persisted dir", async () => fs.rmSync(persistedDir, { recursive: true, force: true }));
  for (const doc of Object.values(DOCS)) fs.writeFileSync(path.join(persistedDir, `${sha256Hex(doc)}.graphql`), doc);

  progress("starting servers");
  const pglServer = await startProc(
    "postgraphile",
    ["--import", "tsx", "src/main.ts", "server"],
    serverEnv(db, authUrl, { GRAPHQL_PERSISTED_OPERATIONS: persistedDir }),
    "/readyz",
  );
  const baseline = await startProc(
    "baseline",
    ["--import", "tsx", "bench/lib/baselineServer.ts"],
    { BASELINE_AUTH_URL: authUrl, JWT_SECRET, DATABASE_VISITOR: db.config.roles.visitor },
    "/healthz",
  );

  // page 50's cursor as PostGraphile hands it out
  const page49 = await fetch(`${pglServer.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${data.big.token}` },
    body: gqlBody(DOCS.W3, { account: data.big.accountId, offset: 960 }),
  }).then(
    (r) => r.json() as Promise<{ data: { allScheduledTasks: { nodes: Array<{ taskId: string }>; pageInfo: { endCursor: string } } } }>,
  );
  data.big.gqlCursor50 = page49.data.allScheduledTasks.pageInfo.endCursor;
  if (page49.data.allScheduledTasks.nodes.at(-1)?.taskId !== data.big.cursor50!.taskId) throw new Error("page 49 cursor mismatch");

  report.section("0. The SQL PostGraphile sends (the baseline sends the same statements)");
  await captureSql(db, authUrl, data, report);
  const ws = workloads(data);
  const rows: Row[] = [];
  report.section("1. W1-W5: PostGraphile vs hand-written baseline, interleaved");
  for (const w of ws) {
    for (const conns of CONNS) {
      report.line(loadLine().replace("section start", `${w.id} @${conns} start`));
      progress(`${w.id} @${conns}: warm-up`);
      const isW4 = w.id === "W4";
      // every W4 run starts from active tasks (a run may stop between a pause and its resume)
      const resetW4 = async () => {
        if (!isW4) return;
        await new Promise((r) => setTimeout(r, 1500)); // requests cut off at the end of the last run finish on the server first
        await su.query(`update app_public.scheduled_tasks set status = 'active' where task_id = any($1::uuid[])`, [
          data.w4.map((t) => t.taskId),
        ]);
        w4Free.splice(0, w4Free.length, ...data.w4);
      };
      const wr = (u: string, pid: number, req: LoadRequest | LoadRequest[]) =>
        runLoad({ url: u, connections: conns, durationSec: 2, serverPid: pid, request: req });
      await resetW4();
      await wr(pglServer.url, pglServer.child.pid!, w.graphql);
      await resetW4();
      await wr(baseline.url, baseline.child.pid!, w.baseline);
      await resetW4();
      const measure = (label: string, srv: { url: string; child: { pid?: number } }, request: LoadRequest | LoadRequest[]) => {
        progress(`${w.id} @${conns}: ${label}`);
        return runLoad({ url: srv.url, connections: conns, durationSec: DURATION, serverPid: srv.child.pid!, request });
      };
      const pgl = await measure("PostGraphile", pglServer, w.graphql);
      await resetW4();
      const base = await measure("baseline", baseline, w.baseline);
      rows.push({ workload: w.id, conns, pgl, base });
      progress(
        `${w.id} @${conns}: PostGraphile ${pgl.rps.toFixed(0)}/s p95 ${pgl.p95.toFixed(1)} ms, baseline ${base.rps.toFixed(0)}/s p95 ${base.p95.toFixed(1)} ms, errors ${pgl.errors}/${base.errors}`,
      );
      if (pgl.firstError) report.note(`${w.id} @${conns} PostGraphile first error: ${pgl.firstError}`);
      if (base.firstError) report.note(`${w.id} @${conns} baseline first error: ${base.firstError}`);
    }
  }
  const f1 = (n: number) => n.toFixed(1);
  const perReq = (r: LoadResult) => (r.rps > 0 ? (((r.serverCpuPct / 100) * 1000) / r.rps).toFixed(2) : "");
  report.table(
    [
      "workload",
      "conns",
      "server",
      "req/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "errors",
      "server CPU %",
      "CPU ms/req",
      "RSS MiB",
      "machine CPU %",
      "ratio req/s",
    ],
    rows.flatMap((r) => {
      const row = (server: string, m: typeof r.pgl, vsBaseline: string) => [
        r.workload,
        r.conns,
        server,
        Math.round(m.rps),
        f1(m.p50),
        f1(m.p95),
        f1(m.p99),
        m.errors,
        Math.round(m.serverCpuPct),
        perReq(m),
        Math.round(m.serverRssMiB),
        Math.round(m.machineBusyPct),
        vsBaseline,
      ];
      return [row("PostGraphile", r.pgl, ratio(r.pgl.rps, r.base.rps)), row("baseline", r.base, "")];
    }),
  );
  report.note(
    "server CPU % = CPU time of the server process(es) / wall time (100 = one core); machine CPU % = all processes (200 = both cores busy)",
  );
  report.note(
    "CPU ms/req = the server process's CPU time per request: what one request costs, independent of how much CPU the machine's other load left it",
  );
  report.note("ratio = PostGraphile req/s / baseline req/s in the same run");

  // 1b. one request at a time: the latency a user sees, without queueing behind 15 others on 2 cores
  report.section(
    "1b. W1 one request at a time (1 connection): the issue's latency measure (before the fix: p50 104 ms, p95 111 ms at 220,000 tasks)",
  );
  report.line(loadLine());
  const w1 = ws.find((w) => w.id === "W1")!;
  const w2 = ws.find((w) => w.id === "W2")!;
  const seqRows: Array<[string, LoadResult]> = [];
  for (const [name, proc, req] of [
    ["PostGraphile", pglServer, w1.graphql],
    ["baseline", baseline, w1.baseline],
  ] as const) {
    await runLoad({ url: proc.url, connections: 1, durationSec: 2, serverPid: proc.child.pid!, request: req });
    seqRows.push([name, await runLoad({ url: proc.url, connections: 1, durationSec: DURATION, serverPid: proc.child.pid!, request: req })]);
  }
  report.table(
    ["server", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "server CPU %", "machine CPU %"],
    seqRows.map(([n, r]) => [
      n,
      Math.round(r.rps),
      f1(r.p50),
      f1(r.p95),
      f1(r.p99),
      r.errors,
      Math.round(r.serverCpuPct),
      Math.round(r.machineBusyPct),
    ]),
  );
  const w1seq = seqRows[0]![1];

  // 1c. express vs grafserv's plain Node adaptor
  report.section(
    "1c. /graphql behind express (src/http/server.ts) vs grafserv's plain Node adaptor (bench/lib/nodeAdaptorServer.ts: no express, no request ids/metrics/logs/rate limits), W1 @16, alternating",
  );
  report.line(loadLine());
  const nodeServer = await startProc(
    "postgraphile-node-adaptor",
    ["--import", "tsx", "bench/lib/nodeAdaptorServer.ts"],
    serverEnv(db, authUrl),
    "/readyz",
  );
  // the same answer through both (the node adaptor must carry the verified claims to pgSettings)
  const w1Of = async (u: string) =>
    await fetch(`${u}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${data.tokens[0]}` },
      body: gqlBody(DOCS.W1),
    }).then((r) => r.text());
  const [viaExpress, viaNode] = [await w1Of(pglServer.url), await w1Of(nodeServer.url)];
  if (viaExpress !== viaNode || !viaExpress.includes('"totalCount":'))
    throw new Error(`node adaptor answers W1 differently: ${viaNode.slice(0, 200)} vs ${viaExpress.slice(0, 200)}`);
  const adaptorRows: Array<[string, LoadResult]> = [];
  for (let round = 1; round <= 2; round++) {
    for (const [name, proc] of [
      ["express (src/http/server.ts)", pglServer],
      ["grafserv node adaptor", nodeServer],
    ] as const) {
      if (round === 1) await runLoad({ url: proc.url, connections: 16, durationSec: 2, serverPid: proc.child.pid!, request: w1.graphql });
      progress(`1c ${name} round ${round}`);
      adaptorRows.push([
        `${name}, run ${round}`,
        await runLoad({ url: proc.url, connections: 16, durationSec: DURATION, serverPid: proc.child.pid!, request: w1.graphql }),
      ]);
    }
  }
  await stopProc(nodeServer.child);
  const cpuMs = (r: LoadResult) => (r.rps > 0 ? ((r.serverCpuPct / 100) * 1000) / r.rps : 0);
  report.table(
    ["server", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "server CPU %", "server CPU ms/request", "machine CPU %"],
    adaptorRows.map(([n, r]) => [
      n,
      Math.round(r.rps),
      f1(r.p50),
      f1(r.p95),
      f1(r.p99),
      r.errors,
      Math.round(r.serverCpuPct),
      cpuMs(r).toFixed(2),
      Math.round(r.machineBusyPct),
    ]),
  );
  const meanCpu = (prefix: string) => {
    const rs = adaptorRows.filter(([n]) => n.startsWith(prefix)).map(([, r]) => cpuMs(r));
    return rs.reduce((a, b) => a + b, 0) / rs.length;
  };
  report.note(
    `server CPU per request, mean of both runs: express ${meanCpu("express").toFixed(2)} ms, node adaptor ${meanCpu("grafserv").toFixed(2)} ms (node adaptor / express = ${(meanCpu("grafserv") / meanCpu("express")).toFixed(2)})`,
  );

  // 2. several processes, persisted operations
  report.section("2. PostGraphile variants: persisted operations; SERVER_PROCESSES=2 (node:cluster)");
  report.line(loadLine());
  const persisted = (w: Workload, doc: string): LoadRequest => ({
    ...(w.graphql as LoadRequest),
    body: (ctx) => {
      const b = JSON.parse((w.graphql as LoadRequest).body(ctx)) as { variables: unknown };
      return JSON.stringify({ documentId: sha256Hex(doc), variables: b.variables });
    },
  });
  const variantRows: Array<[string, number, LoadResult]> = [];
  for (const [name, req] of [
    ["W2 ad-hoc document", w2.graphql],
    ["W2 persisted (documentId)", persisted(w2, DOCS.W2)],
  ] as const) {
    await runLoad({ url: pglServer.url, connections: 16, durationSec: 2, serverPid: pglServer.child.pid!, request: req });
    variantRows.push([
      `${name}, 1 process`,
      16,
      await runLoad({ url: pglServer.url, connections: 16, durationSec: DURATION, serverPid: pglServer.child.pid!, request: req }),
    ]);
  }
  await stopProc(pglServer.child);
  const cluster = await startProc(
    "postgraphile-x2",
    ["--import", "tsx", "src/main.ts", "server"],
    serverEnv(db, authUrl, { SERVER_PROCESSES: "2" }),
    "/readyz",
  );
  for (const [name, w] of [
    ["W1", w1],
    ["W2", w2],
  ] as const) {
    for (const conns of CONNS) {
      await runLoad({ url: cluster.url, connections: conns, durationSec: 2, serverPid: cluster.child.pid!, request: w.graphql });
      variantRows.push([
        `${name}, SERVER_PROCESSES=2`,
        conns,
        await runLoad({ url: cluster.url, connections: conns, durationSec: DURATION, serverPid: cluster.child.pid!, request: w.graphql }),
      ]);
    }
  }
  await stopProc(cluster.child);
  const one = (id: string, c: number) => rows.find((r) => r.workload === id && r.conns === c)!;
  report.table(
    [
      "variant",
      "conns",
      "req/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "errors",
      "server CPU %",
      "RSS MiB",
      "machine CPU %",
      "vs 1 process (section 1)",
    ],
    variantRows.map(([n, c, r]) => {
      const ref = n.startsWith("W1") ? one("W1", c) : n.includes("SERVER_PROCESSES") ? one("W2", c) : undefined;
      return [
        n,
        c,
        Math.round(r.rps),
        f1(r.p50),
        f1(r.p95),
        f1(r.p99),
        r.errors,
        Math.round(r.serverCpuPct),
        Math.round(r.serverRssMiB),
        Math.round(r.machineBusyPct),
        ref ? ratio(r.rps, ref.pgl.rps) : "",
      ];
    }),
  );

  // 3. EXPLAIN
  report.section("3. EXPLAIN (analyze, buffers) as the visitor: W1 and W3");
  const w1User = data.users[0]!;
  const bigSub = (await su.query(`select primary_owner_user_id from app_public.accounts where id = $1`, [data.big.accountId])).rows[0]
    .primary_owner_user_id as string;
  await explain(
    su,
    db,
    w1User,
    "W1 page",
    `select __t__."task_id", __t__."name", __t__."status", __t__."next_execution_at" from "app_public"."scheduled_tasks" as __t__ where (__t__."status" = $1::"text") order by __t__."next_execution_at" asc, __t__."task_id" asc limit 21`,
    ["active"],
    report,
  );
  await explain(
    su,
    db,
    w1User,
    "W1 totalCount",
    `select (count(*))::text as "0" from "app_public"."scheduled_tasks" as __t__ where (__t__."status" = $1::"text")`,
    ["active"],
    report,
  );
  const w3sql = (keyset: string, offset: string) =>
    `select __t__."task_id", __t__."name", __t__."created_at" from "app_public"."scheduled_tasks" as __t__ where (__t__."account_id" = $1::"uuid")${keyset} order by __t__."created_at" desc, __t__."task_id" desc limit 21${offset}`;
  await explain(su, db, bigSub, "W3 page 50 by offset", w3sql("", " offset 980"), [data.big.accountId], report);
  await explain(
    su,
    db,
    bigSub,
    "W3 page 50 by cursor",
    w3sql(` and ((__t__."created_at", __t__."task_id") < ($2::"timestamptz", $3::"uuid"))`, ""),
    [data.big.accountId, data.big.cursor50!.createdAt, data.big.cursor50!.taskId],
    report,
  );

  // 4. profile
  report.section("4. Where PostGraphile's time goes: node --cpu-prof of the server under W1 then W2, 16 connections");
  report.line(loadLine());
  const profDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-prof-"));
  track("profile dir", async () => fs.rmSync(profDir, { recursive: true, force: true }));
  const profStart = Date.now();
  const profiled = await startProc(
    "postgraphile-profiled",
    ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--import", "tsx", "src/main.ts", "server"],
    serverEnv(db, authUrl),
    "/readyz",
  );
  const skipMs = Date.now() - profStart + 2000; // start-up and the warm-up below are not counted
  await runLoad({ url: profiled.url, connections: 16, durationSec: 2, serverPid: profiled.child.pid!, request: w1.graphql });
  await runLoad({ url: profiled.url, connections: 16, durationSec: DURATION, serverPid: profiled.child.pid!, request: w1.graphql });
  await runLoad({ url: profiled.url, connections: 16, durationSec: DURATION, serverPid: profiled.child.pid!, request: w2.graphql });
  await stopProc(profiled.child);
  const prof = fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (prof) summariseProfile(path.join(profDir, prof), skipMs, report);
  else report.note("no profile written");

  // 5. summary
  report.section("5. Targets (this 2-core machine)");
  const w1a = one("W1", 16);
  const w2a = one("W2", 16);
  const w2b = one("W2", 64);
  const w3c = one("W3 p50 cursor", 16);
  const w5a = one("W5", 16);
  const w5b = one("W5", 64);
  const totalErrors = rows.reduce((a, r) => a + r.pgl.errors, 0) + variantRows.reduce((a, [, , r]) => a + r.errors, 0);
  const best = (a: LoadResult, b: LoadResult) => Math.max(a.rps, b.rps);
  report.table(
    ["target", "measured", "result"],
    [
      ["W1 p95 <= 20 ms at 16 connections", `${f1(w1a.pgl.p95)} ms (baseline ${f1(w1a.base.p95)} ms)`, passMiss(w1a.pgl.p95 <= 20)],
      ["(W1 p95 <= 20 ms one request at a time, section 1b)", `${f1(w1seq.p95)} ms (p50 ${f1(w1seq.p50)})`, passMiss(w1seq.p95 <= 20)],
      [
        "W1 >= 0.7x baseline req/s (16 connections)",
        `${ratio(w1a.pgl.rps, w1a.base.rps)} (${Math.round(w1a.pgl.rps)} vs ${Math.round(w1a.base.rps)})`,
        passMiss(w1a.pgl.rps >= 0.7 * w1a.base.rps),
      ],
      [
        "W1 >= 0.7x baseline req/s (64 connections)",
        ratio(one("W1", 64).pgl.rps, one("W1", 64).base.rps),
        passMiss(one("W1", 64).pgl.rps >= 0.7 * one("W1", 64).base.rps),
      ],
      ["W3 page 50 by cursor p95 <= 20 ms (16 connections)", `${f1(w3c.pgl.p95)} ms`, passMiss(w3c.pgl.p95 <= 20)],
      [
        "W2 >= 0.7x baseline req/s (16 connections)",
        `${ratio(w2a.pgl.rps, w2a.base.rps)} (${Math.round(w2a.pgl.rps)} vs ${Math.round(w2a.base.rps)})`,
        passMiss(w2a.pgl.rps >= 0.7 * w2a.base.rps),
      ],
      ["W2 >= 0.7x baseline req/s (64 connections)", ratio(w2b.pgl.rps, w2b.base.rps), passMiss(w2b.pgl.rps >= 0.7 * w2b.base.rps)],
      [
        "W5 >= 1,000 req/s (one process)",
        `${Math.round(best(w5a.pgl, w5b.pgl))} /s (16: ${Math.round(w5a.pgl.rps)}, 64: ${Math.round(w5b.pgl.rps)})`,
        passMiss(best(w5a.pgl, w5b.pgl) >= 1000),
      ],
      ["0 errors (PostGraphile, all runs)", String(totalErrors), passMiss(totalErrors === 0)],
    ],
  );
  report.line(
    `finished ${new Date().toISOString()}; ${loadLine().trim()}; load average 1/5/15 min now: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")}`,
  );
  report.write(RESULTS_FILE);
  progress(`written ${path.relative(PROJECT_ROOT, RESULTS_FILE)}`);
}

let exitCode = 0;
process.on("SIGINT", () => void closeAll().then(() => process.exit(130)));
try {
  await main();
} catch (err) {
  exitCode = 1;
  progress(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await closeAll();
}
process.exit(exitCode);
