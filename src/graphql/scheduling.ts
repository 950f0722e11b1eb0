/**
 * scheduleTask, resumeTask, previewSchedule and ScheduledTask.upcomingExecutions / scheduleDescription.
 * Calendar math (validation, DST, next times) is src/schedule/calendar.ts and planning src/schedule/nextRun.ts (the same
 * function the plan_task worker job uses); the mutations plan in TypeScript, then call
 * app_public.schedule_task / resume_task in the same transaction as the caller (visitor role, RLS, the
 * SQL checks: access, status, prompt ready, review), so both answer with nextExecutionAt filled in.
 */
import { extendSchema, gql } from "postgraphile/utils";
import { context, lambda, object, SafeError } from "postgraphile/grafast";
import { withPgClientTransaction } from "postgraphile/@dataplan/pg";
import {
  describeSchedule,
  occurrencesAfter,
  previewOccurrences,
  ScheduleError,
  type ScheduleSpec,
  type ScheduleType,
} from "../schedule/calendar.js";
import { planSchedule, planStored, STORED_SCHEDULE_COLUMNS, validatedSpec, type StoredSchedule } from "../schedule/nextRun.js";
import type pg from "pg";
import type { PromptProvider } from "../llm/providers.js";
import { makeSqlMeter, parseSchedule } from "../schedule/model.js";
import { ParseInputError, parseScheduleWords, type ParseAnswer } from "../schedule/words.js";

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

/** planSchedule with its ScheduleError as a GraphQL error (ST003, extensions.field). */
function checked<T>(plan: () => T): T {
  try {
    return plan();
  } catch (err) {
    if (err instanceof ScheduleError) throw new SafeError(err.message, { code: "ST003", field: err.field });
    throw err;
  }
}

/** parseSchedule's answer as GraphQL / REST JSON. */
export function parseAnswerJson(answer: ParseAnswer) {
  return {
    status: answer.status,
    spec:
      answer.status === "ambiguous" || !answer.spec
        ? null
        : {
            scheduleType: answer.spec.scheduleType,
            scheduledAt: answer.spec.scheduledAt?.toISOString() ?? null,
            cronExpression: answer.spec.cronExpression,
            timezone: answer.spec.timezone,
            maxExecutions: answer.spec.maxExecutions,
          },
    description: answer.status === "ok" ? answer.description : null,
    occurrences: answer.status === "ok" ? answer.occurrences.map((d) => d.toISOString()) : [],
    refusal: answer.status === "refused" ? answer.refusal : null,
    reason: answer.status === "refused" ? answer.reason : null,
    question: answer.status === "ambiguous" ? answer.question : null,
    used: answer.used,
    assumed: answer.assumed,
    source: answer.source,
  };
}

export interface SchedulingPluginOptions {
  minIntervalSeconds: number;
  maxPreviewCount?: number;
  now?: () => Date;
  /** parseSchedule's fallback (OPENAI_API_KEY set): the provider, and the pool its metering runs on as the user. */
  scheduleModel?: { provider: PromptProvider; pool: pg.Pool } | null;
}

