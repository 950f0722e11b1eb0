/**
 * Notifications benchmark (npm run bench:notifications): 10,000 runs ending within a minute, every task with
 * `notifyOn: always` and its account with one webhook endpoint on a loopback receiver; the deliveries go through the
 * real `deliver_webhook` task in a graphile-worker pool. The receiver verifies every signature with the
 * `standardwebhooks` library and takes the time each one arrives.
 *
 * Prints and writes to bench/results/notifications.txt:
 *   1. delivery lateness (arrival at the receiver − the run's completed_at) p50/p95/p99/max, and delivery throughput;
 *   2. what the notification trigger costs the run's end: the same batches of run ends with the trigger on and off.
 *
 * Env: BENCH_ROOT_DATABASE_URL (else an embedded PostgreSQL in a temp folder), BENCH_NOTIFY_RUNS (10000),
 * BENCH_NOTIFY_SECONDS (60), BENCH_NOTIFY_CONCURRENCY (graphile-worker jobs at once, 16).
 */
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { Logger, run } from "graphile-worker";
import { Webhook } from "standardwebhooks";
import { PROJECT_ROOT } from "../src/config.js";
import { setLogLevel } from "../src/logger.js";
import { makeDeliverWebhook } from "../tasks/deliver_webhook.js";
import { closeAll, connect, Interrupted, interrupted, markInterrupted, sleep, track, loadLine, openBenchDatabase } from "./lib/env.js";
import { createFixture } from "./lib/data.js";
import { fmtNum, ms, progress, rate, Report, stats, passMiss, finishReport } from "./lib/report.js";

const RESULTS_FILE = path.join(PROJECT_ROOT, "bench/results/notifications.txt");
const N = Number(process.env.BENCH_NOTIFY_RUNS ?? 10_000);
const SECONDS = Number(process.env.BENCH_NOTIFY_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.BENCH_NOTIFY_CONCURRENCY ?? 16);
const BATCH_MS = 100;

