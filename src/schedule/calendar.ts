/**
 * Calendar math for scheduled agent tasks. This is the only place in the product that
 * works out when a schedule runs; SQL and the worker store and compare instants only.
 *
 * Every schedule is evaluated in WALL-CLOCK time in its own IANA time zone:
 * - "daily" / "weekly" / "monthly" repeat the local time of day of the anchor
 *   (`scheduledAt`, or the save time rounded up to the next whole minute) on every day /
 *   on the anchor's weekday / on the anchor's day of month. A month that lacks the anchor
 *   day (the 31st, Feb 29/30) runs on its last day; the month after goes back to the
 *   anchor day (the anchor day is kept, it never drifts).
 * - "cron" is a standard five-field expression parsed and checked by cron-parser and
 *   evaluated in the zone by the evaluator in this file, with the same rules (see `nextCron`).
 * - "once" runs at `scheduledAt`.
 *
 * Daylight-saving rules (the same for every schedule type):
 * - Spring forward (a gap: e.g. 02:00-02:59 does not exist in New York on 2027-03-14):
 *   a local time inside the gap runs ONCE, shifted forward by the length of the gap,
 *   i.e. read with the UTC offset in force before the change (02:30 -> 03:30 EDT = 07:30Z).
 *   If that lands on a time that also runs anyway (cron "0 2,3 * * *"), it runs once.
 * - Fall back (an overlap: e.g. 01:00-01:59 happens twice in New York on 2027-11-07):
 *   a local time that happens twice runs ONCE, at its first instance (the earlier UTC
 *   instant, still on daylight time). Exception, for cron only: when the hour field
 *   matches every hour ("0 * * * *", "*\/15 * * * *") the repeated hour is one more real
 *   hour of elapsed time and runs again, as in Vixie cron and cron-parser.
 * These are the "compatible" disambiguation rules of Temporal / RFC 5545.
 */
import { CronExpressionParser, type CronFieldCollection } from "cron-parser";
import cronstrue from "cronstrue";
import { LRUCache } from "lru-cache";

export type ScheduleType = "once" | "daily" | "weekly" | "monthly" | "cron";

export const SCHEDULE_TYPES: readonly ScheduleType[] = ["once", "daily", "weekly", "monthly", "cron"];

export interface ScheduleSpec {
  scheduleType: ScheduleType;
  /** First run. Required for once; optional anchor for daily/weekly/monthly; earliest start for cron. */
  scheduledAt: Date | null;
  /** Only for cron. */
  cronExpression: string | null;
  /** IANA name, e.g. "America/New_York". */
  timezone: string;
}

export type ScheduleField = "schedule_type" | "scheduled_at" | "cron_expression" | "timezone";

export class ScheduleError extends Error {
  constructor(
    public readonly field: ScheduleField,
    message: string,
  ) {
    super(message);
    this.name = "ScheduleError";
  }
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** The cron evaluator looks this many days ahead at most ("0 0 29 2 *" can wait 8 years: 2096 -> 2104). */
const MAX_CRON_SEARCH_DAYS = 366 * 9;

// ---------------------------------------------------------------------------------------
// Time zone helpers: wall clock <-> instant, built on Intl only.
// A "naive" value is a wall-clock date-time encoded as if it were UTC (Date.UTC(...)),
// so that wall-clock arithmetic is plain integer arithmetic; offset = naive - instant.
// ---------------------------------------------------------------------------------------

interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Upper bound for the small memo caches below (time zone formatters, parsed expressions). */
const CACHE_LIMIT = 1000;
const formatterCache = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timezone: string): Intl.DateTimeFormat {
  let formatter = formatterCache.get(timezone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: timezone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw new ScheduleError("timezone", `timezone "${excerpt(timezone)}" is not a time zone this server knows`);
    }
    if (formatterCache.size >= CACHE_LIMIT) formatterCache.clear(); // names come from users
    formatterCache.set(timezone, formatter);
  }
  return formatter;
}

function wallClockAt(instant: number, timezone: string): WallClock {
  const wc: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
  for (const part of zoneFormatter(timezone).formatToParts(instant)) {
    if (part.type === "year") wc.year = Number(part.value);
    else if (part.type === "month") wc.month = Number(part.value);
    else if (part.type === "day") wc.day = Number(part.value);
    else if (part.type === "hour") wc.hour = Number(part.value);
    else if (part.type === "minute") wc.minute = Number(part.value);
    else if (part.type === "second") wc.second = Number(part.value);
  }
  wc.millisecond = ((instant % SECOND_MS) + SECOND_MS) % SECOND_MS;
  return wc;
}

function naiveOf(wc: WallClock): number {
  return Date.UTC(wc.year, wc.month - 1, wc.day, wc.hour, wc.minute, wc.second, wc.millisecond);
}

