/**
 * graphile-worker: runs every task in tasks/ and the crontab. Any number of
 * workers may run against one database; jobs are claimed with SKIP LOCKED.
 */
import { EventEmitter } from "node:events";
import path from "node:path";
import { run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import { PROJECT_ROOT, type Config } from "./config.js";
import { log } from "./logger.js";
import { taskList } from "../tasks/index.js";

export interface WorkerHealth {
  ok: boolean;
  /** "running", "stopped", or what is wrong (e.g. "database connection lost: …"). */
  status: string;
}

export type WorkerRunner = Runner & { health(): WorkerHealth };

export async function startWorker(opts: { ownerUrl: string; config: Config; tasks?: TaskList }): Promise<WorkerRunner> {
  // Health, from the pool's own events: its LISTEN connection is what notices new jobs and a lost database.
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
    concurrency: opts.config.worker.concurrency,
    pollInterval: opts.config.worker.pollIntervalMs,
    taskList: opts.tasks ?? taskList(opts.config),
    crontabFile: path.join(PROJECT_ROOT, "crontab"),
    noHandleSignals: true,
    events,
    // Write each job's success/failure at once, not in a batch flushed after the pool ends: with batching, a job that
    // failed during a graceful stop stayed locked (4 h) because its failure was never written.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
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
  log.info("worker started", { concurrency: opts.config.worker.concurrency });
  return Object.assign(runner, {
    health(): WorkerHealth {
      if (problem) return { ok: false, status: problem };
      if (stopped) return { ok: false, status: "stopped" };
      if (!listening) return { ok: false, status: "connecting" };
      return { ok: true, status: "running" };
    },
  });
}