async function main(): Promise<number> {
  setLogLevel("warn");
  const report = new Report();
  report.line("Notifications benchmark (npm run bench:notifications) - bench/notifications.ts");
  report.line(`started ${new Date().toISOString()}`);
  const { db, su } = await openBenchDatabase(report, "superuser");
  report.line(
    `workload: ${fmtNum(N)} runs ending over ${SECONDS} s (a batch every ${BATCH_MS} ms), each task notifyOn 'always', one webhook endpoint`,
  );
  report.line(
    `          (standard format) on a loopback receiver that verifies every signature; deliver_webhook in graphile-worker, concurrency ${CONCURRENCY}`,
  );
  report.line("          (this process runs the worker, the receiver and the load; PostgreSQL shares the CPUs)");

  const fx = await createFixture(su);
  await su.query("update app_private.notification_settings set max_per_hour = 100000000, email_enabled = false, failure_threshold = 0");

  // the receiver
  const arrivals = new Map<string, number>();
  let badSignatures = 0;
  let secret = "";
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const at = Date.now();
      try {
        const p = new Webhook(secret).verify(body, req.headers as Record<string, string>) as {
          data: { execution_id: string; completed_at: string };
        };
        arrivals.set(p.data.execution_id, at - Date.parse(p.data.completed_at));
      } catch {
        badSignatures++;
      }
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  track("receiver", () => new Promise<void>((r) => receiver.close(() => r())));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  secret = (
    await su.query<{ secret: string }>("insert into app_public.webhook_endpoints (account_id, url) values ($1, $2) returning secret", [
      fx.accountId,
      url,
    ])
  ).rows[0]!.secret;

  // tasks and running executions
  progress(`creating ${N} tasks and running executions`);
  const createRuns = async (): Promise<string[]> => {
    await su.query(
      `insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages, prompt_status, notify_on)
       select $1, $2, 'bench ' || g, 'Do it', '[]', 'ready', 'always' from generate_series(1, $3) g`,
      [fx.accountId, fx.threadId, N],
    );
    const { rows } = await su.query<{ execution_id: string }>(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at)
       select t.task_id, t.account_id, 'running', 'manual', now() from app_public.scheduled_tasks t
        where t.account_id = $1 and not exists (select 1 from app_public.task_executions e where e.task_id = t.task_id)
       returning execution_id`,
      [fx.accountId],
    );
    return rows.map((r) => r.execution_id);
  };

  /** Ends the runs in batches over SECONDS; returns the duration of each batch's transaction per run ended. */
  const endRuns = async (ids: string[], client: pg.ClientBase): Promise<number[]> => {
    const batches = Math.ceil((SECONDS * 1000) / BATCH_MS);
    const per = Math.ceil(ids.length / batches);
    const costs: number[] = [];
    const t0 = Date.now();
    for (let b = 0, i = 0; i < ids.length; b++, i += per) {
      const wait = t0 + b * BATCH_MS - Date.now();
      if (wait > 0) await sleep(wait);
      const part = ids.slice(i, i + per);
      const started = performance.now();
      await client.query(
        `update app_public.task_executions set status = 'completed', completed_at = clock_timestamp(), lease_owner = null,
                results = jsonb_build_object('final_answer', 'Bench answer ' || execution_id || E'\\nline two')
          where execution_id = any($1)`,
        [part],
      );
      costs.push((performance.now() - started) / part.length);
    }
    return costs;
  };

  // 1. delivery lateness and throughput
  report.section("1. Delivery lateness and throughput");
  report.line(loadLine());
  const ids = await createRuns();
  const { client: ender } = await connect(db.ownerUrl, "run ends");
  const runner = await run({
    connectionString: db.ownerUrl,
    concurrency: CONCURRENCY,
    maxPoolSize: CONCURRENCY + 2,
    pollInterval: 500,
    noHandleSignals: true,
    taskList: {
      deliver_webhook: makeDeliverWebhook({
        allowedHosts: ["127.0.0.1"],
        timeoutMs: 10_000,
        maxResponseBytes: 65_536,
        maxAttempts: 8,
        retryBaseMs: 1000,
        disableAfterFailures: 1_000_000,
      }),
    },
    logger: new Logger(() => (level, message) => {
      if (level === "error" || level === "warning") progress(`worker ${level}: ${message}`);
    }),
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });
  const stopWorker = track("worker", () => runner.stop());
  progress(`ending ${ids.length} runs over ${SECONDS} s`);
  const firstEnd = Date.now();
  const costsOn = await endRuns(ids, ender);
  const endedAt = Date.now();
  progress("waiting for every delivery");
  const deadline = Date.now() + 10 * 60_000;
  while (arrivals.size < ids.length && Date.now() < deadline) await sleep(200);
  const lastArrival = Date.now();
  const late = stats([...arrivals.values()]);
  const delivered = (
    await su.query<{ status: string; n: number }>(
      "select status, count(*)::int as n from app_public.webhook_deliveries group by 1 order by 1",
    )
  ).rows;
  report.table(
    [
      "runs ended",
      "delivered (verified)",
      "bad signatures",
      "ending took",
      "all delivered after",
      "lateness p50",
      "p95",
      "p99",
      "max",
      "throughput",
    ],
    [
      [
        ids.length,
        arrivals.size,
        badSignatures,
        `${((endedAt - firstEnd) / 1000).toFixed(1)} s`,
        `${((lastArrival - firstEnd) / 1000).toFixed(1)} s`,
        ms(late.p50),
        ms(late.p95),
        ms(late.p99),
        ms(late.max),
        rate(arrivals.size / ((lastArrival - firstEnd) / 1000)),
      ],
    ],
  );
  report.line(`  delivery log: ${delivered.map((r) => `${r.status} ${fmtNum(r.n)}`).join(", ")}`);
  const inbox = (await su.query<{ n: number }>("select count(*)::int as n from app_public.notifications")).rows[0]!.n;
  report.line(`  inbox rows: ${fmtNum(inbox)} (one member)`);
  await stopWorker();

  // 2. the cost on the run's end
  report.section("2. What the trigger adds to a run's end (the same batches, trigger on vs off)");
  report.line(loadLine());
  // new tasks for the same account (the first section's events stay: the limit check counts a busy hour); no worker
  // runs in this section, so that the on and off figures share the same conditions
  const idsOn = await createRuns();
  progress("ending runs with the trigger on (no worker)");
  const costsOnQuiet = await endRuns(idsOn, ender);
  const idsOff = await createRuns();
  await su.query("alter table app_public.task_executions disable trigger _700_notify_run_end");
  progress("ending runs with the trigger off (no worker)");
  const costsOff = await endRuns(idsOff, ender);
  await su.query("alter table app_public.task_executions enable trigger _700_notify_run_end");
  const during = stats(costsOn);
  const on = stats(costsOnQuiet);
  const off = stats(costsOff);
  report.table(
    ["trigger", "per run end p50", "p95", "p99", "mean"],
    [
      ["on (notifyOn always, 1 endpoint)", ms(on.p50), ms(on.p95), ms(on.p99), ms(on.mean)],
      ["off", ms(off.p50), ms(off.p95), ms(off.p99), ms(off.mean)],
      ["on, while section 1's worker delivered", ms(during.p50), ms(during.p95), ms(during.p99), ms(during.mean)],
    ],
  );
  report.note(
    "per run end = one batch UPDATE's duration / runs in the batch (an event, an inbox row, a delivery row and a job per run when on).",
  );

  // where the time goes: the parts of one notification, each timed alone (50 calls, on the loaded table)
  const parts: Array<[string, string]> = [
    [
      "graphile_worker.add_job (one delivery job)",
      "select graphile_worker.add_job('bench_noop', '{}'::json, job_key := 'bench:' || gen_random_uuid())",
    ],
    [
      "emit_notification, limit not checked",
      `select app_private.emit_notification('${fx.accountId}', null, null, 'run.failed', 't', 's', '{}'::jsonb, true)`,
    ],
    [
      "emit_notification, limit checked",
      `select app_private.emit_notification('${fx.accountId}', null, null, 'run.failed', 't', 's', '{}'::jsonb, false)`,
    ],
  ];
  const partRows: Array<[string, string]> = [];
  for (const [name, sql] of parts) {
    const started = performance.now();
    for (let i = 0; i < 50; i++) await ender.query(sql);
    partRows.push([name, ms((performance.now() - started) / 50)]);
  }
  const events = (
    await su.query<{ n: number }>(
      "select count(*)::int as n from app_private.notification_events where account_id = $1 and created_at >= date_trunc('hour', now())",
      [fx.accountId],
    )
  ).rows[0]!.n;
  report.table(["part (alone, 50 calls)", "mean"], partRows);
  report.note(
    `the limit check counts the account's events of the hour up to NOTIFY_MAX_PER_HOUR (here ${fmtNum(events)} events: the bench raises the limit to 100,000,000 so that every run is delivered; with the default 30 it reads at most 30 index entries).`,
  );

  report.section("3. Summary");
  report.table(
    ["metric", "target", "measured", "result"],
    [
      ["every delivery verified", `${fmtNum(N)}`, fmtNum(arrivals.size), passMiss(arrivals.size === N && badSignatures === 0)],
      ["delivery lateness p99", "<= 5 s", ms(late.p99), passMiss(late.p99 <= 5000)],
    ],
  );
  await finishReport(report, RESULTS_FILE, closeAll, path.relative(PROJECT_ROOT, RESULTS_FILE));
  return 0;
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  for (const l of process.listeners(sig)) process.removeListener(sig, l);
  process.on(sig, () => {
    markInterrupted();
    void closeAll().finally(() => process.exit(130));
  });
}

main()
  .then((code) => process.exit(code))
  .catch(async (err: unknown) => {
    if (err instanceof Interrupted || interrupted()) return;
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await closeAll();
    process.exit(1);
  });
