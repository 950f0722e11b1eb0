/**
 * plan_task: computes next_execution_at for a task whose schedule was set without one — from
 * psql, by resume_task (planned from now: no catch-up of paused time) or a schedule edit.
 * An invalid schedule written in psql marks the task failed with metadata.schedule_error.
 */
import type { Task } from "graphile-worker";
import { firstOccurrence, ScheduleError, validateSchedule, type ScheduleType } from "../src/calendar.js";
import { specOf } from "../src/scheduler.js";

export interface PlanSettings {
  minIntervalSeconds: number;
  now?: () => Date;
}

export function makePlanTask(settings: PlanSettings): Task {
  return async (payload, helpers) => {
    const taskId = (payload as { task_id?: unknown } | null)?.task_id;
    if (typeof taskId !== "string") throw new Error(`plan_task: payload must be {task_id: uuid}, got ${JSON.stringify(payload)}`);
    const { rows } = await helpers.query<{
      schedule_type: ScheduleType; scheduled_at: Date | null; cron_expression: string | null; timezone: string;
      schedule_version: number; status: string; next_execution_at: Date | null; is_scheduled: boolean;
    }>(
      `select schedule_type, scheduled_at, cron_expression, timezone, schedule_version, status, next_execution_at, is_scheduled
         from app_public.scheduled_tasks where task_id = $1`,
      [taskId],
    );
    const task = rows[0];
    if (!task || task.status !== "active" || !task.is_scheduled || task.next_execution_at) return;
    const spec = specOf(task);
    const now = settings.now?.() ?? new Date();
    try {
      // structure only (type, cron syntax, timezone, interval): a stored series may start in the past
      validateSchedule(spec, { now: new Date(0), minIntervalSeconds: settings.minIntervalSeconds });
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err;
      await helpers.query("select app_private.fail_schedule($1, $2, $3)", [taskId, task.schedule_version, err.message]);
      return;
    }
    const next = firstOccurrence(spec, now);
    const anchor = !spec.scheduledAt && spec.scheduleType !== "cron" && spec.scheduleType !== "once" ? next : null;
    await helpers.query("select app_private.set_next_execution($1, $2, $3, $4)", [taskId, task.schedule_version, next, anchor]);
  };
}
