/**
 * plan_task: computes next_execution_at for a task whose schedule was set without one — from psql
 * (schedule_task without a planned time, a direct update of the schedule columns) or a psql
 * resume_task. Plans with src/schedule/nextRun.ts, like scheduleTask and resumeTask do in the API.
 * An invalid schedule written in psql marks the task failed with metadata.schedule_error.
 */
import type { Task } from "graphile-worker";
import { ScheduleError } from "../src/schedule/calendar.js";
import { planStored, STORED_SCHEDULE_COLUMNS, type StoredSchedule } from "../src/schedule/nextRun.js";

export interface PlanSettings {
  minIntervalSeconds: number;
  now?: () => Date;
}

export function makePlanTask(settings: PlanSettings): Task {
  return async (payload, helpers) => {
    const taskId = (payload as { task_id?: unknown } | null)?.task_id;
    if (typeof taskId !== "string") throw new Error(`plan_task: payload must be {task_id: uuid}, got ${JSON.stringify(payload)}`);
    const { rows } = await helpers.query<StoredSchedule & { status: string; next_execution_at: Date | null; is_scheduled: boolean }>(
      `select ${STORED_SCHEDULE_COLUMNS}, status, next_execution_at, is_scheduled from app_public.scheduled_tasks where task_id = $1`,
      [taskId],
    );
    const task = rows[0];
    if (!task || task.status !== "active" || !task.is_scheduled || task.next_execution_at) return;
    let plan;
    try {
      plan = planStored(task, settings.now?.() ?? new Date(), settings.minIntervalSeconds);
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err;
      await helpers.query("select app_private.fail_schedule($1, $2, $3)", [taskId, task.schedule_version, err.message]);
      return;
    }
    await helpers.query("select app_private.set_next_execution($1, $2, $3, $4)", [
      taskId,
      task.schedule_version,
      plan.next,
      plan.scheduledAt,
    ]);
  };
}
