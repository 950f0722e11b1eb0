/**
 * Bench data: one user, one 'enterprise' (unlimited) account with its membership, one thread; and
 * scheduled tasks inserted in bulk the way tests/tasks/schedule.test.ts ("exactly once") does.
 */
import crypto from "node:crypto";
import type pg from "pg";
import { nextOccurrence, type ScheduleSpec } from "../../src/schedule/calendar.js";

export interface Fixture {
  userId: string;
  accountId: string;
  threadId: string;
}

export async function createFixture(su: pg.ClientBase): Promise<Fixture> {
  const userId = crypto.randomUUID();
  const accountId = crypto.randomUUID();
  await su.query("insert into app_public.users (id, email) values ($1, 'bench@example.com')", [userId]);
  await su.query(
    "insert into app_public.accounts (id, name, personal_account, primary_owner_user_id, plan) values ($1, 'bench', false, $2, 'enterprise')",
    [accountId, userId],
  );
  await su.query("insert into app_public.account_memberships (account_id, user_id, account_role) values ($1, $2, 'owner')", [
    accountId,
    userId,
  ]);
  const { rows } = await su.query<{ thread_id: string }>(
    "insert into app_public.threads (account_id, title) values ($1, 'bench thread') returning thread_id",
    [accountId],
  );
  return { userId, accountId, threadId: rows[0]!.thread_id };
}

/** Empties everything the dispatcher and the worker write (not the fixture). */
export async function resetData(su: pg.ClientBase): Promise<void> {
  await su.query(
    `truncate app_public.task_executions, app_public.scheduled_tasks, app_private.audit_log, app_private.account_usage,
              graphile_worker._private_jobs cascade`,
  );
}

export interface TaskRow {
  scheduleType: "daily" | "cron";
  scheduledAt: Date | null;
  cron: string | null;
  timezone: string;
  next: Date;
}

/** Inserts active, scheduled tasks (prompt ready) with the given schedules and next_execution_at. */
export async function insertTasks(client: pg.ClientBase, f: Fixture, tasks: TaskRow[]): Promise<void> {
  const chunk = 20_000;
  for (let i = 0; i < tasks.length; i += chunk) {
    const part = tasks.slice(i, i + chunk);
    await client.query(
      `insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages, prompt_status,
                                               is_scheduled, schedule_type, scheduled_at, cron_expression, timezone, status, next_execution_at)
       select $1, $2, 'bench ' || ($8::int + g.i), 'Do it', '[]', 'ready', true, g.stype, g.sat, g.cron, g.tz, 'active', g.due
         from unnest($3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::timestamptz[]) with ordinality as g(stype, sat, cron, tz, due, i)`,
      [
        f.accountId,
        f.threadId,
        part.map((t) => t.scheduleType),
        part.map((t) => t.scheduledAt),
        part.map((t) => t.cron),
        part.map((t) => t.timezone),
        part.map((t) => t.next),
        i,
      ],
    );
  }
  await client.query("analyze app_public.scheduled_tasks");
}

/** The fixed due minute of the throughput runs: Monday 2031-06-02 12:00 UTC (no DST change near it). */
export const DUE_MINUTE = new Date(Date.UTC(2031, 5, 2, 12, 0, 0));

export type ThroughputKind = "daily" | "cron" | "cron-distinct";

/**
 * daily: anchored on earlier days at the same local time (so every task has its own anchor, as tasks
 * created on different days do); zones without DST go back up to 10 years, DST zones only within the
 * current summer time period (so the local time of day is the same as at the due minute).
 */
export const DAILY_ZONES: Array<{ timezone: string; maxDaysBack: number }> = [
  { timezone: "UTC", maxDaysBack: 3650 },
  { timezone: "Asia/Tokyo", maxDaysBack: 3650 },
  { timezone: "Asia/Kolkata", maxDaysBack: 3650 },
  { timezone: "America/New_York", maxDaysBack: 80 },
  { timezone: "Europe/London", maxDaysBack: 60 },
];

/** cron: a few popular schedules shared by many tasks; every one runs at DUE_MINUTE (checked). */
export const CRON_MIX: Array<{ cron: string; timezone: string }> = [
  { cron: "*/5 * * * *", timezone: "UTC" },
  { cron: "*/15 * * * *", timezone: "America/New_York" },
  { cron: "0 * * * *", timezone: "Europe/Berlin" },
  { cron: "0 12 * * *", timezone: "UTC" },
  { cron: "0 8 * * 1-5", timezone: "America/New_York" },
  { cron: "30 17 * * *", timezone: "Asia/Kolkata" },
  { cron: "*/10 * * * *", timezone: "Asia/Kolkata" },
  { cron: "0 9,13,17 * * MON-FRI", timezone: "Europe/London" },
];

