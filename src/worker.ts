/**
 * The worker process: graphile-worker runs every task in tasks/ and the crontab (prompt
 * generation, dispatch, housekeeping); the run pool (src/run/pool.ts) runs the agent runs, many
 * at once. Any number of workers may run against one database.
 */
import { EventEmitter } from "node:events";
import path from "node:path";
import pg from "pg";
import { run, type TaskList, type WorkerEvents } from "graphile-worker";
import { PROJECT_ROOT, runProviderKey, type Config } from "./config.js";
import { log } from "./logger.js";
import { isDatabaseUnavailable } from "./db/unavailable.js";
import { runSettings } from "./run/settings.js";
import { RunPool } from "./run/pool.js";
import { makeRunExecutor } from "./run/execute.js";
import { modelCallCheck } from "./agent/openaiExecutor.js";
import { sampleDatabase } from "./metrics.js";

export interface WorkerHealth {
  ok: boolean;
  /** "running", "stopped", or what is wrong (e.g. "database connection lost: …"). */
  status: string;
}

export interface Worker {
  pool: RunPool;
  /** Settles when graphile-worker has stopped and written its jobs' results. */
  promise: Promise<void>;
  stop(): Promise<void>;
  health(): WorkerHealth;
}

/** A run pool with this configuration's executor, on its own small connection pool. */
export function createRunPool(opts: { ownerUrl: string; config: Config; settings?: ReturnType<typeof runSettings>; workerId?: string }): {
  pool: RunPool;
  db: pg.Pool;
} {
  const { config } = opts;
  const db = new pg.Pool({ connectionString: opts.ownerUrl, max: config.run.dbConnections });
  db.on("error", (err) => log.warn("run pool connection error", { error: String(err) }));
  const settings = opts.settings ?? runSettings(config);
  // The executor asks the plan before every model call (allowance, max_tokens ceiling) on this pool's database.
  settings.executor?.bindModelCallCheck?.(modelCallCheck(db));
  const pool = new RunPool({
    db,
    connectionString: opts.ownerUrl,
    capacity: config.run.capacity,
    claimBatch: config.run.claimBatch,
    prepareAheadMs: config.run.prepareAheadMs,
    leaseSeconds: config.run.leaseSeconds,
    heartbeatMs: config.run.heartbeatMs,
    pollMs: config.run.pollMs,
    provider: settings.provider,
    executorKind: settings.webhook ? "webhook" : (settings.executor?.kind ?? "offline"),
    defaultModel: settings.defaultModel,
    execute: makeRunExecutor(db, settings),
    workerId: opts.workerId,
  });
  return { pool, db };
}

/**
 * graphile-worker ends its whole pool when one of its job loops exits with an error, which a lost database connection
 * can cause (a refused connect while it fetches a job). For such an outage the loop is replaced after a second, like
 * every other part of this process rides out an outage; any other premature exit still stops the pool (and the
 * process, through onUnexpectedStop), as graphile-worker recommends.
 */
const ReplaceWorkersAfterOutagePlugin: GraphileConfig.Plugin = {
  name: "ReplaceWorkersAfterOutagePlugin",
  version: "1.0.0",
  worker: {
    middleware: {
      poolWorkerPrematureExit(_next, event) {
        void event.worker.promise
          .then(
            () => null,
            (err: unknown) => err,
          )
          .then((err) => {
            if (event.workerPool._shuttingDown) return;
            if (isDatabaseUnavailable(err)) {
              log.warn("a graphile-worker job loop stopped on a database outage; replacing it", { error: String(err) });
              setTimeout(() => {
                if (!event.workerPool._shuttingDown) event.replaceWithNewWorker();
              }, 1000).unref();
            } else {
              log.error("a graphile-worker job loop exited unexpectedly; stopping the worker", { error: String(err) });
              void event.workerPool.gracefulShutdown("one of the job loops exited unexpectedly");
            }
          });
      },
    },
  },
};