function wallClockOfNaive(naive: number): WallClock {
  const d = new Date(naive);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/**
 * Memo of offsetAt: the evaluators ask for the same instants again and again (the start of a day, a
 * day before a local time), and a dispatch asks for them once per task of a zone. Bounded; keys are
 * (zone, instant), so a hit is exact.
 */
const offsetCache = new Map<string, number>();
const OFFSET_CACHE_LIMIT = 200_000;

/** UTC offset (local minus UTC, in ms) in force at `instant`. */
function offsetAt(instant: number, timezone: string): number {
  const key = `${timezone}|${instant}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = naiveOf(wallClockAt(instant, timezone)) - instant;
    if (offsetCache.size >= OFFSET_CACHE_LIMIT) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

/**
 * Every instant whose local wall clock is `naive`: one normally, two in a fall-back
 * overlap (earlier first), none in a spring-forward gap. The offsets a day before and a
 * day after are the only candidates (zones do not change offset twice within two days).
 */
function instantsForNaive(naive: number, timezone: string): number[] {
  const before = offsetAt(naive - DAY_MS, timezone);
  const after = offsetAt(naive + DAY_MS, timezone);
  const result: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = naive - offset;
    if (offsetAt(instant, timezone) === offset) result.push(instant);
  }
  return result.sort((a, b) => a - b);
}

/**
 * The instant a wall-clock time runs at, applying the DST rules above:
 * overlap -> the earlier instant; gap -> read with the offset in force before the gap,
 * which is the wall-clock time shifted forward by the length of the gap.
 */
function resolveNaive(naive: number, timezone: string): number {
  const instants = instantsForNaive(naive, timezone);
  const first = instants[0];
  if (first !== undefined) return first;
  return naive - offsetAt(naive - DAY_MS, timezone);
}

/** A wall-clock time in a zone (month 1-12), as read or written by the schedule grammar (src/schedule/words.ts). */
export interface ZonedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall clock of `instant` in `timezone` (seconds dropped). Throws ScheduleError("timezone") for an unknown zone. */
export function zonedTime(instant: Date, timezone: string): ZonedTime & { weekday: number } {
  const wc = wallClockAt(instant.getTime(), timezone);
  return { year: wc.year, month: wc.month, day: wc.day, hour: wc.hour, minute: wc.minute, weekday: weekdayOf(wc.year, wc.month, wc.day) };
}

/**
 * The instant a local time runs at in `timezone`, with this file's DST rules (a time in a spring-forward gap is
 * shifted forward by the gap; a repeated time is its first instance). Day overflow is normalised (day 32 = next month).
 */
export function zonedInstant(time: ZonedTime, timezone: string): Date {
  zoneFormatter(timezone);
  return new Date(resolveNaive(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute), timezone));
}

/**
 * The offset used by every local time of the day starting at `dayNaive`, or null when the
 * offset changes during that day. Local times of the day map to instants within
 * [day start - 14 h, day end + 12 h] (the extreme UTC offsets), so two samples suffice.
 */
function constantOffsetForDay(dayNaive: number, timezone: string): number | null {
  const early = offsetAt(dayNaive - 14 * HOUR_MS, timezone);
  const late = offsetAt(dayNaive + DAY_MS + 12 * HOUR_MS, timezone);
  return early === late ? early : null;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function localDate(instant: number, timezone: string): string {
  const wc = wallClockAt(instant, timezone);
  return `${wc.year}-${pad2(wc.month)}-${pad2(wc.day)}`;
}

function formatTimeOfDay(wc: WallClock): string {
  const hm = `${pad2(wc.hour)}:${pad2(wc.minute)}`;
  return wc.second === 0 ? hm : `${hm}:${pad2(wc.second)}`;
}

/** The next whole minute strictly after `instant`. */
function nextWholeMinute(instant: number): number {
  return Math.floor(instant / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
}

// ---------------------------------------------------------------------------------------
// daily / weekly / monthly
// ---------------------------------------------------------------------------------------

type Recurring = "daily" | "weekly" | "monthly";

/**
 * Occurrence number k (k >= 1) of a daily/weekly/monthly series anchored at the wall
 * clock `anchor`. Occurrence 0 is the anchor instant itself and is handled by the caller
 * (it may be the second instance of a repeated hour, which resolveNaive would not pick).
 */
function recurringOccurrence(type: Recurring, anchor: WallClock, k: number, timezone: string): number {
  let year = anchor.year;
  let month = anchor.month;
  let day = anchor.day;
  if (type === "monthly") {
    const monthIndex = anchor.month - 1 + k;
    year = anchor.year + Math.floor(monthIndex / 12);
    month = (((monthIndex % 12) + 12) % 12) + 1;
    day = Math.min(anchor.day, daysInMonth(year, month)); // 31st -> last day of a shorter month
  } else {
    day += type === "daily" ? k : 7 * k; // Date.UTC normalises day overflow into the next months
  }
  const naive = Date.UTC(year, month - 1, day, anchor.hour, anchor.minute, anchor.second, anchor.millisecond);
  return resolveNaive(naive, timezone);
}

function nextRecurring(type: Recurring, anchorInstant: number, timezone: string, after: number): number {
  if (anchorInstant > after) return anchorInstant;
  const anchor = wallClockAt(anchorInstant, timezone);
  // Jump close to the answer, a step early (DST moves occurrences by an hour or two), then walk.
  let k: number;
  if (type === "monthly") {
    const now = wallClockAt(after, timezone);
    k = (now.year - anchor.year) * 12 + (now.month - anchor.month) - 1;
  } else {
    k = Math.floor((after - anchorInstant) / (type === "daily" ? DAY_MS : 7 * DAY_MS)) - 1;
  }
  k = Math.max(1, k);
  for (let guard = 0; guard < 1000; guard++, k++) {
    const candidate = recurringOccurrence(type, anchor, k, timezone);
    if (candidate > after) return candidate;
  }
  throw new Error(`calendar: no ${type} occurrence found after ${new Date(after).toISOString()}`); // unreachable
}

// ---------------------------------------------------------------------------------------
// cron
// ---------------------------------------------------------------------------------------

/**
 * Supported @-macros, translated to five fields before parsing. @minutely, @secondly,
 * @weekdays, @weekends and @reboot are rejected: they are not standard or not five-field.
 */
const CRON_MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTH_NAMES = new Set(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]);
const DAY_NAMES = new Set(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]);
const FIELD_NAMES = ["minute", "hour", "day-of-month", "month", "day-of-week"];
const ALLOWED_SYNTAX =
  "numbers, names (JAN-DEC, SUN-SAT), *, ranges (1-5), lists (1,3), steps (*/15), L (last day of the month) and, in the day-of-week field, 1#2 (2nd Monday) or 5L (last Friday)";

/** The parsed sets of a cron expression, in the form this file's evaluator needs. */
interface CronShape {
  /** The five-field expression given to cron-parser (macros expanded, whitespace collapsed). */
  expression: string;
  minutes: number[];
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>; // 0 = Sunday (cron's 7 is folded into 0)
  /** Standard cron: when both day fields are restricted, a day matching EITHER runs. */
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
  /** The hour field matches all 24 hours: a repeated (fall-back) hour runs again. */
  everyHour: boolean;
  /** "L" in the day-of-month field: the last day of the month. */
  lastDayOfMonth: boolean;
  /** "1#2" (the 2nd Monday: nth 2) and "5L" (the last Friday: nth -1) in the day-of-week field. */
  nthWeekdays: Array<{ weekday: number; nth: number }>;
}

/** Parsed expressions (LRU): a dispatch of 10,000 tasks with their own expressions must not re-parse them. */
const shapeCache = new LRUCache<string, CronShape>({ max: 20_000 });

function numericValues(values: readonly (number | string)[]): number[] {
  return values.filter((v): v is number => typeof v === "number");
}

/** Longest cron expression accepted (the column is varchar(100)). */
export const MAX_CRON_EXPRESSION_LENGTH = 100;

/** A user value quoted in an error message: cut, so a long input is never echoed back in full. */
export function excerpt(value: string, max = 60): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}

/**
 * Sunday is 0, 7 or SUN in the day-of-week field. cron-parser refuses a list naming it twice ("0,7",
 * "SUN,7") as a duplicate, though "0-7" and "7" are accepted: keep the first single Sunday of a list.
 */
function foldSundays(field: string): string {
  const items = field.split(",");
  const isSunday = (item: string) => /^(?:0|7|SUN)$/i.test(item);
  if (items.filter(isSunday).length < 2) return field;
  const first = items.findIndex(isSunday);
  return items.filter((item, i) => i === first || !isSunday(item)).join(",");
}

/** Parses and checks a cron expression; throws ScheduleError("cron_expression") when it is not acceptable. */
function cronShape(raw: string): CronShape {
  const cached = shapeCache.get(raw);
  if (cached) return cached;
  const trimmed = raw.trim();
  if (trimmed.length > MAX_CRON_EXPRESSION_LENGTH) {
    throw new ScheduleError(
      "cron_expression",
      `cron_expression must be at most ${MAX_CRON_EXPRESSION_LENGTH} characters (got ${trimmed.length}): "${excerpt(trimmed, 40)}"`,
    );
  }
  let expression = trimmed.split(/\s+/).join(" ");
  if (expression.startsWith("@")) {
    const macro = CRON_MACROS[expression.toLowerCase()];
    if (macro === undefined) {
      throw new ScheduleError(
        "cron_expression",
        `cron_expression "${excerpt(trimmed)}" is not supported; the supported macros are ${Object.keys(CRON_MACROS).join(", ")}`,
      );
    }
    expression = macro;
  }
  const parts = expression.split(" ");
  if (parts.length !== 5) {
    const hint = parts.length === 6 ? " (a seconds field is not supported)" : "";
    throw new ScheduleError(
      "cron_expression",
      `cron_expression "${excerpt(trimmed)}" must have 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}${hint}`,
    );
  }
  // Standard syntax plus three extensions whose meaning is fixed: "L" alone in the day-of-month field (the
  // last day of the month), "D#n" (the nth weekday D of the month, n 1-5) and "DL" (the last weekday D of
  // the month) as items of the day-of-week field. Refused: W (nearest weekday), L offsets, and H (random
  // jitter, which would make runs unpredictable).
  let lastDayOfMonth = false;
  const nthWeekdays: Array<{ weekday: number; nth: number }> = [];
  parts.forEach((part, index) => {
    const names = index === 3 ? MONTH_NAMES : index === 4 ? DAY_NAMES : null;
    let plain = part;
    if (index === 2 || index === 4) {
      const items = part.split(",");
      const rest: string[] = [];
      for (const item of items) {
        const nth = index === 4 ? /^([0-7]|[A-Za-z]{3})(?:#([1-5])|(L))$/i.exec(item) : null;
        if (index === 2 && /^L$/i.test(item)) lastDayOfMonth = true;
        else if (nth && (/^[0-7]$/.test(nth[1]!) || DAY_NAMES.has(nth[1]!.toUpperCase()))) {
          const day = /^[0-7]$/.test(nth[1]!) ? Number(nth[1]) % 7 : [...DAY_NAMES].indexOf(nth[1]!.toUpperCase());
          nthWeekdays.push({ weekday: day, nth: nth[3] ? -1 : Number(nth[2]) });
        } else rest.push(item);
      }
      plain = rest.length === items.length ? part : rest.join(",");
      if (plain === "" && (index === 2 ? lastDayOfMonth : nthWeekdays.length > 0)) plain = "*"; // only extensions
    }
    const words = plain.match(/[A-Za-z]+/g) ?? [];
    const badWord = words.find((w) => !names || !names.has(w.toUpperCase()));
    if (!/^[0-9A-Za-z*?,/-]+$/.test(plain) || badWord !== undefined) {
      throw new ScheduleError(
        "cron_expression",
        `cron_expression "${excerpt(trimmed)}": the ${FIELD_NAMES[index]} field "${excerpt(part, 40)}" is not supported; use ${ALLOWED_SYNTAX}`,
      );
    }
    parts[index] = plain;
  });
  parts[4] = foldSundays(parts[4]!);
  const onlyLastDay = lastDayOfMonth && parts[2] === "*";
  const onlyNth = nthWeekdays.length > 0 && parts[4] === "*";
  let fields: CronFieldCollection;
  try {
    fields = CronExpressionParser.parse(parts.join(" "), { tz: "UTC" }).fields;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const never = /Invalid explicit day of month definition/.test(reason) ? neverRunsReason(parts[2] ?? "", parts[3] ?? "") : null;
    if (never) throw new ScheduleError("cron_expression", `cron_expression "${excerpt(trimmed)}": this schedule never runs (${never})`);
    throw new ScheduleError("cron_expression", `cron_expression "${excerpt(trimmed)}" is invalid: ${reason}`);
  }
  const hours = numericValues(fields.hour.values);
  const shape: CronShape = {
    expression,
    minutes: numericValues(fields.minute.values).sort((a, b) => a - b),
    hours: hours.sort((a, b) => a - b),
    daysOfMonth: onlyLastDay ? new Set() : new Set(numericValues(fields.dayOfMonth.values)),
    months: new Set(numericValues(fields.month.values)),
    daysOfWeek: onlyNth ? new Set() : new Set(numericValues(fields.dayOfWeek.values).map((d) => d % 7)),
    dayOfMonthRestricted: lastDayOfMonth || !fields.dayOfMonth.isWildcard,
    dayOfWeekRestricted: nthWeekdays.length > 0 || !fields.dayOfWeek.isWildcard,
    everyHour: new Set(hours).size === 24,
    lastDayOfMonth,
    nthWeekdays,
  };
  shapeCache.set(raw, shape); // bounded: expressions come from users
  return shape;
}

const MONTH_FULL_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${suffix}`;
}

