/**
 * The dispatcher's pure decision (src/schedule/dispatch.ts `decide`), without a database: an occurrence within the
 * look-ahead is enqueued at its own time; after downtime only the latest missed occurrence runs (the others are
 * counted), unless it is older than the staleness window; a `once` task has no next time.
 */
import { decide, memoNext, type DueTask } from "../../src/schedule/dispatch.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const anchor = new Date("2030-03-04T09:00:00Z"); // a Monday, 09:00 UTC

function task(extra: Partial<DueTask> = {}): DueTask {
  return {
    task_id: "00000000-0000-4000-8000-000000000001",
    schedule_type: "daily",
    scheduled_at: anchor,
    cron_expression: null,
    timezone: "UTC",
    next_execution_at: anchor,
    execution_count: 0,
    max_executions: null,
    schedule_version: 1,
    ...extra,
  };
}

test("due within the look-ahead: enqueued for its own time, next one a day later", () => {
  const now = new Date(anchor.getTime() - 40_000);
  expect(decide(task(), now, HOUR)).toEqual({
    task_id: task().task_id,
    scheduled_for: anchor,
    skip_reason: null,
    missed: 0,
    next_at: new Date(anchor.getTime() + DAY),
  });
});

test("due just now: runs it, nothing missed", () => {
  const now = new Date(anchor.getTime() + 5_000);
  expect(decide(task(), now, HOUR)).toMatchObject({ scheduled_for: anchor, missed: 0, next_at: new Date(anchor.getTime() + DAY) });
});

test("after three days down: runs the latest occurrence only, counts the two before it", () => {
  const now = new Date(anchor.getTime() + 3 * DAY + 10 * 60_000); // 10 minutes after the fourth occurrence
  expect(decide(task(), now, HOUR)).toMatchObject({
    scheduled_for: new Date(anchor.getTime() + 3 * DAY),
    skip_reason: null,
    missed: 3,
    next_at: new Date(anchor.getTime() + 4 * DAY),
  });
});

test("the latest occurrence older than the staleness window: nothing runs, it is counted as missed too", () => {
  const now = new Date(anchor.getTime() + 3 * DAY + 2 * HOUR);
  expect(decide(task(), now, HOUR)).toEqual({
    task_id: task().task_id,
    scheduled_for: null,
    skip_reason: null,
    missed: 4,
    next_at: new Date(anchor.getTime() + 4 * DAY),
  });
});

test("once: runs at its time and has no next time; stale, it is only counted", () => {
  const once = task({ schedule_type: "once" });
  expect(decide(once, new Date(anchor.getTime() + 1000), HOUR)).toMatchObject({ scheduled_for: anchor, missed: 0, next_at: null });
  expect(decide(once, new Date(anchor.getTime() + 2 * HOUR), HOUR)).toMatchObject({ scheduled_for: null, missed: 1, next_at: null });
});

test("cron in a timezone: the next time follows the zone's wall clock across a DST change", () => {
  // 09:00 in New York on weekdays; DST starts on Sunday 2030-03-10, so Monday's 09:00 is 13:00 UTC, not 14:00.
  const friday = new Date("2030-03-08T14:00:00Z");
  const cron = task({
    schedule_type: "cron",
    cron_expression: "0 9 * * MON-FRI",
    timezone: "America/New_York",
    scheduled_at: null,
    next_execution_at: friday,
  });
  expect(decide(cron, new Date(friday.getTime() - 30_000), HOUR)).toMatchObject({
    scheduled_for: friday,
    next_at: new Date("2030-03-11T13:00:00Z"),
  });
});

test("a memoised next function gives the same decisions", () => {
  const next = memoNext();
  for (const offset of [-40_000, 5_000, 3 * DAY + 600_000, 3 * DAY + 2 * HOUR]) {
    const now = new Date(anchor.getTime() + offset);
    expect(decide(task(), now, HOUR, next)).toEqual(decide(task(), now, HOUR));
  }
});
