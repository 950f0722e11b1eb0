/**
 * scheduleTask, previewSchedule and ScheduledTask.upcomingExecutions / scheduleDescription.
 * Calendar math (validation, DST, next times) is src/calendar.ts; the mutation validates and
 * plans in TypeScript, then calls app_public.schedule_task in the same transaction as the
 * caller (visitor role, RLS, the SQL checks: access, status, prompt ready, review).
 */
import { extendSchema, gql } from "postgraphile/utils";
import { lambda, object, SafeError } from "postgraphile/grafast";
import { withPgClientTransaction } from "postgraphile/@dataplan/pg";
import {
  describeSchedule,
  firstOccurrence,
  nextOccurrence,
  previewOccurrences,
  ScheduleError,
  validateSchedule,
  SCHEDULE_TYPES,
  type ScheduleSpec,
  type ScheduleType,
} from "../calendar.js";

export const MAX_PREVIEW = 50;

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

export function makeSchedulingPlugin(opts: { minIntervalSeconds: number; now?: () => Date }) {
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
              return lambda($args, (args) => {
                const a = args as SpecInput & { count: number | null };
                const at = now();
                const spec = validated(a, at, opts.minIntervalSeconds);
                const count = Math.min(Math.max(a.count ?? 5, 1), MAX_PREVIEW);
                return {
                  description: describeSchedule(spec),
                  occurrences: previewOccurrences(spec, at, count).map((d) => d.toISOString()),
                };
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
                if (r.status !== "active" || !r.type || !r.next) return [];
                const spec: ScheduleSpec = { scheduleType: r.type, scheduledAt: r.at ? new Date(r.at) : null, cronExpression: r.cron, timezone: r.tz };
                const count = Math.min(Math.max(r.count ?? 5, 1), MAX_PREVIEW);
                const out: Date[] = [new Date(r.next)];
                while (out.length < count) {
                  const n = nextOccurrence(spec, out[out.length - 1]!);
                  if (!n) break;
                  out.push(n);
                }
                return out.map((d) => d.toISOString());
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