function listed(items: string[], conjunction: string): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

/**
 * Why a day-of-month / month pair never matches (cron-parser refuses it as "Invalid explicit day of
 * month definition"), e.g. "February has no 30th"; null when that is not the reason.
 */
function neverRunsReason(dayOfMonth: string, month: string): string | null {
  try {
    const days = numericValues(CronExpressionParser.parse(`0 0 ${dayOfMonth} * *`, { tz: "UTC" }).fields.dayOfMonth.values);
    const months = numericValues(CronExpressionParser.parse(`0 0 1 ${month} *`, { tz: "UTC" }).fields.month.values);
    if (days.length === 0 || months.length === 0) return null;
    if (months.some((m) => days.some((d) => d <= daysInMonth(2000, m)))) return null; // some day exists (2000 is a leap year)
    const names = months.sort((a, b) => a - b).map((m) => MONTH_FULL_NAMES[m - 1] ?? String(m));
    return `${listed(names, "and")} ${names.length > 1 ? "have" : "has"} no ${listed(days.sort((a, b) => a - b).map(ordinal), "or")}`;
  } catch {
    return null;
  }
}

function cronDayMatches(shape: CronShape, year: number, month: number, day: number): boolean {
  if (!shape.months.has(month)) return false;
  const weekday = weekdayOf(year, month, day);
  const length = daysInMonth(year, month);
  const dom = shape.daysOfMonth.has(day) || (shape.lastDayOfMonth && day === length);
  const dow =
    shape.daysOfWeek.has(weekday) ||
    shape.nthWeekdays.some((n) => n.weekday === weekday && (n.nth === -1 ? day + 7 > length : Math.ceil(day / 7) === n.nth));
  if (shape.dayOfMonthRestricted && shape.dayOfWeekRestricted) return dom || dow;
  if (shape.dayOfMonthRestricted) return dom;
  if (shape.dayOfWeekRestricted) return dow;
  return true;
}