/** cron-distinct: zones and the local (hour, minute) of DUE_MINUTE there. */
const DISTINCT_ZONES: Array<{ timezone: string; hour: number; minute: number }> = [
  { timezone: "UTC", hour: 12, minute: 0 },
  { timezone: "Asia/Tokyo", hour: 21, minute: 0 },
  { timezone: "Asia/Dubai", hour: 16, minute: 0 },
  { timezone: "Asia/Kolkata", hour: 17, minute: 30 },
  { timezone: "America/New_York", hour: 8, minute: 0 },
  { timezone: "Europe/Berlin", hour: 14, minute: 0 },
];

/**
 * A cron expression of its own for task i (up to ~8,800 per zone), running at DUE_MINUTE and never
 * more often than every 5 minutes: "<m0>,<a>,<b> <h0>,<h> * * <dow>" with minutes multiples of 5.
 */
function distinctCron(i: number): { cron: string; timezone: string } {
  const z = DISTINCT_ZONES[i % DISTINCT_ZONES.length]!;
  let j = Math.floor(i / DISTINCT_ZONES.length);
  const minutes = Array.from({ length: 12 }, (_, k) => k * 5).filter((m) => m !== z.minute);
  const pairs: Array<[number, number]> = [];
  for (let x = 0; x < minutes.length; x++) for (let y = x + 1; y < minutes.length; y++) pairs.push([minutes[x]!, minutes[y]!]);
  const hours = Array.from({ length: 24 }, (_, k) => k).filter((h) => h !== z.hour);
  const dows = ["*", "1,0", "1,2", "1,3", "1,4", "1,5", "1,6"];
  const [a, b] = pairs[j % pairs.length]!;
  j = Math.floor(j / pairs.length);
  const h = hours[j % hours.length]!;
  j = Math.floor(j / hours.length);
  const dow = dows[j % dows.length]!;
  return { cron: `${z.minute},${a},${b} ${z.hour},${h} * * ${dow}`, timezone: z.timezone };
}

export function throughputTasks(kind: ThroughputKind, n: number): TaskRow[] {
  const rows: TaskRow[] = [];
  for (let i = 0; i < n; i++) {
    if (kind === "daily") {
      const z = DAILY_ZONES[i % DAILY_ZONES.length]!;
      const daysBack = 1 + (Math.floor(i / DAILY_ZONES.length) % z.maxDaysBack);
      rows.push({
        scheduleType: "daily",
        scheduledAt: new Date(DUE_MINUTE.getTime() - daysBack * 86_400_000),
        cron: null,
        timezone: z.timezone,
        next: DUE_MINUTE,
      });
    } else {
      const c = kind === "cron" ? CRON_MIX[i % CRON_MIX.length]! : distinctCron(i);
      rows.push({ scheduleType: "cron", scheduledAt: null, cron: c.cron, timezone: c.timezone, next: DUE_MINUTE });
    }
  }
  return rows;
}

export function specOfRow(t: TaskRow): ScheduleSpec {
  return { scheduleType: t.scheduleType, scheduledAt: t.scheduledAt, cronExpression: t.cron, timezone: t.timezone };
}

/** Distinct (schedule, zone, anchor) combinations: what a per-dispatch memo of next times can share. */
export function distinctSchedules(tasks: TaskRow[]): number {
  return new Set(tasks.map((t) => `${t.scheduleType}|${t.cron ?? ""}|${t.timezone}|${t.scheduledAt?.getTime() ?? ""}`)).size;
}

/** Every bench schedule must really run at DUE_MINUTE (else the bench would measure catch-up logic). */
export function checkScheduleMixes(n: number): void {
  const before = new Date(DUE_MINUTE.getTime() - 1);
  const check = (t: TaskRow) => {
    const next = nextOccurrence(specOfRow(t), before);
    if (next?.getTime() !== DUE_MINUTE.getTime()) {
      throw new Error(
        `bench bug: ${JSON.stringify(t)} next after ${before.toISOString()} is ${next?.toISOString()}, not ${DUE_MINUTE.toISOString()}`,
      );
    }
  };
  throughputTasks("daily", n).forEach(check);
  throughputTasks("cron", CRON_MIX.length).forEach(check);
  const distinct = throughputTasks("cron-distinct", n);
  distinct.filter((_, i) => i % 13 === 0).forEach(check);
  if (distinctSchedules(distinct) !== n) throw new Error("bench bug: cron-distinct schedules are not all distinct");
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a dispatch left behind: executions, distinct tasks, distinct occurrences (task, scheduled_for) and pending runs. */
export async function countRows(
  client: pg.ClientBase,
): Promise<{ executions: number; distinctTasks: number; occurrences: number; pending: number }> {
  const { rows } = await client.query<{ executions: number; tasks: number; occurrences: number; pending: number }>(
    `select count(*)::int as executions, count(distinct task_id)::int as tasks,
            count(distinct (task_id, scheduled_for))::int as occurrences, count(*) filter (where status = 'pending')::int as pending
       from app_public.task_executions`,
  );
  const r = rows[0]!;
  return { executions: r.executions, distinctTasks: r.tasks, occurrences: r.occurrences, pending: r.pending };
}