export function makeSchedulingPlugin(opts: SchedulingPluginOptions) {
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
        input ResumeTaskInput {
          taskId: UUID!
        }
        type ResumeTaskPayload {
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
          """
          Resumes a paused task, planned from now (no catch-up of the paused time); nextExecutionAt is set in the same request.
          Errors: ST001, ST002.
          """
          resumeTask(input: ResumeTaskInput!): ResumeTaskPayload
        }
        "A schedule read from words: the spec to pass to scheduleTask, or why not."
        type ParsedSchedule {
          "once | daily | weekly | monthly | cron"
          scheduleType: String!
          scheduledAt: Datetime
          cronExpression: String
          timezone: String!
          maxExecutions: Int
        }
        type ScheduleParse {
          "ok (spec, description and occurrences are set) | refused (refusal and reason) | ambiguous (question)"
          status: String!
          "The schedule (ok; also refused when the words were read but the calendar refuses the schedule)."
          spec: ParsedSchedule
          "The schedule in words, as previewSchedule and ScheduledTask.scheduleDescription say it."
          description: String
          "The next runs (at most count, and at most maxExecutions)."
          occurrences: [Datetime!]!
          "too_frequent (SCHEDULE_MIN_INTERVAL_SECONDS) | in_past | never_runs | unsupported (the calendar cannot express it)"
          refusal: String
          reason: String
          "What to ask the person (ambiguous)."
          question: String
          "The words of the text the answer was read from."
          used: [String!]!
          "What was assumed, e.g. '9' read as 09:00."
          assumed: [String!]!
          "grammar | model (the model reads only what the grammar cannot, and only when OPENAI_API_KEY is set)"
          source: String!
        }
        extend type Query {
          """
          Reads a schedule from words ("every weekday at 9am", "tomorrow at 8", "first Monday of the month at 10 Tokyo time")
          in the caller's zone, relative to now (or the given now). Nothing is saved: pass the spec to scheduleTask.
          Errors: ST401 (not signed in), ST003 (text longer than 500 characters, unknown timezone, count out of range).
          """
          parseSchedule(text: String!, timezone: String = "UTC", now: Datetime, count: Int = 5): ScheduleParse
          "The next run times and a description of a schedule, before saving it."
          previewSchedule(
            scheduleType: String!
            scheduledAt: Datetime
            cronExpression: String
            timezone: String = "UTC"
            count: Int = 5
            "Stop after this many runs, as in scheduleTask: the description says so and occurrences stop there."
            maxExecutions: Int
          ): SchedulePreview
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
                const plan = checked(() => planSchedule(input, { now: now(), minIntervalSeconds: opts.minIntervalSeconds, mode: "new" }));
                const { spec } = plan;
                const { rows } = await client.query<{ task_id: string }>({
                  text: "select (app_public.schedule_task($1, $2, $3, $4, $5, $6, $7)).task_id as task_id",
                  values: [
                    input.taskId,
                    spec.scheduleType,
                    plan.scheduledAt,
                    spec.cronExpression,
                    spec.timezone,
                    input.maxExecutions ?? null,
                    plan.next,
                  ],
                });
                return rows[0]!.task_id;
              });
              return object({ result: tasks.get({ task_id: $taskId }) });
            },
            resumeTask(_$root, fieldArgs) {
              const $input = fieldArgs.getRaw("input");
              const $taskId = withPgClientTransaction(tasks.executor, $input, async (client, raw) => {
                const { taskId } = raw as { taskId: string };
                // the stored schedule (RLS: only the caller's tasks; resume_task raises ST001 for the others)
                const { rows: stored } = await client.query<StoredSchedule>({
                  text: `select ${STORED_SCHEDULE_COLUMNS} from app_public.scheduled_tasks where task_id = $1`,
                  values: [taskId],
                });
                let next: Date | null = null;
                let version: number | null = null;
                const row = stored[0];
                if (row?.schedule_type) {
                  try {
                    next = planStored(row, now(), opts.minIntervalSeconds).next;
                    version = row.schedule_version;
                  } catch (err) {
                    // a stored schedule that no longer validates: resume without a plan; the worker marks it failed, visibly
                    if (!(err instanceof ScheduleError)) throw err;
                  }
                }
                const { rows } = await client.query<{ task_id: string }>({
                  text: "select (app_public.resume_task($1, $2, $3)).task_id as task_id",
                  values: [taskId, next, version],
                });
                return rows[0]!.task_id;
              });
              return object({ result: tasks.get({ task_id: $taskId }) });
            },
          },
        },
        Query: {
          plans: {
            parseSchedule(_$root, fieldArgs) {
              const $args = object({
                text: fieldArgs.getRaw("text"),
                timezone: fieldArgs.getRaw("timezone"),
                now: fieldArgs.getRaw("now"),
                count: fieldArgs.getRaw("count"),
              });
              const $settings = context().get("pgSettings");
              return lambda(object({ args: $args, settings: $settings }), async ({ args, settings }) => {
                const pgSettings = (settings ?? {}) as Record<string, string>;
                if (!pgSettings["jwt.claims.sub"])
                  throw new SafeError("parseSchedule requires a signed-in user (Authorization: Bearer <JWT>)", { code: "ST401" });
                const a = args as { text: string; timezone: string | null; now: string | null; count: number | null };
                const count = checkCount(a.count, maxCount);
                const at = a.now ? new Date(a.now) : now();
                if (Number.isNaN(at.getTime())) throw new SafeError("now must be a valid date-time", { code: "ST003", field: "now" });
                const wordsOpts = { timezone: (a.timezone ?? "UTC").trim(), now: at, minIntervalSeconds: opts.minIntervalSeconds, count };
                try {
                  // the grammar is CPU work: on its own turn, like the calendar's previews
                  const grammar = await onOwnTurn(() => parseScheduleWords(a.text, wordsOpts));
                  if (grammar.status !== "ambiguous" || !grammar.unreadable || !opts.scheduleModel) return parseAnswerJson(grammar);
                  const { provider, pool } = opts.scheduleModel;
                  const meter = makeSqlMeter(pool, pgSettings, provider.endpoint ?? provider.name);
                  return parseAnswerJson(await parseSchedule(a.text, wordsOpts, { provider, meter }, grammar));
                } catch (err) {
                  if (err instanceof ParseInputError) throw new SafeError(err.message, { code: "ST003", field: err.field });
                  throw err;
                }
              });
            },
            previewSchedule(_$root, fieldArgs) {
              const $args = object({
                scheduleType: fieldArgs.getRaw("scheduleType"),
                scheduledAt: fieldArgs.getRaw("scheduledAt"),
                cronExpression: fieldArgs.getRaw("cronExpression"),
                timezone: fieldArgs.getRaw("timezone"),
                count: fieldArgs.getRaw("count"),
                maxExecutions: fieldArgs.getRaw("maxExecutions"),
              });
              const $sub = lambda(
                context().get("pgSettings"),
                (settings) => (settings as Record<string, string> | null)?.["jwt.claims.sub"] ?? null,
              );
              return lambda(object({ args: $args, sub: $sub }), ({ args, sub }) => {
                // Calendar math is CPU work: only signed-in users may ask for it (and are rate limited).
                if (!sub) throw new SafeError("previewSchedule requires a signed-in user (Authorization: Bearer <JWT>)", { code: "ST401" });
                const a = args as SpecInput & { count: number | null; maxExecutions: number | null };
                const count = checkCount(a.count, maxCount);
                const max = a.maxExecutions ?? null;
                if (max !== null && (!Number.isInteger(max) || max < 1)) {
                  throw new SafeError(`maxExecutions must be a positive number of runs or null (got ${max})`, {
                    code: "ST003",
                    field: "maxExecutions",
                  });
                }
                return onOwnTurn(() => {
                  const at = now();
                  const spec = checked(() => validatedSpec(a, { now: at, minIntervalSeconds: opts.minIntervalSeconds, mode: "new" }));
                  return {
                    description: describeSchedule(spec, { maxExecutions: max }),
                    occurrences: previewOccurrences(spec, at, Math.min(count, max ?? count)).map((d) => d.toISOString()),
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
                const r = row as {
                  status: string;
                  type: ScheduleType | null;
                  at: string | null;
                  cron: string | null;
                  tz: string;
                  next: string | null;
                  count: number | null;
                };
                const count = checkCount(r.count, maxCount);
                if (r.status !== "active" || !r.type || !r.next) return [];
                const spec: ScheduleSpec = {
                  scheduleType: r.type,
                  scheduledAt: r.at ? new Date(r.at) : null,
                  cronExpression: r.cron,
                  timezone: r.tz,
                };
                const next = new Date(r.next);
                return onOwnTurn(() => [next, ...occurrencesAfter(spec, next, count - 1)].map((d) => d.toISOString()));
              });
            },
            scheduleDescription($task) {
              const $row = object({
                type: $task.get("schedule_type"),
                at: $task.get("scheduled_at"),
                cron: $task.get("cron_expression"),
                tz: $task.get("timezone"),
                max: $task.get("max_executions"),
              });
              return lambda($row, (row) => {
                const r = row as { type: ScheduleType | null; at: string | null; cron: string | null; tz: string; max: number | null };
                if (!r.type) return null;
                try {
                  return describeSchedule(
                    { scheduleType: r.type, scheduledAt: r.at ? new Date(r.at) : null, cronExpression: r.cron, timezone: r.tz },
                    { maxExecutions: r.max },
                  );
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