/**
 * This file's own cron evaluator: walks local calendar days from the day before `after`
 * and, on the first matching day that has one, returns the earliest run strictly after
 * `after`, applying the DST rules from the top of the file. Null when nothing runs within
 * MAX_CRON_SEARCH_DAYS.
 */
function evaluateCron(shape: CronShape, timezone: string, after: number): number | null {
  const start = wallClockAt(after, timezone);
  const afterNaive = naiveOf(start);
  let dayNaive = Date.UTC(start.year, start.month - 1, start.day) - DAY_MS;
  for (let i = 0; i < MAX_CRON_SEARCH_DAYS; i++, dayNaive += DAY_MS) {
    const day = wallClockOfNaive(dayNaive);
    if (!cronDayMatches(shape, day.year, day.month, day.day)) continue;
    const fixedOffset = constantOffsetForDay(dayNaive, timezone);
    let best: number | null = null;
    let bestNaive = Number.POSITIVE_INFINITY;
    for (const hour of shape.hours) {
      for (const minute of shape.minutes) {
        const naive = dayNaive + hour * HOUR_MS + minute * MINUTE_MS;
        // A wall-clock time more than 3 h before `after`'s cannot run after it (offsets
        // move by at most 2 h at a transition); one more than 3 h past the best found
        // cannot beat it. Both bounds only save Intl calls.
        if (naive < afterNaive - 3 * HOUR_MS) continue;
        if (naive > bestNaive + 3 * HOUR_MS) break;
        let candidates: number[];
        if (fixedOffset !== null) {
          candidates = [naive - fixedOffset];
        } else if (shape.everyHour) {
          const both = instantsForNaive(naive, timezone);
          candidates = both.length > 0 ? both : [resolveNaive(naive, timezone)];
        } else {
          candidates = [resolveNaive(naive, timezone)];
        }
        for (const candidate of candidates) {
          if (candidate > after && (best === null || candidate < best)) {
            best = candidate;
            bestNaive = naive;
          }
        }
        // With one offset all day, instants grow with the wall clock: the first hit is the earliest.
        if (fixedOffset !== null && best !== null) return best;
      }
    }
    if (best !== null) return best;
  }
  return null;
}

