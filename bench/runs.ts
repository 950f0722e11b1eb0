/**
 * bench:runs — the run stage under a herd: many agent runs due at the same second.
 *
 *   npm run bench:runs                          # embedded PostgreSQL in a temporary folder
 *   BENCH_ROOT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:runs
 *   BENCH_RUNS_QUICK=1 npm run bench:runs       # smaller N, for development (results not comparable)
 *
 * Everything runs for real: worker processes are `node src/main.ts worker` (graphile-worker + the
 * run pool, the OpenAI executor through the openai SDK) against a loopback streaming model in its
 * own process that answers after a latency L. Executions are inserted as the dispatcher creates
 * them (pending, scheduled_for = the herd's second) a few seconds ahead. Prints the figures and a
 * PASS/MISS summary against the targets, writes them to bench/results/runs.txt, exits 0 either way.
 *
 * Sections: 1. herd (N = 1,000, L = 5 s; N = 10,000, L = 30 s; one worker, then two),
 * 2. fairness (one account with 2,000 due runs under its plan cap + 100 accounts with one each),
 * 3. recovery (SIGKILL a worker with 200 runs in flight, start another), 4. baseline (the same
 * N = 1,000 herd with one graphile-worker job slot per run, WORKER_CONCURRENCY = 100), 5. claim throughput (20,000
 * due runs over 10,000 accounts claimed by 1, 2 and 4 claiming processes, bench/lib/claimer.ts; claims alone, then
 * claims with preparation).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { PROJECT_ROOT } from "../src/config.js";
import {
  closeAll,
  connect,
  loadLine,
  machineInfo,
  markInterrupted,
  serverInfo,
  setupDatabase,
  sleep,
  track,
  type BenchDatabase,
} from "./lib/env.js";
import { ms, passMiss, progress, rate, ratio, Report, stats } from "./lib/report.js";
import type { ClaimerResult } from "./lib/claimer.js";

const QUICK = process.env.BENCH_RUNS_QUICK === "1";
/** BENCH_RUNS_SECTIONS=1,3 runs only those sections (development). */
const SECTIONS = new Set((process.env.BENCH_RUNS_SECTIONS ?? "1,2,3,4,5").split(",").map((x) => x.trim()));
const RESULTS_FILE = path.resolve(
  PROJECT_ROOT,
  process.env.BENCH_RESULTS_FILE ?? (QUICK ? "bench/results/runs-quick.txt" : "bench/results/runs.txt"),
);
const report = new Report();
const summary: Array<[string, string, string, string]> = [];
const target = (name: string, value: string, goal: string, ok: boolean) => summary.push([name, value, goal, passMiss(ok)]);

let db: BenchDatabase;
let su: pg.Client;
let modelUrl: string;

// ---------------------------------------------------------------------------------------------
// processes
// ---------------------------------------------------------------------------------------------

function spawnTsx(file: string, env: Record<string, string>, args: string[] = [], stdin: "ignore" | "pipe" = "ignore"): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, file), ...args], {
    env: { ...process.env, ...env },
    stdio: [stdin, "pipe", "pipe"],
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  readline.createInterface({ input: child.stderr! }).on("line", keep);
  child.once("exit", (code, signal) => {
    if (code && code !== 0) progress(`${file} exited ${code}${signal ? ` (${signal})` : ""}:\n${tail.join("\n")}`);
  });
  return child;
}

async function startModel(): Promise<void> {
  const child = spawnTsx("bench/lib/modelServer.ts", {});
  track("model server", async () => child.kill("SIGTERM"));
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once("line", resolve));
  modelUrl = `http://127.0.0.1:${JSON.parse(line).port}`;
}

async function setLatency(latencyMs: number): Promise<void> {
  await fetch(`${modelUrl}/control`, { method: "POST", body: JSON.stringify({ latencyMs, reset: true }) });
}

interface WorkerProc {
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
  peakRssMb(): number;
}

