/**
 * Job runners used by the lateness measurements: a real graphile-worker `run()` (ours and the
 * graphile-worker peer) and a pg-boss instance (the pg-boss peer).
 */
import { Logger, run, type TaskList } from "graphile-worker";
import { PgBoss } from "pg-boss";
import { track } from "./env.js";
import { progress } from "./report.js";

/** The graphile-worker settings used for our run_execution jobs AND for the graphile-worker peer. */
export const WORKER = { concurrency: 16, pollIntervalMs: 200 } as const;

/** pg-boss at its fastest allowed settings (minimums from its option checks in dist/attorney.js). */
export const PGBOSS = {
  schema: "pgboss",
  cronMonitorIntervalSeconds: 1, // allowed 1..45, default 30: how often a cron pass evaluates every schedule
  cronWorkerIntervalSeconds: 1, // allowed 1..45, default 5: poll interval of the internal send-it queue (50 jobs per fetch)
  pollingIntervalSeconds: 0.5, // worker poll, minimum 0.5
  batchSize: 16, // jobs per fetch of our worker (same 16 as graphile-worker's concurrency)
  useListenNotify: true, // + queue option notify: workers are woken when a job is created
} as const;

const quietLogger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") progress(`graphile-worker ${level}: ${message}`);
});

export async function startGraphileRunner(connectionString: string, taskList: TaskList): Promise<() => Promise<void>> {
  const runner = await run({
    connectionString,
    concurrency: WORKER.concurrency,
    pollInterval: WORKER.pollIntervalMs,
    maxPoolSize: WORKER.concurrency + 4,
    taskList,
    parsedCronItems: [], // no crontab: the project's crontab file (dispatch_due_tasks) must not run here
    noHandleSignals: true,
    logger: quietLogger,
  });
  return track("graphile-worker runner", () => runner.stop());
}

export interface Boss {
  boss: PgBoss;
  errors: string[];
  warnings: string[];
  stop: () => Promise<void>;
}

/**
 * A pg-boss instance. `schedule: true` runs pg-boss's timekeeper (the cron passes and the internal
 * send-it queue); `schedule: false` is an instance that only creates queues/schedules and works jobs.
 */
export async function startPgBoss(connectionString: string, opts: { schedule: boolean; name: string }): Promise<Boss> {
  const boss = new PgBoss({
    connectionString,
    schema: PGBOSS.schema,
    schedule: opts.schedule,
    cronMonitorIntervalSeconds: PGBOSS.cronMonitorIntervalSeconds,
    cronWorkerIntervalSeconds: PGBOSS.cronWorkerIntervalSeconds,
    useListenNotify: PGBOSS.useListenNotify,
    max: 10,
    application_name: `bench:pg-boss-${opts.name}`,
  });
  const errors: string[] = [];
  const warnings: string[] = [];
  boss.on("error", (err) => {
    const m = err.message;
    if (errors.length < 1000) errors.push(m);
    if (errors.length <= 3) progress(`pg-boss ${opts.name} error: ${m}`);
  });
  boss.on("warning", (w) => {
    const m = w.message;
    if (warnings.length < 1000) warnings.push(m);
  });
  await boss.start();
  const stop = track(`pg-boss ${opts.name}`, () => boss.stop({ graceful: true, timeout: 10_000 }));
  return { boss, errors, warnings, stop };
}