/**
 * Next cron run strictly after `after`: this file's evaluator (`evaluateCron`), with the DST rules at
 * the top of the file. cron-parser only parses and checks the expression. Its own iterator used to
 * answer away from DST transitions, checked against the evaluator; it is not asked any more: the
 * evaluator gives the same runs there (the check required it) at a fraction of the cost (cron-parser
 * re-parses and iterates through luxon on every call, ~0.5 ms), and cron-parser 5.10.6 keeps DST
 * state while iterating, so asked from an arbitrary instant near a transition it could skip the
 * shifted spring-forward run, repeat a fall-back run, return a time before `after`, or loop ~0.7 s
 * to its loop limit and throw (Australia/Lord_Howe); see the tests.
 */
function nextCron(shape: CronShape, timezone: string, after: number): number | null {
  return evaluateCron(shape, timezone, after);
}

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** A cron expression was given: a non-blank string (null, undefined and "" count as absent). */
function hasCronExpression(spec: ScheduleSpec): boolean {
  const value: unknown = spec.cronExpression;
  return typeof value === "string" ? value.trim() !== "" : value !== null && value !== undefined;
}

/**
 * Daily/weekly/monthly without scheduledAt are anchored at the next whole minute after `now`
 * (a stored task should carry firstOccurrence() as its scheduledAt). Other specs unchanged.
 */
function anchored(spec: ScheduleSpec, now: Date): ScheduleSpec {
  if (spec.scheduledAt || spec.scheduleType === "once" || spec.scheduleType === "cron") return spec;
  return { ...spec, scheduledAt: new Date(nextWholeMinute(now.getTime())) };
}

function checkTimezone(timezone: unknown): void {
  const allowed = `an IANA time zone name such as "Europe/London", "America/New_York" or "UTC"`;
  if (typeof timezone !== "string" || timezone.trim() === "") {
    throw new ScheduleError("timezone", `timezone is required: ${allowed}`);
  }
  // Intl also accepts fixed offsets ("+05:00"); they do not follow DST, so they are refused.
  if (/^[+\-\u2212]/.test(timezone)) {
    throw new ScheduleError("timezone", `timezone "${excerpt(timezone)}" is a fixed UTC offset; use ${allowed}`);
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new ScheduleError("timezone", `timezone "${excerpt(timezone)}" is not a known time zone; use ${allowed}`);
  }
}

/**
 * Throws ScheduleError naming the offending field when `spec` cannot be saved at `opts.now`.
 * - schedule_type: one of once, daily, weekly, monthly, cron.
 * - timezone: a zone Intl knows (IANA names and links such as "US/Eastern"), not a fixed offset.
 * - cron_expression: required for cron, must be absent (null or empty) for the other types;
 *   five standard fields or a supported macro; must run at all, and never more often than
 *   opts.minIntervalSeconds.
 * - scheduled_at: required for once; when given, a valid date and strictly after opts.now.
 *   For cron it is only the earliest start, so a past value is accepted (it has no effect).
 */
