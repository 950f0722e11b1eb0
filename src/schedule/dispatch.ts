/**
 * The dispatcher's logic: which occurrence of a due task to run, how many were missed, and the
 * task's next time. Calendar math comes from ./calendar.ts; the database does the rest in one
 * transaction per batch (app_private.claim_due_tasks → app_private.dispatch_occurrences).
 *
 * Policies (README "Scheduling"):
 * - each occurrence runs once: claim with FOR UPDATE SKIP LOCKED, unique (task_id, scheduled_for),
 *   next_execution_at advanced in the same transaction;
 * - occurrences due within the look-ahead are enqueued now, to start at their own second;
 * - after downtime: at most one catch-up per task (the latest missed occurrence), skipped when it
 *   is older than the staleness window; every other missed occurrence is counted in missed_count;
 * - overlap: an occurrence due while the task's previous run is still live is recorded as skipped.
 */
import { isRetryableConflict } from "../run/retry.js";
import type pg from "pg";
import { nextOccurrence, countMissed, type ScheduleSpec, type ScheduleType } from "./calendar.js";
import { dispatchBatchDuration, dispatchOccurrences } from "../metrics.js";

export interface DueTask {
  task_id: string;
  schedule_type: ScheduleType;
  scheduled_at: Date | null;
  cron_expression: string | null;
  timezone: string;
  next_execution_at: Date;
  execution_count: number;
  max_executions: number | null;
  schedule_version: number;
}

export interface Decision {
  task_id: string;
  scheduled_for: Date | null;
  skip_reason: string | null;
  missed: number;
  next_at: Date | null;
}

export const MISSED_COUNT_LIMIT = 100_000;

export function specOf(task: Pick<DueTask, "schedule_type" | "scheduled_at" | "cron_expression" | "timezone">): ScheduleSpec {
  return {
    scheduleType: task.schedule_type,
    scheduledAt: task.scheduled_at,
    cronExpression: task.cron_expression,
    timezone: task.timezone,
  };
}

/** The latest occurrence in [from, now], found without walking every occurrence of a long downtime. */
function latestDue(spec: ScheduleSpec, from: Date, now: Date, next: NextFn): Date {
  for (const windowMs of [3_600_000, 86_400_000, 32 * 86_400_000, 400 * 86_400_000]) {
    const start = new Date(Math.max(from.getTime() - 1, now.getTime() - windowMs));
    let cur = start.getTime() < from.getTime() ? from : next(spec, start);
    if (!cur || cur > now) continue;
    for (let n = next(spec, cur); n && n <= now; n = next(spec, cur)) cur = n;
    return cur;
  }
  return from;
}

/** A next-occurrence function; `decide` takes a memoised one from `dispatchDue`. */
export type NextFn = (spec: ScheduleSpec, after: Date) => Date | null;

/**
 * nextOccurrence memoised for one dispatch: tasks due in the same minute very often share a
 * schedule ("0 9 * * *" in a handful of zones), so each distinct (schedule, instant) is computed once.
 */
export function memoNext(): NextFn {
  const memo = new Map<string, Date | null>();
  return (spec, after) => {
    const key = `${spec.scheduleType}|${spec.cronExpression ?? ""}|${spec.timezone}|${spec.scheduledAt?.getTime() ?? ""}|${after.getTime()}`;
    let next = memo.get(key);
    if (next === undefined) {
      next = nextOccurrence(spec, after);
      if (memo.size > 100_000) memo.clear();
      memo.set(key, next);
    }
    return next;
  };
}

export function decide(task: DueTask, now: Date, stalenessMs: number, next: NextFn = nextOccurrence): Decision {
  const spec = specOf(task);
  const due = task.next_execution_at;
  if (due > now) {
    // within the look-ahead: enqueue it to start at its own time
    return { task_id: task.task_id, scheduled_for: due, skip_reason: null, missed: 0, next_at: next(spec, due) };
  }
  const latest = latestDue(spec, due, now, next);
  const missedBefore =
    latest > due ? countMissed(spec, new Date(due.getTime() - 1), new Date(latest.getTime() - 1), MISSED_COUNT_LIMIT) : 0;
  const nextAt = next(spec, now);
  if (now.getTime() - latest.getTime() > stalenessMs) {
    return { task_id: task.task_id, scheduled_for: null, skip_reason: null, missed: missedBefore + 1, next_at: nextAt };
  }
  return { task_id: task.task_id, scheduled_for: latest, skip_reason: null, missed: missedBefore, next_at: nextAt };
}

export interface DispatchOptions {
  now: Date;
  lookaheadMs: number;
  stalenessMs: number;
  batchSize: number;
}

export interface DispatchResult {
  claimed: number;
  dispatched: number;
  skipped: number;
}

const CLAIM = `select task_id, schedule_type, scheduled_at, cron_expression, timezone, next_execution_at,
                      execution_count, max_executions, schedule_version
                 from app_private.claim_due_tasks($1, $2)`;
const DISPATCH = `select dispatched, skipped from app_private.dispatch_occurrences(
                    (select array_agg(row(d.task_id, d.scheduled_for, d.skip_reason, d.missed, d.next_at)::app_private.dispatch_decision)
                       from json_to_recordset($1::json) as d(task_id uuid, scheduled_for timestamptz, skip_reason text, missed int, next_at timestamptz)),
                    $2)`;

/**
 * Dispatches everything due (up to now + look-ahead), batch by batch, each batch one transaction.
 * `client` must be a dedicated connection (transactions are opened on it).
 */
export async function dispatchDue(client: pg.ClientBase, opts: DispatchOptions): Promise<DispatchResult> {
  const total: DispatchResult = { claimed: 0, dispatched: 0, skipped: 0 };
  const until = new Date(opts.now.getTime() + opts.lookaheadMs);
  const next = memoNext();
  let conflicts = 0;
  for (;;) {
    const endBatch = dispatchBatchDuration.startTimer();
    await client.query("begin");
    try {
      const { rows } = await client.query<DueTask>(CLAIM, [until, opts.batchSize]);
      if (rows.length === 0) {
        await client.query("commit"); // nothing due: not a batch (sat_dispatch_batch_duration_seconds)
        return total;
      }
      const decisions = rows.map((t) => decide(t, opts.now, opts.stalenessMs, next));
      const { rows: r } = await client.query<{ dispatched: number; skipped: number }>(DISPATCH, [JSON.stringify(decisions), opts.now]);
      await client.query("commit");
      endBatch();
      dispatchOccurrences.inc({ outcome: "dispatched" }, r[0]?.dispatched ?? 0);
      dispatchOccurrences.inc({ outcome: "skipped" }, r[0]?.skipped ?? 0);
      dispatchOccurrences.inc(
        { outcome: "missed" },
        decisions.reduce((n, d) => n + d.missed, 0),
      );
      total.claimed += rows.length;
      total.dispatched += r[0]?.dispatched ?? 0;
      total.skipped += r[0]?.skipped ?? 0;
      if (rows.length < opts.batchSize) return total;
    } catch (err) {
      await client.query("rollback").catch(() => undefined);
      // a deadlock rolled back only this batch (e.g. its over-allowance refusals meeting run ends of the same tasks):
      // the batch is retried, a few times, before the job fails (and graphile-worker retries it)
      if (isRetryableConflict(err) && ++conflicts <= 5) continue;
      throw err;
    }
  }
}
