/**
 * scheduleTask, previewSchedule and ScheduledTask.upcomingExecutions / scheduleDescription.
 * Calendar math (validation, DST, next times) is src/calendar.ts; the mutation validates and
 * plans in TypeScript, then calls app_public.schedule_task in the same transaction as the
 * caller (visitor role, RLS, the SQL checks: access, status, prompt ready, review).
 */
import { extendSchema, gql } from "postgraphile/utils";
import { context, lambda, object, SafeError } from "postgraphile/grafast";
import { withPgClientTransaction } from "postgraphile/@dataplan/pg";
import {
  describeSchedule,
  firstOccurrence,
  occurrencesAfter,
  previewOccurrences,
  ScheduleError,
  validateSchedule,
  SCHEDULE_TYPES,
  type ScheduleSpec,
  type ScheduleType,
} from "../calendar.js";

/** Default of `previewSchedule(count:)` and `upcomingExecutions(count:)`. */
export const DEFAULT_PREVIEW_COUNT = 5;

/**
 * Calendar work of GraphQL fields runs on later event-loop turns in time slices (FIFO, per
 * process): each turn runs queued fields until CALENDAR_SLICE_MS has been used, then yields, so a
 * request with many (cold, tens of ms) preview fields never holds the loop for more than about
 * one field's work — /healthz and other requests are served in between — while memoised previews
 * (microseconds each) are not throttled to one per turn (that capped a process at roughly one
 * preview per event-loop iteration, ~800/s under load). `calendarWork` counts queued and finished
 * fields (read by tests and metrics).
 */
export const calendarWork = { queued: 0, done: 0 };
export const CALENDAR_SLICE_MS = 2;
const calendarQueue: Array<() => void> = [];
let calendarScheduled = false;
function drainCalendarQueue(): void {
  calendarScheduled = false;
  const until = performance.now() + CALENDAR_SLICE_MS;
  while (calendarQueue.length > 0) {
    calendarQueue.shift()!();
    if (performance.now() >= until) break;
  }
  if (calendarQueue.length > 0) {
    calendarScheduled = true;
    setImmediate(drainCalendarQueue);
  }
}
function onOwnTurn<T>(job: () => T): Promise<T> {
  calendarWork.queued++;
  return new Promise<T>((resolve, reject) => {
    calendarQueue.push(() => {
      try {
        resolve(job());
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        calendarWork.done++;
      }
    });
    if (!calendarScheduled) {
      calendarScheduled = true;
      setImmediate(drainCalendarQueue);
    }
  });
}

function checkCount(count: number | null | undefined, max: number): number {
  const n = count ?? DEFAULT_PREVIEW_COUNT;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new SafeError(`count must be between 1 and ${max} (got ${n})`, { code: "ST003", field: "count" });
  }
  return n;
}

interface SpecInput {
  scheduleType?: string | null;
  scheduledAt?: string | null;
  cronExpression?: string | null;
  timezone?: string | null;
}

function toSpec(input: SpecInput): ScheduleSpec {
  const type = input.scheduleType ?? "";
  if (!(SCHEDULE_TYPES as readonly string[]).includes(type)) {
    throw new SafeError(`schedule_type must be one of ${SCHEDULE_TYPES.join(", ")} (got ${JSON.stringify(type)})`, { code: "ST003", field: "schedule_type" });
  }
  const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : null;
  if (scheduledAt && Number.isNaN(scheduledAt.getTime())) {
    throw new SafeError("scheduled_at must be an ISO 8601 date-time", { code: "ST003", field: "scheduled_at" });
  }
  return { scheduleType: type as ScheduleType, scheduledAt, cronExpression: input.cronExpression ?? null, timezone: input.timezone ?? "UTC" };
}

function validated(input: SpecInput, now: Date, minIntervalSeconds: number): ScheduleSpec {
  const spec = toSpec(input);
  try {
    validateSchedule(spec, { now, minIntervalSeconds });
  } catch (err) {
    if (err instanceof ScheduleError) throw new SafeError(err.message, { code: "ST003", field: err.field });
    throw err;
  }
  return spec;
}