export function validateSchedule(spec: ScheduleSpec, opts: { now: Date; minIntervalSeconds: number; pastStartAllowed?: boolean }): void {
  const type: unknown = spec.scheduleType;
  if (typeof type !== "string" || !(SCHEDULE_TYPES as readonly string[]).includes(type)) {
    throw new ScheduleError(
      "schedule_type",
      `schedule_type must be one of ${SCHEDULE_TYPES.join(", ")}; got ${JSON.stringify(type) ?? "nothing"}`,
    );
  }
  checkTimezone(spec.timezone);

  if (spec.scheduleType === "cron") {
    if (!hasCronExpression(spec)) {
      throw new ScheduleError("cron_expression", `cron_expression is required when schedule_type is "cron"`);
    }
    if (typeof spec.cronExpression !== "string") {
      throw new ScheduleError("cron_expression", `cron_expression must be a string such as "0 9 * * MON-FRI"`);
    }
  } else if (hasCronExpression(spec)) {
    throw new ScheduleError(
      "cron_expression",
      `cron_expression is only allowed when schedule_type is "cron"; remove it for schedule_type "${spec.scheduleType}"`,
    );
  }

  const at: unknown = spec.scheduledAt;
  const now = opts.now.getTime();
  if (at !== null && at !== undefined && !isValidDate(at)) {
    throw new ScheduleError("scheduled_at", `scheduled_at must be a valid date-time`);
  }
  if (spec.scheduleType === "once" && !isValidDate(at)) {
    throw new ScheduleError("scheduled_at", `scheduled_at is required when schedule_type is "once"`);
  }
  if (isValidDate(at) && spec.scheduleType !== "cron" && !opts.pastStartAllowed && at.getTime() <= now) {
    throw new ScheduleError(
      "scheduled_at",
      `scheduled_at must be in the future (got ${at.toISOString()}, now is ${opts.now.toISOString()})`,
    );
  }

  const minMs = opts.minIntervalSeconds * SECOND_MS;
  if (spec.scheduleType === "cron") {
    const raw = (spec.cronExpression ?? "").trim();
    // The expensive part (the first run, 100 sampled runs): memoised per expression, zone,
    // minimum interval, earliest start and hour of `now`.
    const start = isValidDate(at) && at.getTime() > now ? at.getTime() : "";
    const key = `${raw}\u0000${spec.timezone}\u0000${opts.minIntervalSeconds}\u0000${start}\u0000${Math.floor(now / HOUR_MS)}`;
    let verdict = cronVerdicts.get(key);
    if (verdict === undefined) {
      calendarCacheStats.cronValidations++;
      verdict = cronVerdict(spec, raw, opts.now, minMs, opts.minIntervalSeconds);
      cronVerdicts.set(key, verdict);
    }
    if (verdict !== "ok") throw verdict;
  } else if (spec.scheduleType !== "once") {
    // Nominal periods; a calendar month is at least 28 days.
    const period = { daily: DAY_MS, weekly: 7 * DAY_MS, monthly: 28 * DAY_MS }[spec.scheduleType];
    if (period < minMs) {
      throw new ScheduleError(
        "schedule_type",
        `schedule_type "${spec.scheduleType}" runs every ${period / SECOND_MS} s; the minimum interval is ${opts.minIntervalSeconds} s`,
      );
    }
  }
}

/**
 * Work counters of the memo caches below (read by tests and metrics; they only ever grow):
 * how many cron validations and run sequences were actually computed (cache misses).
 */
export const calendarCacheStats = { cronValidations: 0, cronSequences: 0 };

/** Upper bound of the memo caches of validations and run sequences (entries; LRU). */
export const CALENDAR_MEMO_SIZE = 10_000;
const cronVerdicts = new LRUCache<string, "ok" | ScheduleError>({ max: CALENDAR_MEMO_SIZE });

function cronVerdict(spec: ScheduleSpec, raw: string, now: Date, minMs: number, minIntervalSeconds: number): "ok" | ScheduleError {
  try {
    const shape = cronShape(raw);
    const first = firstOccurrence(spec, now);
    if (first === null) return new ScheduleError("cron_expression", `cron_expression "${raw}": this schedule never runs`);
    if (minMs > 0) {
      const found = cronMinGap(shape, spec.timezone, now.getTime(), minMs);
      if (found.gap < minMs) {
        const where = found.transition === null ? "runs every" : "runs only";
        const when =
          found.transition === null
            ? ""
            : ` apart around the daylight-saving change of ${localDate(found.transition, spec.timezone)} in ${spec.timezone}`;
        return new ScheduleError(
          "cron_expression",
          `cron_expression "${raw}" ${where} ${found.gap / SECOND_MS} s${when}; the minimum interval is ${minIntervalSeconds} s`,
        );
      }
    }
    return "ok";
  } catch (err) {
    if (err instanceof ScheduleError) return err;
    throw err;
  }
}

/**
 * The smallest gap between two runs of a cron schedule, whatever the day it is saved:
 * - on the wall clock: between two times of one day, and from the last time of a day to the first
 *   of the next matching day (the closest two matching days over 28 years: every weekday / leap-year
 *   combination of 1901-2099);
 * - in real time around each DST transition of the zone in the year from `from` (a zone's rules
 *   repeat yearly): the runs around it, as the evaluator gives them. Skipped when no gap can shrink
 *   below the minimum (every wall gap is longer than the minimum plus the size of the change).
 * `transition` is the transition where the smallest gap is (null: a wall-clock gap).
 */
