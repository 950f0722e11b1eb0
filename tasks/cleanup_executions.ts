/**
 * cleanup_executions: daily (crontab), removes finished executions older than the retention
 * window (app_private.retention_settings, default 90 days) and the run threads they created, and notifications
 * (outbox, inbox, delivery log) older than the same window.
 */
import type { Task } from "graphile-worker";
import { log } from "../src/logger.js";

export const cleanupExecutions: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ n: number }>("select app_private.cleanup_executions() as n");
  if (rows[0]?.n) log.info("removed old executions", { executions: rows[0].n });
  const notifications = await helpers.query<{ n: number }>("select app_private.cleanup_notifications() as n");
  if (notifications.rows[0]?.n) log.info("removed old notifications", { notifications: notifications.rows[0].n });
};
