/**
 * graphile-worker: runs every task in tasks/ and the crontab. Any number of
 * workers may run against one database; jobs are claimed with SKIP LOCKED.
 */
import path from "node:path";
import { run, type Runner, type TaskList } from "graphile-worker";
import { PROJECT_ROOT, type Config } from "./config.js";
import { log } from "./logger.js";
import { taskList } from "../tasks/index.js";

export async function startWorker(opts: { ownerUrl: string; config: Config; tasks?: TaskList }): Promise<Runner> {
  const runner = await run({
    connectionString: opts.ownerUrl,
    concurrency: opts.config.worker.concurrency,
    pollInterval: opts.config.worker.pollIntervalMs,
    taskList: opts.tasks ?? taskList(opts.config),
    crontabFile: path.join(PROJECT_ROOT, "crontab"),
    noHandleSignals: true,
  });
  log.info("worker started", { concurrency: opts.config.worker.concurrency });
  return runner;
}