function cronMinGap(shape: CronShape, timezone: string, from: number, minMs: number): { gap: number; transition: number | null } {
  const times = shape.hours.flatMap((h) => shape.minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
  let wall = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) wall = Math.min(wall, (times[i] ?? 0) - (times[i - 1] ?? 0));
  const first = times[0];
  const last = times[times.length - 1];
  const dayStep = closestMatchingDays(shape);
  if (first !== undefined && last !== undefined && Number.isFinite(dayStep)) wall = Math.min(wall, first + dayStep * 24 * 60 - last);
  const result: { gap: number; transition: number | null } = { gap: wall * MINUTE_MS, transition: null };
  for (const t of transitionsWithinYear(timezone, from)) {
    if (wall * MINUTE_MS - Math.abs(t.delta) >= minMs) continue;
    const gap = realMinGapAround(shape, timezone, t.at);
    if (gap < result.gap) {
      result.gap = gap;
      result.transition = t.at;
    }
  }
  return result;
}

const dayStepCache = new Map<string, number>();

/** The fewest days between two matching days (1: some consecutive days both run), over 28 years from 2001. */
function closestMatchingDays(shape: CronShape): number {
  let step = dayStepCache.get(shape.expression);
  if (step === undefined) {
    step = Number.POSITIVE_INFINITY;
    let previous: number | null = null;
    let index = 0;
    for (let year = 2001; year < 2029 && step > 1; year++) {
      for (let month = 1; month <= 12; month++) {
        const length = daysInMonth(year, month);
        const monthMatches = shape.months.has(month);
        for (let day = 1; day <= length; day++, index++) {
          if (!monthMatches || !cronDayMatches(shape, year, month, day)) continue;
          if (previous !== null) step = Math.min(step, index - previous);
          previous = index;
        }
      }
    }
    if (dayStepCache.size >= CACHE_LIMIT) dayStepCache.clear();
    dayStepCache.set(shape.expression, step);
  }
  return step;
}

const transitionCache = new LRUCache<string, Array<{ at: number; delta: number }>>({ max: CACHE_LIMIT });

/** The zone's UTC-offset changes in [from, from + 366 days]: instant (to the second) and size. */
function transitionsWithinYear(timezone: string, from: number): Array<{ at: number; delta: number }> {
  const day0 = Math.floor(from / DAY_MS) * DAY_MS;
  const key = `${timezone}|${day0}`;
  const cached = transitionCache.get(key);
  if (cached) return cached;
  const found: Array<{ at: number; delta: number }> = [];
  let previous = offsetAt(day0, timezone);
  for (let t = day0 + DAY_MS / 2; t <= day0 + 366 * DAY_MS; t += DAY_MS / 2) {
    const offset = offsetAt(t, timezone);
    if (offset === previous) continue;
    let lo = t - DAY_MS / 2;
    let hi = t;
    while (hi - lo > SECOND_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / SECOND_MS) * SECOND_MS;
      if (offsetAt(mid, timezone) === previous) lo = mid;
      else hi = mid;
    }
    found.push({ at: hi, delta: offset - previous });
    previous = offset;
  }
  transitionCache.set(key, found);
  return found;
}

/** Smallest real gap between consecutive runs from the last run before `transition` to 3 h after it. */
function realMinGapAround(shape: CronShape, timezone: string, transition: number): number {
  let start = transition;
  for (const back of [HOUR_MS, 4 * HOUR_MS, 27 * HOUR_MS, 8 * DAY_MS]) {
    const run = evaluateCron(shape, timezone, transition - back);
    if (run !== null && run < transition) {
      start = transition - back;
      break;
    }
  }
  let gap = Number.POSITIVE_INFINITY;
  let previous = evaluateCron(shape, timezone, start);
  for (let i = 0; previous !== null && i < 1000; i++) {
    const next = evaluateCron(shape, timezone, previous);
    if (next === null) break;
    gap = Math.min(gap, next - previous);
    if (previous > transition + 3 * HOUR_MS) break;
    previous = next;
  }
  return gap;
}

/**
 * The first run strictly after `after`, or null when there is none (a once in the past, a
 * cron that never matches). A daily/weekly/monthly without scheduledAt is anchored at the
 * next whole minute after `after`; a cron's scheduledAt is its earliest start.
 */
export function nextOccurrence(spec: ScheduleSpec, after: Date): Date | null {
  const afterMs = after.getTime();
  const at = spec.scheduledAt ? spec.scheduledAt.getTime() : null;
  switch (spec.scheduleType) {
    case "once":
      return at !== null && at > afterMs ? new Date(at) : null;
    case "daily":
    case "weekly":
    case "monthly": {
      const anchor = at ?? nextWholeMinute(afterMs);
      return new Date(nextRecurring(spec.scheduleType, anchor, spec.timezone, afterMs));
    }
    case "cron": {
      const shape = cronShape(spec.cronExpression ?? "");
      const from = at !== null ? Math.max(afterMs, at - 1) : afterMs;
      const next = nextCron(shape, spec.timezone, from);
      return next === null ? null : new Date(next);
    }
    default:
      throw new ScheduleError("schedule_type", `schedule_type "${String(spec.scheduleType)}" is not supported`);
  }
}

/**
 * The first run of a schedule saved at `now`:
 * - once: scheduledAt (null when it is not after `now`);
 * - daily/weekly/monthly: scheduledAt when it is in the future; without scheduledAt the
 *   series is anchored at `now` rounded up to the next whole minute (strictly after `now`,
 *   so 09:15:00.000 -> 09:16) and that is the first run; a past scheduledAt gives the
 *   series' next run after `now`;
 * - cron: the first match strictly after max(now, scheduledAt - 1 ms).
 */
