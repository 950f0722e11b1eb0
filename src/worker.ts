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
import { deliveryTaskList, taskList, runSettings } from "../tasks/index.js";
import { RunPool } from "./run/pool.js";
import { makeRunExecutor } from "./run/execute.js";
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
  const pool = new RunPool({
    db,
    connectionString: opts.ownerUrl,
    capacity: config.run.capacity,
    claimBatch: config.run.claimBatch,
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

export async function startWorker(opts: { ownerUrl: string; config: Config; tasks?: TaskList; deliveryTasks?: TaskList }): Promise<Worker> {
  const { config } = opts;
  const provider = runProviderKey(config);
  const { pool, db } = createRunPool(opts);
  const p = config.run.provider;
  if (p.maxConcurrent !== null || p.requestsPerMinute !== null || p.tokensPerMinute !== null) {
    await db.query("select app_private.configure_provider($1, $2, $3, $4)", [provider, p.maxConcurrent, p.requestsPerMinute, p.tokensPerMinute]);
  }
  const n = config.notifications;
  await db.query("select app_private.configure_notifications($1, $2, $3, $4)", [n.failureThreshold, n.overdueAfterSeconds, n.maxPerHour, n.email !== null]);

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

  const runner = await run({
    connectionString: opts.ownerUrl,
    concurrency: config.worker.concurrency,
    pollInterval: config.worker.pollIntervalMs,
    taskList: opts.tasks ?? taskList(config),
    crontabFile: path.join(PROJECT_ROOT, "crontab"),
    noHandleSignals: true,
    events,
    // Write each job's success/failure at once, not in a batch flushed after the pool ends: with batching, a job that
    // failed during a graceful stop stayed locked (4 h) because its failure was never written.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });
  // Notification deliveries (webhooks, email) in a pool of their own: a slow receiver never holds dispatch's slots.
  const deliveries = await run({
    connectionString: opts.ownerUrl,
    concurrency: config.notifications.deliveryConcurrency,
    maxPoolSize: config.notifications.deliveryConcurrency + 2,
    pollInterval: config.worker.pollIntervalMs,
    taskList: opts.deliveryTasks ?? deliveryTaskList(config),
    noHandleSignals: true,
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });
  void deliveries.promise.catch((err: unknown) => {
    problem = `notification delivery worker failed: ${err instanceof Error ? err.message : String(err)}`;
  });
  // Return once the LISTEN connection is up (or has failed), so that health() is meaningful from the start.
  let waited: NodeJS.Timeout | undefined;
  await Promise.race([listened, new Promise<void>((resolve) => (waited = setTimeout(resolve, 10_000)))]);
  clearTimeout(waited);
  void runner.promise.then(
    () => void (stopped = true),
    (err: unknown) => {
      stopped = true;
      problem = `worker failed: ${err instanceof Error ? err.message : String(err)}`;
    },
  );
  await pool.start();
  const stopSampling = sampleDatabase(db); // queue depth and waiting runs for /metrics, sampled on scrape
  log.info("worker started", { concurrency: config.worker.concurrency, run_capacity: config.run.capacity, provider });
  return {
    pool,
    promise: runner.promise,
    async stop() {
      // the run pool first: its runs go back to pending at once, for another worker to resume
      await pool.stop();
      await deliveries.stop();
      await runner.stop();
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