function readStatus(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A real worker process: `node --import tsx src/main.ts worker`. */
async function startWorker(env: Record<string, string> = {}): Promise<WorkerProc> {
  const child = spawnTsx(
    "src/main.ts",
    {
      DATABASE_URL: db.ownerUrl,
      OPENAI_API_KEY: "sk-bench",
      OPENAI_BASE_URL: `${modelUrl}/v1`,
      AGENT_MODEL: "bench-model",
      LOG_LEVEL: "warn",
      AGENT_REQUEST_TIMEOUT_MS: "600000",
      RUN_CAPACITY: "10000",
      RUN_CLAIM_BATCH: "500",
      ...env,
    },
    ["worker"],
  );
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, readStatus(child.pid!, "VmHWM"))), 250);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  track(`worker ${child.pid}`, () => stop("SIGKILL"));
  // ready when its heartbeat row exists
  for (let i = 0; i < 600; i++) {
    const { rows } = await su.query("select count(*)::int as n from app_private.run_workers where worker_id like '%:' || $1 || ':%'", [
      child.pid,
    ]);
    if (rows[0].n > 0) break;
    if (child.exitCode !== null) throw new Error("worker exited during start-up");
    await sleep(100);
  }
  return { child, stop, peakRssMb: () => Math.max(peak, readStatus(child.pid!, "VmHWM")) };
}

// ---------------------------------------------------------------------------------------------
// data
// ---------------------------------------------------------------------------------------------

async function reset(): Promise<void> {
  await su.query(
    `truncate app_public.users, app_public.accounts, app_public.account_memberships, app_public.threads, app_public.messages, app_public.agent_runs,
              app_public.scheduled_tasks, app_public.task_executions, app_private.audit_log, app_private.run_workers,
              app_private.model_usage, app_private.account_usage, app_private.owner_usage, app_private.model_providers, graphile_worker._private_jobs cascade`,
  );
}

/** `accounts` accounts (one owner each, plan `plan`) with `perAccount` ready tasks each; returns task ids per account. */
async function createAccounts(accounts: number, perAccount: number, plan: string): Promise<Array<{ account_id: string; task_id: string }>> {
  const { rows } = await su.query(
    `with u as (
       insert into app_public.users (id, email) select gen_random_uuid(), 'bench' || g || '-' || md5(random()::text) || '@example.com' from generate_series(1, $1) g returning id
     ), a as (
       insert into app_public.accounts (name, personal_account, primary_owner_user_id, plan) select 'bench', false, u.id, $3 from u returning id, primary_owner_user_id
     ), m as (
       insert into app_public.account_memberships (account_id, user_id, account_role) select a.id, a.primary_owner_user_id, 'owner' from a
     ), th as (
       insert into app_public.threads (account_id, title) select a.id, 'source' from a returning thread_id, account_id
     )
     insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages, prompt_status, prompt_source)
     select th.account_id, th.thread_id, 'bench task ' || k, 'Check the status and report in one line.', '[]', 'ready', 'offline'
       from th, generate_series(1, $2) k
     returning account_id, task_id`,
    [accounts, perAccount, plan],
  );
  await su.query("analyze");
  return rows;
}