export function makeSchedulingPlugin(opts: { minIntervalSeconds: number; maxPreviewCount?: number; now?: () => Date }) {
  const maxCount = opts.maxPreviewCount ?? 50;
  const now = () => opts.now?.() ?? new Date();
  return extendSchema((build) => {
    const tasks = build.input.pgRegistry.pgResources.scheduled_tasks;
    if (!tasks) throw new Error("SchedulingPlugin: scheduled_tasks not found");
    return {
      typeDefs: gql`
        input ScheduleTaskInput {
          taskId: UUID!
          "once | daily | weekly | monthly | cron"
          scheduleType: String!
          "First run (required for once; the anchor of daily/weekly/monthly; earliest start for cron)."
          scheduledAt: Datetime
          "Five fields: minute hour day-of-month month day-of-week (names, ranges, lists, steps)."
          cronExpression: String
          "IANA time zone the schedule is evaluated in."
          timezone: String = "UTC"
          "Stop after this many scheduled executions; null for unlimited."
          maxExecutions: Int
        }
        type ScheduleTaskPayload {
          result: ScheduledTask
        }
        type SchedulePreview {
          description: String!
          occurrences: [Datetime!]!
        }
        extend type Mutation {
          """
          Schedules (or re-schedules) a task in its time zone and activates it; nextExecutionAt is set in the same request.
          Errors: ST003 (invalid spec; extensions.field names the field), ST001, ST002, ST006, ST007.
          """
          scheduleTask(input: ScheduleTaskInput!): ScheduleTaskPayload
        }
        extend type Query {
          "The next run times and a description of a schedule, before saving it."
          previewSchedule(scheduleType: String!, scheduledAt: Datetime, cronExpression: String, timezone: String = "UTC", count: Int = 5): SchedulePreview
        }
        extend type ScheduledTask {
          "The next run times of the saved schedule (empty when not scheduled or not active)."
          upcomingExecutions(count: Int = 5): [Datetime!]!
          "The saved schedule in words."
          scheduleDescription: String
        }
      `,
      objects: {
        Mutation: {
          plans: {
            scheduleTask(_$root, fieldArgs) {
              const $input = fieldArgs.getRaw("input");
              const $taskId = withPgClientTransaction(tasks.executor, $input, async (client, raw) => {
                const input = raw as SpecInput & { taskId: string; maxExecutions?: number | null };
                const at = now();
                const spec = validated(input, at, opts.minIntervalSeconds);
                const first = firstOccurrence(spec, at);
                // daily/weekly/monthly without scheduledAt are anchored at their first run, kept for replanning
                const anchor = spec.scheduledAt ?? (spec.scheduleType === "cron" ? null : first);
                const { rows } = await client.query<{ task_id: string }>({
                  text: "select (app_public.schedule_task($1, $2, $3, $4, $5, $6, $7)).task_id as task_id",
                  values: [input.taskId, spec.scheduleType, anchor, spec.cronExpression, spec.timezone, input.maxExecutions ?? null, first],
                });
                return rows[0]!.task_id;
              });
              return object({ result: tasks.get({ task_id: $taskId }) });
            },
          },
        },
        Query: {
          plans: {
            previewSchedule(_$root, fieldArgs) {
              const $args = object({
                scheduleType: fieldArgs.getRaw("scheduleType"),
                scheduledAt: fieldArgs.getRaw("scheduledAt"),
                cronExpression: fieldArgs.getRaw("cronExpression"),
                timezone: fieldArgs.getRaw("timezone"),
                count: fieldArgs.getRaw("count"),
              });
              const $sub = lambda(context().get("pgSettings"), (settings) => (settings as Record<string, string> | null)?.["jwt.claims.sub"] ?? null);
              return lambda(object({ args: $args, sub: $sub }), ({ args, sub }) => {
                // Calendar math is CPU work: only signed-in users may ask for it (and are rate limited).
                if (!sub) throw new SafeError("previewSchedule requires a signed-in user (Authorization: Bearer <JWT>)", { code: "ST401" });
                const a = args as SpecInput & { count: number | null };
                const count = checkCount(a.count, maxCount);
                return onOwnTurn(() => {
                  const at = now();
                  const spec = validated(a, at, opts.minIntervalSeconds);
                  return {
                    description: describeSchedule(spec),
                    occurrences: previewOccurrences(spec, at, count).map((d) => d.toISOString()),
                  };
                });
              });
            },
          },
        },
        ScheduledTask: {
          plans: {
            upcomingExecutions($task, fieldArgs) {
              const $row = object({
                status: $task.get("status"),
                type: $task.get("schedule_type"),
                at: $task.get("scheduled_at"),
                cron: $task.get("cron_expression"),
                tz: $task.get("timezone"),
                next: $task.get("next_execution_at"),
                count: fieldArgs.getRaw("count"),
              });
              return lambda($row, (row) => {
                const r = row as { status: string; type: ScheduleType | null; at: string | null; cron: string | null; tz: string; next: string | null; count: number | null };
                const count = checkCount(r.count, maxCount);
                if (r.status !== "active" || !r.type || !r.next) return [];
                const spec: ScheduleSpec = { scheduleType: r.type, scheduledAt: r.at ? new Date(r.at) : null, cronExpression: r.cron, timezone: r.tz };
                const next = new Date(r.next);
                return onOwnTurn(() => [next, ...occurrencesAfter(spec, next, count - 1)].map((d) => d.toISOString()));
              });
            },
            scheduleDescription($task) {
              const $row = object({ type: $task.get("schedule_type"), at: $task.get("scheduled_at"), cron: $task.get("cron_expression"), tz: $task.get("timezone") });
              return lambda($row, (row) => {
                const r = row as { type: ScheduleType | null; at: string | null; cron: string | null; tz: string };
                if (!r.type) return null;
                try {
                  return describeSchedule({ scheduleType: r.type, scheduledAt: r.at ? new Date(r.at) : null, cronExpression: r.cron, timezone: r.tz });
                } catch {
                  return null;
                }
              });
            },
          },
        },
      },
    };
  });
}

