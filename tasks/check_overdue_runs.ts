/**
 * check_overdue_runs: driven by the crontab every minute. Tells, once per occurrence, of runs that have not started
 * within NOTIFY_OVERDUE_AFTER_SECONDS of their due time (provider back-off, plan caps, workers down): the dead man's
 * switch (app_private.alert_overdue_runs).
 */
import type { Task } from "graphile-worker";
import { notificationsTotal } from "../src/metrics.js";

export const checkOverdueRuns: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ n: number }>("select app_private.alert_overdue_runs() as n");
  const n = rows[0]?.n ?? 0;
  if (n > 0) {
    notificationsTotal.inc({ kind: "run.overdue", outcome: "told" }, n);
    helpers.logger.info(`told ${n} overdue run(s)`);
  }
};