/** Pending executions due at `dueAt`, as the dispatcher writes them; wakes the run pools. */
async function insertDue(tasks: Array<{ task_id: string; account_id: string }>, dueAt: Date): Promise<void> {
  for (let i = 0; i < tasks.length; i += 5000) {
    const part = tasks.slice(i, i + 5000);
    await su.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, execution_context)
       select t, a, 'pending', 'schedule', $3, '{"trigger":"schedule"}' from unnest($1::uuid[], $2::uuid[]) as x(t, a)`,
      [part.map((t) => t.task_id), part.map((t) => t.account_id), dueAt],
    );
  }
  await su.query("analyze app_public.task_executions");
  await su.query("select pg_notify('sat_runs_ready', '')");
}

interface Observed {
  finishedAfterMs: number;
  peakConnections: number;
  xacts: number;
  wallMs: number;
}

/** Waits until `n` executions (of `ids` or all) are finished; samples connections meanwhile. */
async function watch(dueAt: Date, n: number, timeoutMs: number, accountIds?: string[]): Promise<Observed> {
  const x0 = (await su.query("select xact_commit + xact_rollback as x from pg_stat_database where datname = current_database()")).rows[0].x;
  const t0 = Date.now();
  let peakConnections = 0;
  let done = 0;
  while (Date.now() - t0 < timeoutMs) {
    const { rows } = await su.query(
      `select (select count(*)::int from app_public.task_executions where status in ('completed', 'failed') and ($1::uuid[] is null or account_id = any($1))) as done,
              (select count(*)::int from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()) as conns`,
      [accountIds ?? null],
    );
    done = rows[0].done;
    peakConnections = Math.max(peakConnections, rows[0].conns);
    if (done >= n) break;
    await sleep(200);
  }
  const x1 = (await su.query("select xact_commit + xact_rollback as x from pg_stat_database where datname = current_database()")).rows[0].x;
  const { rows: fin } = await su.query(
    "select extract(epoch from max(completed_at) - $1::timestamptz) * 1000 as ms from app_public.task_executions where status in ('completed', 'failed') and ($2::uuid[] is null or account_id = any($2))",
    [dueAt, accountIds ?? null],
  );
  if (done < n) progress(`timed out: ${done}/${n} finished`);
  return {
    finishedAfterMs: done < n ? Infinity : Number(fin[0].ms),
    peakConnections,
    xacts: Number(x1) - Number(x0),
    wallMs: Date.now() - t0,
  };
}

async function lateness(accountIds?: string[]): Promise<number[]> {
  const { rows } = await su.query(
    `select extract(epoch from started_at - scheduled_for) * 1000 as ms from app_public.task_executions
      where started_at is not null and ($1::uuid[] is null or account_id = any($1))`,
    [accountIds ?? null],
  );
  return rows.map((r) => Number(r.ms));
}

/** When the model received each request, in ms after the due second (the moment the user waits for). */
async function requestArrivals(dueAt: Date): Promise<number[]> {
  const { arrivals } = (await (await fetch(`${modelUrl}/stats`)).json()) as { arrivals: number[] };
  return arrivals.map((t) => t - dueAt.getTime());
}

/**
 * Where a run's time goes around its second: how long before it the run was prepared (its thread written, by the worker
 * that reserved it), when the status flipped to running, when the answer was stored (minus L) and the run finished.
 */
async function profile(latencyMs: number, dueAt: Date): Promise<void> {
  const { rows } = await su.query(
    `select extract(epoch from $2::timestamptz - t.created_at) * 1000 as prepared_ahead,
            extract(epoch from e.started_at - $2::timestamptz) * 1000 as flipped,
            extract(epoch from m.created_at - $2::timestamptz) * 1000 - $1 as answer_overhead,
            extract(epoch from e.completed_at - m.created_at) * 1000 as finish
       from app_public.task_executions e join app_public.threads t on t.thread_id = e.thread_id
       join app_public.messages m on m.thread_id = e.thread_id and m.role = 'assistant'
      where e.status = 'completed'`,
    [latencyMs, dueAt],
  );
  const col = (k: string) => stats(rows.map((r) => Number(r[k])));
  const [p, f, a, fin] = [col("prepared_ahead"), col("flipped"), col("answer_overhead"), col("finish")];
  report.line(
    `  profile per run: prepared before its second (min / p50 / max) ${ms(p.min)} / ${ms(p.p50)} / ${ms(p.max)}; status running after the second (p50 / p99) ${ms(f.p50)} / ${ms(f.p99)};`,
  );
  report.line(
    `    answer stored after the second, minus L (p50 / p99) ${ms(a.p50)} / ${ms(a.p99)}; answer stored → finished (p50 / p99) ${ms(fin.p50)} / ${ms(fin.p99)}`,
  );
}

async function outcome(): Promise<{ completed: number; failed: number; duplicates: number; failures: string[] }> {
  const { rows } = await su.query(
    `select count(*) filter (where status = 'completed')::int as completed, count(*) filter (where status = 'failed')::int as failed,
            (select count(*)::int from (select e.execution_id from app_public.task_executions e join app_public.messages m on m.thread_id = e.thread_id
                                         where m.role = 'assistant' group by 1 having count(*) > 1) d)
            + (select count(*)::int from (select metadata->>'execution_id' from app_public.agent_runs group by 1 having count(*) > 1) r) as duplicates,
            array(select distinct left(error_message, 120) from app_public.task_executions where status = 'failed' limit 3) as failures
       from app_public.task_executions`,
  );
  return rows[0];
}

// ---------------------------------------------------------------------------------------------
// sections
// ---------------------------------------------------------------------------------------------

// Executions are written this long before they are due, as the dispatcher does (its look-ahead is 65 s); the workers reserve
// and prepare them RUN_PREPARE_AHEAD_MS (15 s, the default) before their second.
const LEAD_MS = 20_000;

async function herd(n: number, latencyMs: number, workers: number, p99Goal: number, finishSlackMs: number, checkResources: boolean) {
  await reset();
  await setLatency(latencyMs);
  const procs: WorkerProc[] = [];
  for (let i = 0; i < workers; i++) procs.push(await startWorker());
  const tasks = await createAccounts(n, 1, "pro");
  const dueAt = new Date(Date.now() + LEAD_MS + Math.ceil(n / 5000) * 1000);
  await insertDue(tasks, dueAt);
  const obs = await watch(dueAt, n, latencyMs + 180_000);
  const flip = stats(await lateness());
  // "start" is the model receiving the run's request, after the due second (not the status flip)
  const late = stats(await requestArrivals(dueAt));
  const out = await outcome();
  const rss = procs.map((p) => p.peakRssMb());
  for (const p of procs) await p.stop();
  const label = `herd N=${n.toLocaleString("en-US")} L=${latencyMs / 1000}s, ${workers} worker${workers > 1 ? "s" : ""}`;
  report.table(
    [
      "N",
      "L",
      "workers",
      "request received p50",
      "p95",
      "p99",
      "max",
      "status flip p99",
      "all finished after",
      "completed",
      "failed",
      "dup",
      "peak RSS/worker",
      "peak db conns",
      "xact/s",
    ],
    [
      [
        n,
        `${latencyMs / 1000} s`,
        workers,
        ms(late.p50),
        ms(late.p95),
        ms(late.p99),
        ms(late.max),
        ms(flip.p99),
        ms(obs.finishedAfterMs),
        out.completed,
        out.failed,
        out.duplicates,
        rss.map((r) => `${r.toFixed(0)} MB`).join(" / "),
        obs.peakConnections,
        Math.round(obs.xacts / (obs.wallMs / 1000)),
      ],
    ],
  );
  if (out.failures.length) report.note(`failures: ${out.failures.join(" | ")}`);
  await profile(latencyMs, dueAt);
  target(`${label}: model request received p99`, ms(late.p99), `<= ${ms(p99Goal)}`, late.p99 <= p99Goal && out.completed === n);
  target(
    `${label}: all finished`,
    ms(obs.finishedAfterMs),
    `<= L + ${finishSlackMs / 1000} s`,
    obs.finishedAfterMs <= latencyMs + finishSlackMs,
  );
  if (checkResources) {
    target(`${label}: worker peak RSS`, `${Math.max(...rss).toFixed(0)} MB`, "<= 1024 MB", Math.max(...rss) <= 1024);
    target(`${label}: database connections`, String(obs.peakConnections), "<= 50", obs.peakConnections <= 50);
  }
  return { late, obs };
}

async function fairness(bigRuns: number, smallAccounts: number, latencyMs: number) {
  await reset();
  await setLatency(latencyMs);
  const w = await startWorker();
  const big = await createAccounts(1, bigRuns, "pro"); // pro: 10 runs at a time
  const small = await createAccounts(smallAccounts, 1, "pro");
  // the big account's runs are due first (a second earlier): strict due-time order would serve them all first
  const dueAt = new Date(Date.now() + LEAD_MS);
  await insertDue(big, new Date(dueAt.getTime() - 1000));
  await insertDue(small, dueAt);
  const smallIds = [...new Set(small.map((t) => t.account_id))];
  const obs = await watch(dueAt, smallAccounts, latencyMs + 120_000, smallIds);
  const late = stats(await lateness(smallIds));
  const { rows } = await su.query(
    "select count(*) filter (where started_at is not null)::int as started, max(l.max_concurrent_executions) as cap from app_public.task_executions e join app_public.accounts a on a.id = e.account_id join app_private.plan_limits l on l.plan = a.plan where e.account_id = $1",
    [big[0]!.account_id],
  );
  await w.stop();
  report.table(
    [
      "big account runs",
      "its plan cap",
      "small accounts",
      "L",
      "small: start p50",
      "p95",
      "p99",
      "max",
      "small: all finished after",
      "big: started meanwhile",
    ],
    [
      [
        bigRuns,
        rows[0].cap,
        smallAccounts,
        `${latencyMs / 1000} s`,
        ms(late.p50),
        ms(late.p95),
        ms(late.p99),
        ms(late.max),
        ms(obs.finishedAfterMs),
        rows[0].started,
      ],
    ],
  );
  target("fairness: small accounts' start p99", ms(late.p99), "<= 2 s", late.p99 <= 2000);
}

async function recovery(n: number, latencyMs: number) {
  await reset();
  await setLatency(latencyMs);
  const w1 = await startWorker({ RUN_LEASE_SECONDS: "30", RUN_HEARTBEAT_MS: "5000" });
  const tasks = await createAccounts(n, 1, "pro");
  const dueAt = new Date(Date.now() + 2000);
  await insertDue(tasks, dueAt);
  for (let i = 0; i < 600; i++) {
    const { rows } = await su.query(
      "select count(*)::int as n from app_public.task_executions where status = 'running' and agent_run_id is not null",
    );
    if (rows[0].n >= n) break;
    await sleep(100);
  }
  await sleep(1000); // the model requests are in flight
  const stats0 = await (await fetch(`${modelUrl}/stats`)).json();
  await w1.stop("SIGKILL");
  const killedAt = Date.now();
  progress(`worker SIGKILLed with ${n} runs in flight (model requests in flight: ${stats0.inFlight})`);
  const w2 = await startWorker();
  let resumedAfter = Infinity;
  for (let i = 0; i < 1200; i++) {
    const { rows } = await su.query(
      "select count(*)::int as n from app_public.task_executions where lease_epoch >= 2 or status in ('completed', 'failed')", // claimed again by the live worker (a lost lease uses no attempt)
    );
    if (rows[0].n >= n) {
      resumedAfter = Date.now() - killedAt;
      break;
    }
    await sleep(100);
  }
  await watch(dueAt, n, latencyMs + 120_000);
  const out = await outcome();
  const { rows: th } = await su.query(
    "select count(*)::int as n from (select metadata->>'execution_id' from app_public.threads where metadata ? 'execution_id' group by 1 having count(*) > 1) d",
  );
  await w2.stop();
  report.table(
    ["runs in flight", "L", "lease", "all resumed after kill", "completed", "failed", "duplicate messages/runs", "duplicate threads"],
    [[n, `${latencyMs / 1000} s`, "30 s (heartbeat 5 s)", ms(resumedAfter), out.completed, out.failed, out.duplicates, th[0].n]],
  );
  target("recovery: every run resumed", ms(resumedAfter), "<= 60 s", resumedAfter <= 60_000);
  target("recovery: duplicates", String(out.duplicates + th[0].n), "0", out.duplicates + th[0].n === 0 && out.completed === n);
}

async function baseline(n: number, latencyMs: number) {
  await reset();
  await setLatency(latencyMs);
  const child = spawnTsx("bench/lib/baselineWorker.ts", {
    DATABASE_URL: db.ownerUrl,
    OPENAI_BASE_URL: `${modelUrl}/v1`,
    BASELINE_CONCURRENCY: "100",
  });
  track("baseline worker", async () => child.kill("SIGKILL"));
  await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once("line", resolve));
  const tasks = await createAccounts(n, 1, "enterprise");
  const dueAt = new Date(Date.now() + LEAD_MS);
  await insertDue(tasks, dueAt);
  await su.query(
    `select graphile_worker.add_jobs(array(select row('bench_slot_run', json_build_object('execution_id', execution_id), null, $1::timestamptz, 4, null, null, null)::graphile_worker.job_spec
                                             from app_public.task_executions where status = 'pending'))`,
    [dueAt],
  );
  // the run pools must not take these: no worker of ours runs now
  const obs = await watch(dueAt, n, (n * latencyMs) / 100 + 120_000);
  const late = stats(await requestArrivals(dueAt));
  child.kill("SIGTERM");
  report.table(
    ["N", "L", "job slots", "request received p50", "p95", "p99", "all finished after"],
    [[n, `${latencyMs / 1000} s`, 100, ms(late.p50), ms(late.p95), ms(late.p99), ms(obs.finishedAfterMs)]],
  );
  return { late, obs };
}

const CLAIM_PROVIDER = "bench-claim"; // no model_providers row: no provider limit

/**
 * `processes` claiming processes (bench/lib/claimer.ts) take every one of `n` due runs (n / 2 accounts with 2 each, pro:
 * no plan cap binds), 500 per claim; with `prepare`, each also prepares what it claimed (start_claimed_runs, 100 at a
 * time). They start together (a line on stdin once all are connected and registered); the wall clock runs from the
 * first claim to the end of the last claim (or preparation) of any of them.
 */
async function claimRound(n: number, processes: number, prepare: boolean) {
  await reset();
  const tasks = await createAccounts(n / 2, 2, "pro");
  await insertDue(tasks, new Date(Date.now() - 60_000));
  const children = Array.from({ length: processes }, (_, i) =>
    spawnTsx(
      "bench/lib/claimer.ts",
      {
        DATABASE_URL: db.ownerUrl,
        CLAIM_WORKER: `bench-claimer-${i + 1}`,
        CLAIM_PROVIDER,
        CLAIM_BATCH: "500",
        CLAIM_PREPARE: prepare ? "1" : "0",
      },
      [],
      "pipe",
    ),
  );
  const stops = children.map((c) => track(`claimer ${c.pid}`, async () => c.kill("SIGKILL")));
  const exited = children.map((c) => new Promise<void>((r) => c.once("exit", () => r())));
  const lines = children.map((c) => readline.createInterface({ input: c.stdout! })[Symbol.asyncIterator]());
  const next = async (i: number) => {
    const r = await lines[i]!.next();
    if (r.done) throw new Error(`claimer ${i + 1} exited early`);
    return r.value;
  };
  await Promise.all(children.map((_, i) => next(i)));
  for (const c of children) c.stdin!.end("go\n");
  const results = await Promise.all(children.map(async (_, i) => JSON.parse(await next(i)) as ClaimerResult));
  await Promise.all(exited);
  for (const stop of stops) await stop();
  const { rows } = await su.query(
    `select count(*) filter (where status = 'pending')::int as pending,
            count(*) filter (where status = 'running' and lease_owner is not null)::int as held,
            count(*) filter (where agent_run_id is not null)::int as prepared
       from app_public.task_executions`,
  );
  const wallMs = Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt));
  const claimed = results.reduce((a, r) => a + r.claimed, 0);
  const prepared = results.reduce((a, r) => a + r.prepared, 0);
  const claimMs = stats(results.flatMap((r) => r.claimMs));
  if (claimed !== n || rows[0].pending !== 0 || rows[0].held !== n || (prepare && rows[0].prepared !== n)) {
    report.note(
      `${processes} process(es)${prepare ? " with preparation" : ""}: claimed ${claimed} of ${n} (database: ${rows[0].pending} pending, ${rows[0].held} held, ${rows[0].prepared} prepared)`,
    );
  }
  progress(
    `${processes} claimer(s)${prepare ? " + prepare" : ""}: ${claimed} runs in ${ms(wallMs)}, ${results.map((r) => r.claimed).join(" / ")}`,
  );
  return {
    claimed,
    prepared,
    wallMs,
    perSecond: ((prepare ? prepared : claimed) * 1000) / wallMs,
    claims: results.reduce((a, r) => a + r.claims, 0),
    emptyClaims: results.reduce((a, r) => a + r.emptyClaims, 0),
    claimMs,
    split: results.map((r) => r.claimed),
  };
}

async function claimThroughput(n: number) {
  const rows: Array<Array<string | number>> = [];
  let base: { claim: number; prepare: number } | undefined;
  let two: { claim: number; prepare: number } | undefined;
  for (const processes of [1, 2, 4]) {
    const c = await claimRound(n, processes, false);
    const p = await claimRound(n, processes, true);
    base ??= { claim: c.perSecond, prepare: p.perSecond };
    if (processes === 2) two = { claim: c.perSecond, prepare: p.perSecond };
    rows.push([
      processes,
      `${c.claimed.toLocaleString("en-US")} / ${c.claims - c.emptyClaims} (+${c.emptyClaims} empty)`,
      c.split.map((x) => x.toLocaleString("en-US")).join(" / "),
      ms(c.claimMs.p50),
      ms(c.claimMs.p99),
      ms(c.wallMs),
      rate(Math.round(c.perSecond)),
      ratio(c.perSecond, base.claim),
      ms(p.wallMs),
      rate(Math.round(p.perSecond)),
      ratio(p.perSecond, base.prepare),
    ]);
  }
  report.table(
    [
      "processes",
      "runs / claims",
      "runs per process",
      "claim p50",
      "claim p99",
      "claim: wall",
      "claims (runs/s)",
      "vs 1",
      "claim+prepare: wall",
      "claim+prepare (runs/s)",
      "vs 1",
    ],
    rows,
  );
  const r2 = two && base ? two.claim / base.claim : Number.NaN;
  report.line(`  scales with processes (PASS if 2 processes claim >= 1.3x the runs/s of one): ${passMiss(r2 >= 1.3)}, ${r2.toFixed(2)}x`);
  target("claim throughput: 2 processes vs 1", `${r2.toFixed(2)}x`, ">= 1.3x", r2 >= 1.3);
}

async function main() {
  report.line("bench:runs — the run stage under a herd (see bench/runs.ts for the method)");
  for (const l of machineInfo()) report.line(`  ${l}`);
  db = await setupDatabase();
  ({ client: su } = await connect(db.superUrl, "bench"));
  const info = await serverInfo(su);
  report.line(
    `  database: ${db.description}; ${info.version.split(",")[0]}; ${Object.entries(info.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
  );
  report.line(
    `  worker: node src/main.ts worker, RUN_CAPACITY=10000, RUN_CLAIM_BATCH=500, RUN_DB_CONNECTIONS=8 (default), lease 30 s, heartbeat 5 s`,
  );
  report.line(`  model: loopback streaming chat-completions server in its own process, answers after L`);
  if (QUICK) report.line("  QUICK MODE: smaller N; figures are not comparable to the targets");
  await startModel();

  const n1 = QUICK ? 200 : 1000;
  const n2 = QUICK ? 1000 : 10_000;
  const l2 = QUICK ? 10_000 : 30_000;
  let ours1: Awaited<ReturnType<typeof herd>> | undefined;
  if (SECTIONS.has("1")) {
    report.section("1. Herd: N accounts x 1 task due at the same second");
    report.line(loadLine());
    ours1 = await herd(n1, 5000, 1, 1000, 2000, false);
    await herd(n1, 5000, 2, 1000, 2000, false);
    await herd(n2, l2, 1, 5000, 10_000, true);
    await herd(n2, l2, 2, 5000, 10_000, true);
  }

  if (SECTIONS.has("2")) {
    report.section("2. Fairness: one account with many due runs under its plan cap, plus 100 accounts with one each");
    report.line(loadLine());
    await fairness(QUICK ? 500 : 2000, 100, 5000);
  }

  if (SECTIONS.has("3")) {
    report.section("3. Recovery: SIGKILL a worker with runs in flight, start another");
    report.line(loadLine());
    await recovery(200, 20_000);
  }

  if (SECTIONS.has("4")) {
    report.section("4. Baseline: the same herd with one graphile-worker job slot per run (WORKER_CONCURRENCY=100)");
    report.line(loadLine());
    const base = await baseline(n1, 5000);
    if (ours1) {
      report.line(
        `  ratio (baseline / ours, N=${n1}, L=5 s, one worker): model request received p99 ${(base.late.p99 / Math.max(ours1.late.p99, 1)).toFixed(1)}x, all finished ${(base.obs.finishedAfterMs / ours1.obs.finishedAfterMs).toFixed(1)}x`,
      );
    }
    report.line(
      `  (N=${n2}, L=${l2 / 1000} s through job slots would take about N/100 x L = ${Math.round(((n2 / 100) * (l2 / 1000)) / 60)} min; not run)`,
    );
  }

  if (SECTIONS.has("5")) {
    report.section("5. Claim throughput: 1, 2 and 4 claiming processes");
    report.line(loadLine());
    const n5 = QUICK ? 2000 : 20_000;
    report.line(
      `  ${n5.toLocaleString("en-US")} due runs over ${(n5 / 2).toLocaleString("en-US")} accounts (pro, no cap binds), no provider limit; each process (bench/lib/claimer.ts) claims 500 at a time until none is left,`,
    );
    report.line(
      "  then again with preparation (start_claimed_runs, offline executor, 100 at a time); runs/s over the wall clock from the first claim to the end of the last",
    );
    await claimThroughput(n5);
  }

  report.section("Summary against the targets");
  report.table(["target", "measured", "goal", "result"], summary);
  report.write(RESULTS_FILE);
}

process.on("SIGINT", () => {
  markInterrupted();
  void closeAll().then(() => process.exit(130));
});
main()
  .catch((err) => {
    progress(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => closeAll().then(() => process.exit()));
