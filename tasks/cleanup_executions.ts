/**
 * cleanup_executions: daily (crontab), removes finished executions older than the retention
 * window (app_private.retention_settings, default 90 days) and the run threads they created.
 */
import type { Task } from "graphile-worker";
import { log } from "../src/logger.js";

export const cleanupExecutions: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ n: number }>("select app_private.cleanup_executions() as n");
  if (rows[0]?.n) log.info("removed old executions", { executions: rows[0].n });
};
