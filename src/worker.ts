/**
 * The worker process: graphile-worker runs every task in tasks/ and the crontab (prompt
 * generation, dispatch, housekeeping); the run pool (src/run/pool.ts) runs the agent runs, many
 * at once. Any number of workers may run against one database.
 */
import path from "node:path";
import pg from "pg";
import { run, type TaskList } from "graphile-worker";
import { PROJECT_ROOT, providerKey, type Config } from "./config.js";
import { log } from "./logger.js";
import { taskList, runSettings } from "../tasks/index.js";
import { RunPool } from "./run/pool.js";
import { makeRunExecutor } from "./run/execute.js";

export interface Worker {
  pool: RunPool;
  stop(): Promise<void>;
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

export async function startWorker(opts: { ownerUrl: string; config: Config; tasks?: TaskList }): Promise<Worker> {
  const { config } = opts;
  const provider = providerKey(config);
  const { pool, db } = createRunPool(opts);
  const p = config.run.provider;
  if (p.maxConcurrent !== null || p.requestsPerMinute !== null || p.tokensPerMinute !== null) {
    await db.query("select app_private.configure_provider($1, $2, $3, $4)", [provider, p.maxConcurrent, p.requestsPerMinute, p.tokensPerMinute]);
  }
  const runner = await run({
    connectionString: opts.ownerUrl,
    concurrency: config.worker.concurrency,
    pollInterval: config.worker.pollIntervalMs,
    taskList: opts.tasks ?? taskList(config),
    crontabFile: path.join(PROJECT_ROOT, "crontab"),
    noHandleSignals: true,
  });
  await pool.start();
  log.info("worker started", { concurrency: config.worker.concurrency, run_capacity: config.run.capacity, provider });
  return {
    pool,
    async stop() {
      await pool.stop();
      await runner.stop();
      await db.end();
    },
  };
}