export async function startWorker(opts: {
  ownerUrl: string;
  config: Config;
  /** The graphile-worker tasks (tasks/index.ts `taskList`): the entry point composes them, the worker only runs them. */
  tasks: TaskList;
  /** Notification deliveries (tasks/index.ts `deliveryTaskList`), run in a pool of their own. */
  deliveryTasks: TaskList;
  /** graphile-worker stopped without stop() being called: the process should exit for its supervisor. */
  onUnexpectedStop?: (reason: string) => void;
}): Promise<Worker> {
  const { config } = opts;
  const provider = runProviderKey(config);
  const { pool, db } = createRunPool(opts);
  const p = config.run.provider;
  if (p.maxConcurrent !== null || p.requestsPerMinute !== null || p.tokensPerMinute !== null) {
    // the database is the one home of the fleet's shared provider limits: MODEL_* only seeds them
    const { rows } = await db.query<{
      max_concurrent: number | null;
      requests_per_minute: number | null;
      tokens_per_minute: number | null;
    }>("select max_concurrent, requests_per_minute, tokens_per_minute from app_private.seed_provider_limits($1, $2, $3, $4)", [
      provider,
      p.maxConcurrent,
      p.requestsPerMinute,
      p.tokensPerMinute,
    ]);
    const inForce = rows[0]!;
    if (
      inForce.max_concurrent !== p.maxConcurrent ||
      inForce.requests_per_minute !== p.requestsPerMinute ||
      inForce.tokens_per_minute !== p.tokensPerMinute
    ) {
      log.warn("MODEL_* differ from the provider limits in force for the whole fleet; the database's apply", {
        provider,
        in_force: inForce,
        change_with: "select app_private.configure_provider(provider, max_concurrent, requests_per_minute, tokens_per_minute) in psql",
      });
    }
  }
  const n = config.notifications;
  // fleet-wide: NOTIFY_* only seed the settings the first time (the database is their one home)
  const { rows: inForce } = await db.query<{ failure_threshold: number; overdue_seconds: number; max_per_hour: number }>(
    "select s.failure_threshold, extract(epoch from s.overdue_after)::int as overdue_seconds, s.max_per_hour from app_private.seed_notification_settings($1, $2, $3, $4) s",
    [n.failureThreshold, n.overdueAfterSeconds, n.maxPerHour, n.email !== null],
  );
  const ns = inForce[0]!;
  if (ns.failure_threshold !== n.failureThreshold || ns.overdue_seconds !== n.overdueAfterSeconds || ns.max_per_hour !== n.maxPerHour) {
    log.warn("NOTIFY_* differ from the notification settings in force for the whole service; the database's apply", {
      in_force: ns,
      change_with: "select app_private.configure_notifications(failure_threshold, overdue_seconds, max_per_hour, email_enabled) in psql",
    });
  }

  // Health, from graphile-worker's own events: its LISTEN connection is what notices new jobs and a lost database.
  const events: WorkerEvents = new EventEmitter();
  let listening = false;
  let problem: string | undefined;
  let stopped = false;
  let firstListen: () => void = () => undefined;
  const listened = new Promise<void>((resolve) => (firstListen = resolve));
  events.on("pool:listen:success", () => {
    listening = true;
    problem = undefined;
    firstListen();
  });
  events.on("pool:listen:error", ({ error }) => {
    listening = false;
    problem = `database connection lost: ${error instanceof Error ? error.message : String(error)}`;
    firstListen();
  });
  events.on("pool:gracefulShutdown", () => void (stopped = true));
  events.on("pool:release", () => void (stopped = true));

  let stopping = false;
  const runner = await run({
    connectionString: opts.ownerUrl,
    concurrency: config.worker.concurrency,
    pollInterval: config.worker.pollIntervalMs,
    taskList: opts.tasks,
    crontabFile: path.join(PROJECT_ROOT, "crontab"),
    noHandleSignals: true,
    events,
    // Write each job's success/failure at once, not in a batch flushed after the pool ends: with batching, a job that
    // failed during a graceful stop stayed locked (4 h) because its failure was never written.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 }, plugins: [ReplaceWorkersAfterOutagePlugin] },
  });
  // Notification deliveries (webhooks, email) in a pool of their own: a slow receiver never holds dispatch's slots.
  const deliveries = await run({
    connectionString: opts.ownerUrl,
    concurrency: config.notifications.deliveryConcurrency,
    maxPoolSize: config.notifications.deliveryConcurrency + 2,
    pollInterval: config.worker.pollIntervalMs,
    taskList: opts.deliveryTasks,
    noHandleSignals: true,
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 }, plugins: [ReplaceWorkersAfterOutagePlugin] },
  });
  void deliveries.promise.then(
    () => {
      if (!stopping) opts.onUnexpectedStop?.("the notification delivery worker stopped by itself");
    },
    (err: unknown) => {
      problem = `notification delivery worker failed: ${err instanceof Error ? err.message : String(err)}`;
      if (!stopping) opts.onUnexpectedStop?.(problem);
    },
  );
  // Return once the LISTEN connection is up (or has failed), so that health() is meaningful from the start.
  let waited: NodeJS.Timeout | undefined;
  await Promise.race([listened, new Promise<void>((resolve) => (waited = setTimeout(resolve, 10_000)))]);
  clearTimeout(waited);
  void runner.promise.then(
    () => {
      stopped = true;
      if (!stopping) opts.onUnexpectedStop?.("graphile-worker stopped by itself");
    },
    (err: unknown) => {
      stopped = true;
      problem = `worker failed: ${err instanceof Error ? err.message : String(err)}`;
      if (!stopping) opts.onUnexpectedStop?.(problem);
    },
  );
  await pool.start();
  const stopSampling = sampleDatabase(db); // queue depth and waiting runs for /metrics, sampled on scrape
  log.info("worker started", { concurrency: config.worker.concurrency, run_capacity: config.run.capacity, provider });
  return {
    pool,
    promise: runner.promise,
    async stop() {
      stopping = true;
      // the run pool first: its runs go back to pending at once, for another worker to resume
      await pool.stop();
      // either may have stopped by itself already (see onUnexpectedStop): stopping it again is not an error
      const stopOnce = (r: { stop(): Promise<void> }) =>
        r.stop().catch((err: unknown) => {
          if (!/already stopped/i.test(String(err))) throw err;
        });
      await stopOnce(deliveries);
      await stopOnce(runner);
      stopSampling();
      await db.end();
    },
    health(): WorkerHealth {
      if (problem) return { ok: false, status: problem };
      if (stopped) return { ok: false, status: "stopped" };
      if (!listening) return { ok: false, status: "connecting" };
      return { ok: true, status: "running" };
    },
  };
}
