/**
 * Planning: the one place that turns a schedule into "the task's next run" — used by every path that
 * activates a schedule:
 *   - GraphQL scheduleTask (a new schedule, checked in full at `now`),
 *   - GraphQL resumeTask (the stored schedule, planned from now: no catch-up of the paused time),
 *   - the plan_task worker job (schedules written in psql, or a psql resume_task without a plan).
 * Calendar math and the validation of a schedule are src/schedule/calendar.ts; SQL keeps the status, prompt
 * and access rules (app_public.schedule_task / resume_task) and stores what is planned here.
 */
import { firstOccurrence, ScheduleError, SCHEDULE_TYPES, validateSchedule, type ScheduleSpec, type ScheduleType } from "./calendar.js";

export interface Plan {
  spec: ScheduleSpec;
  /** The next run (null: the schedule has no run after now, e.g. a once in the past). */
  next: Date | null;
  /**
   * The scheduled_at to store: daily/weekly/monthly without scheduledAt are anchored at their first
   * run (kept for replanning); otherwise scheduledAt as given (null for cron without a start).
   */
  scheduledAt: Date | null;
}

/** A schedule as it comes from GraphQL input or a stored row (loosely typed: both may hold anything). */
export interface ScheduleInput {
  scheduleType?: string | null;
  scheduledAt?: Date | string | null;
  cronExpression?: string | null;
  /** Default UTC. */
  timezone?: string | null;
}

export interface PlanOptions {
  now: Date;
  minIntervalSeconds: number;
  /**
   * "new": a schedule being saved (scheduled_at of once/daily/weekly/monthly must be in the future);
   * "stored": a schedule saved earlier (resume, psql edit): its series may have started in the past.
   */
  mode: "new" | "stored";
}

function toSpec(input: ScheduleInput): ScheduleSpec {
  const type = input.scheduleType ?? "";
  if (!(SCHEDULE_TYPES as readonly string[]).includes(type)) {
    throw new ScheduleError("schedule_type", `schedule_type must be one of ${SCHEDULE_TYPES.join(", ")}; got ${JSON.stringify(type)}`);
  }
  const raw = input.scheduledAt;
  const scheduledAt = raw === null || raw === undefined || raw === "" ? null : raw instanceof Date ? raw : new Date(raw);
  if (scheduledAt && Number.isNaN(scheduledAt.getTime())) {
    throw new ScheduleError("scheduled_at", "scheduled_at must be a valid ISO 8601 date-time");
  }
  return {
    scheduleType: type as ScheduleType,
    scheduledAt,
    cronExpression: input.cronExpression ?? null,
    timezone: (input.timezone ?? "UTC").trim(),
  };
}

/** The validated schedule (previewSchedule needs no plan); throws ScheduleError naming the field. */
export function validatedSpec(input: ScheduleInput, opts: PlanOptions): ScheduleSpec {
  const spec = toSpec(input);
  // a stored series may have started in the past: its scheduled_at need not be in the future
  validateSchedule(spec, { now: opts.now, minIntervalSeconds: opts.minIntervalSeconds, pastStartAllowed: opts.mode === "stored" });
  return spec;
}

/**
 * Validates a schedule and plans its next run from `now`. Throws ScheduleError (naming the field)
 * when the schedule cannot be used.
 */
export function planSchedule(input: ScheduleInput, opts: PlanOptions): Plan {
  const spec = validatedSpec(input, opts);
  const next = firstOccurrence(spec, opts.now);
  const anchored = !spec.scheduledAt && spec.scheduleType !== "cron" && spec.scheduleType !== "once";
  return { spec, next, scheduledAt: anchored ? next : spec.scheduledAt };
}

/** What plan_task and resumeTask read of a stored task. */
export interface StoredSchedule {
  schedule_type: string | null;
  scheduled_at: Date | null;
  cron_expression: string | null;
  timezone: string;
  schedule_version: number;
}

export const STORED_SCHEDULE_COLUMNS = "schedule_type, scheduled_at, cron_expression, timezone, schedule_version";

/** planSchedule for a stored row, from now. */
export function planStored(row: StoredSchedule, now: Date, minIntervalSeconds: number): Plan {
  return planSchedule(
    { scheduleType: row.schedule_type, scheduledAt: row.scheduled_at, cronExpression: row.cron_expression, timezone: row.timezone },
    { now, minIntervalSeconds, mode: "stored" },
  );
}