export function firstOccurrence(spec: ScheduleSpec, now: Date): Date | null {
  return nextOccurrence(anchored(spec, now), now);
}

/** The next `count` runs of a schedule saved at `now`, starting with firstOccurrence. */
export function previewOccurrences(spec: ScheduleSpec, now: Date, count: number): Date[] {
  return occurrencesAfter(anchored(spec, now), now, count);
}

function computeOccurrences(spec: ScheduleSpec, after: Date, count: number): Date[] {
  const result: Date[] = [];
  let next = count > 0 ? nextOccurrence(spec, after) : null;
  while (next !== null && result.length < count) {
    result.push(next);
    next = result.length < count ? nextOccurrence(spec, next) : null;
  }
  return result;
}

/**
 * Memo of cron run sequences: the runs after `from` of one (expression, zone, earliest start).
 * A cron schedule's runs are a fixed set of instants, so the runs after a later instant are a
 * suffix of a sequence computed earlier; the sequence is recomputed only when it runs short.
 */
const cronSequences = new LRUCache<string, { from: number; runs: number[]; exhausted: boolean }>({ max: CALENDAR_MEMO_SIZE });

/** The next `count` runs strictly after `after` (the spec must already be anchored). */
export function occurrencesAfter(spec: ScheduleSpec, after: Date, count: number): Date[] {
  if (spec.scheduleType !== "cron" || count <= 0) return computeOccurrences(spec, after, count);
  const afterMs = after.getTime();
  const key = `${(spec.cronExpression ?? "").trim()}\u0000${spec.timezone}\u0000${spec.scheduledAt?.getTime() ?? ""}`;
  const cached = cronSequences.get(key);
  if (cached && cached.from <= afterMs) {
    const rest = cached.runs.filter((t) => t > afterMs);
    if (rest.length >= count || cached.exhausted) return rest.slice(0, count).map((t) => new Date(t));
  }
  calendarCacheStats.cronSequences++;
  const runs = computeOccurrences(spec, after, count);
  cronSequences.set(key, { from: afterMs, runs: runs.map((d) => d.getTime()), exhausted: runs.length < count });
  return runs;
}

/**
 * How many runs fall in (from, until], capped at `limit` (missed-run accounting).
 * A daily/weekly/monthly without scheduledAt is anchored as if saved at `from`.
 */
export function countMissed(spec: ScheduleSpec, from: Date, until: Date, limit: number): number {
  const fixed = anchored(spec, from);
  let count = 0;
  let cursor = from;
  while (count < limit) {
    const next = nextOccurrence(fixed, cursor);
    if (next === null || next.getTime() > until.getTime()) break;
    count++;
    cursor = next;
  }
  return count;
}

/**
 * A short English description, e.g. "Every Monday at 09:00 (UTC)", the same wherever a schedule is shown (preview,
 * parseSchedule, a task's scheduleDescription). Times are the local wall clock of scheduledAt in the schedule's zone
 * (seconds shown only when not zero); cron expressions are put in words by cronstrue ("At 09:00, Monday through
 * Friday"). `maxExecutions` adds ", at most N runs".
 */
export function describeSchedule(spec: ScheduleSpec, opts: { maxExecutions?: number | null } = {}): string {
  const limit =
    opts.maxExecutions && spec.scheduleType !== "once" ? `, at most ${opts.maxExecutions} run${opts.maxExecutions === 1 ? "" : "s"}` : "";
  return describeSpec(spec).replace(/ \(([^()]+)\)$/, `${limit} ($1)`);
}

/** The cron expression in words (cronstrue, 24-hour clock); the expression itself when cronstrue cannot read it. */
export function describeCron(expression: string): string {
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true, throwExceptionOnParseError: true, verbose: false });
  } catch {
    return `Cron "${expression}"`;
  }
}

function describeSpec(spec: ScheduleSpec): string {
  const zone = `(${spec.timezone})`;
  const at = isValidDate(spec.scheduledAt) ? wallClockAt(spec.scheduledAt.getTime(), spec.timezone) : null;
  switch (spec.scheduleType) {
    case "once":
      return at ? `Once on ${at.year}-${pad2(at.month)}-${pad2(at.day)} ${formatTimeOfDay(at)} ${zone}` : `Once (no time set) ${zone}`;
    case "daily":
      return at ? `Every day at ${formatTimeOfDay(at)} ${zone}` : `Every day, at the time it is saved ${zone}`;
    case "weekly":
      return at
        ? `Every ${WEEKDAY_NAMES[weekdayOf(at.year, at.month, at.day)]} at ${formatTimeOfDay(at)} ${zone}`
        : `Every week, on the day and at the time it is saved ${zone}`;
    case "monthly": {
      if (!at) return `Every month, on the day and at the time it is saved ${zone}`;
      const note = at.day > 28 ? " (last day in shorter months)" : "";
      return `On day ${at.day} of every month at ${formatTimeOfDay(at)}${note} ${zone}`;
    }
    case "cron":
      return `${describeCron((spec.cronExpression ?? "").trim())} ${zone}`;
    default:
      return `Unknown schedule type "${String(spec.scheduleType)}" ${zone}`;
  }
}
