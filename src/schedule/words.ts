/**
 * Schedules in words: a deterministic grammar that reads what people type ("every weekday at 9am",
 * "every 2 hours from 9 to 5 on weekdays", "the last Friday of the month at 17:30", "tomorrow at 8",
 * "in 3 hours", "9am Tokyo time for the next 5 days") and answers with an ordinary schedule spec
 * (once / daily / weekly / monthly / cron + timezone + maxExecutions). The calendar (src/schedule/calendar.ts)
 * stays the only judge of what a spec means: every spec produced here is validated and previewed by it.
 *
 * Three answers, never a silent guess:
 * - `ok`: the spec, its description and next runs, the words used and what was assumed ("9" read as 09:00);
 * - `refused`: the words were understood but the schedule cannot be saved (too frequent for
 *   SCHEDULE_MIN_INTERVAL_SECONDS, in the past, never runs, not expressible by the calendar);
 * - `ambiguous`: what to ask the person ("5 in the morning or in the evening?"). `unreadable` marks the
 *   ambiguities where the grammar could not read some words (only those may go to the model, see model.ts).
 *
 * Dates of one-off phrases ("next Friday", "on March 3rd", "tomorrow") are read by chrono-node; times of
 * day, recurrences, zones and counts by the rules below. Self-contained: it depends on the calendar only.
 */
import * as chrono from "chrono-node";
import {
  describeSchedule,
  previewOccurrences,
  ScheduleError,
  validateSchedule,
  zonedInstant,
  zonedTime,
  type ScheduleSpec,
  type ZonedTime,
} from "./calendar.js";

export interface WordsSpec extends ScheduleSpec {
  /** Stop after this many runs (from "3 times", "for the next 5 days", "until Friday"); null = no limit. */
  maxExecutions: number | null;
}

export type Refusal = "too_frequent" | "in_past" | "never_runs" | "unsupported";

interface Common {
  /** The words of the text the answer is built from, in text order. */
  used: string[];
  /** What was assumed or how words were read, e.g. `"9" read as 09:00`. */
  assumed: string[];
  /** Who read the text: the grammar, or the model (fallback). */
  source: "grammar" | "model";
}

export type ParseAnswer =
  | (Common & { status: "ok"; spec: WordsSpec; description: string; occurrences: Date[] })
  | (Common & { status: "refused"; refusal: Refusal; reason: string; spec: WordsSpec | null })
  | (Common & { status: "ambiguous"; question: string; unreadable: boolean });

export interface WordsOptions {
  /** The person's zone (IANA); an explicit zone in the text ("9am Tokyo time") overrides it. */
  timezone: string;
  now: Date;
  minIntervalSeconds: number;
  /** Next runs to preview (default 5). */
  count?: number;
  /**
   * "strict" (default, for parseSchedule): words the grammar cannot place that look like they are about time
   * make the answer `ambiguous`. "extract" (for a conversation): such words are ignored, and a text with no
   * recurrence and no explicit one-off date is not a schedule at all (`ambiguous`, unreadable).
   */
  mode?: "strict" | "extract";
}

/** Bad input to the parser itself (not a schedule it cannot read): names the field. */
export class ParseInputError extends Error {
  constructor(
    readonly field: "text" | "timezone",
    message: string,
  ) {
    super(message);
    this.name = "ParseInputError";
  }
}

/** Longest text accepted (characters). */
export const MAX_SCHEDULE_TEXT = 500;

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------------

const DAY_WORDS: Array<[RegExp, number]> = [
  [/^sun(?:day)?s?$/, 0],
  [/^mon(?:day)?s?$/, 1],
  [/^tue(?:s|sday)?s?$/, 2],
  [/^wed(?:nesday)?s?$/, 3],
  [/^thu(?:r|rs|rsday)?s?$/, 4],
  [/^fri(?:day)?s?$/, 5],
  [/^sat(?:urday)?s?$/, 6],
];
const DAY = "(?:sun(?:day)?|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?)s?";
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const ORDINALS: Record<string, number> = {
  first: 1,
  "1st": 1,
  second: 2,
  "2nd": 2,
  third: 3,
  "3rd": 3,
  fourth: 4,
  "4th": 4,
  fifth: 5,
  "5th": 5,
  last: -1,
};
const ORDINAL = "(?:first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)";
const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  "forty-five": 45,
  "forty five": 45,
  ninety: 90,
};

function dayOf(word: string): number {
  for (const [re, n] of DAY_WORDS) if (re.test(word)) return n;
  return -1;
}
function monthOf(word: string): number {
  return MONTHS.indexOf(word.slice(0, 3)) + 1;
}
const pad2 = (n: number) => String(n).padStart(2, "0");
const hm = (h: number, m: number) => `${pad2(h)}:${pad2(m)}`;

/** Common city and abbreviation names → IANA zones (cities of the IANA database are found by name too). */
const ZONE_ALIASES: Record<string, string> = {
  utc: "UTC",
  gmt: "UTC",
  zulu: "UTC",
  pst: "America/Los_Angeles",
  pdt: "America/Los_Angeles",
  pacific: "America/Los_Angeles",
  est: "America/New_York",
  edt: "America/New_York",
  eastern: "America/New_York",
  cst: "America/Chicago",
  cdt: "America/Chicago",
  central: "America/Chicago",
  mst: "America/Denver",
  mdt: "America/Denver",
  mountain: "America/Denver",
  bst: "Europe/London",
  cet: "Europe/Berlin",
  cest: "Europe/Berlin",
  eet: "Europe/Athens",
  eest: "Europe/Athens",
  ist: "Asia/Kolkata",
  jst: "Asia/Tokyo",
  kst: "Asia/Seoul",
  sgt: "Asia/Singapore",
  hkt: "Asia/Hong_Kong",
  aest: "Australia/Sydney",
  aedt: "Australia/Sydney",
  awst: "Australia/Perth",
  nzst: "Pacific/Auckland",
  nzdt: "Pacific/Auckland",
  "new york city": "America/New_York",
  nyc: "America/New_York",
  boston: "America/New_York",
  washington: "America/New_York",
  miami: "America/New_York",
  atlanta: "America/New_York",
  "san francisco": "America/Los_Angeles",
  seattle: "America/Los_Angeles",
  "silicon valley": "America/Los_Angeles",
  austin: "America/Chicago",
  dallas: "America/Chicago",
  houston: "America/Chicago",
  beijing: "Asia/Shanghai",
  mumbai: "Asia/Kolkata",
  delhi: "Asia/Kolkata",
  "new delhi": "Asia/Kolkata",
  bangalore: "Asia/Kolkata",
  bengaluru: "Asia/Kolkata",
  munich: "Europe/Berlin",
  frankfurt: "Europe/Berlin",
  hamburg: "Europe/Berlin",
  milan: "Europe/Rome",
  barcelona: "Europe/Madrid",
  geneva: "Europe/Zurich",
  osaka: "Asia/Tokyo",
  kyoto: "Asia/Tokyo",
  "tel aviv": "Asia/Jerusalem",
  "cape town": "Africa/Johannesburg",
  "rio de janeiro": "America/Sao_Paulo",
  rio: "America/Sao_Paulo",
  "são paulo": "America/Sao_Paulo",
  mexico: "America/Mexico_City",
  "hong kong": "Asia/Hong_Kong",
  "ho chi minh city": "Asia/Ho_Chi_Minh",
  saigon: "Asia/Ho_Chi_Minh",
};
/** Aliases that are ordinary English words: only read as zones after a time or before "time" ("9am eastern", "pacific time"). */
const WORD_ZONES = new Set(["pacific", "eastern", "central", "mountain", "washington", "mexico", "rio"]);

let zoneIndex: Map<string, string> | null = null;
function zones(): Map<string, string> {
  if (zoneIndex) return zoneIndex;
  const index = new Map<string, string>();
  for (const zone of Intl.supportedValuesOf("timeZone")) {
    index.set(zone.toLowerCase(), zone);
    const city = zone.split("/").pop()!.replace(/_/g, " ").toLowerCase();
    if (zone.includes("/") && !index.has(city)) index.set(city, zone);
  }
  index.set("utc", "UTC");
  for (const [name, zone] of Object.entries(ZONE_ALIASES)) index.set(name, zone);
  zoneIndex = index;
  return index;
}

// ---------------------------------------------------------------------------------------------------------------
// The text being read: matched words are blanked out of `rest`, so each word is used once.
// ---------------------------------------------------------------------------------------------------------------

class Words {
  readonly text: string;
  rest: string;
  private readonly spans: Array<{ at: number; text: string }> = [];
  constructor(text: string) {
    this.text = text;
    this.rest = text;
  }
  /** The first match of `re` in the unread words; marks it read. */
  take(re: RegExp): RegExpExecArray | null {
    const m = new RegExp(re.source, re.flags.replace("g", "")).exec(this.rest);
    if (!m) return null;
    this.use(m.index, m[0].length);
    return m;
  }
  /** Every match of `re` (global), marked read. */
  takeAll(re: RegExp): RegExpExecArray[] {
    const found: RegExpExecArray[] = [];
    for (let m = this.take(re); m; m = this.take(re)) found.push(m);
    return found;
  }
  peek(re: RegExp): RegExpExecArray | null {
    return new RegExp(re.source, re.flags.replace("g", "")).exec(this.rest);
  }
  use(at: number, length: number): void {
    // words appended by the reading itself (past the end of the text) are not the person's
    const text = this.rest
      .slice(at, Math.min(at + length, this.text.length))
      .replace(/\s+/g, " ")
      .trim();
    if (text) this.spans.push({ at, text });
    this.rest = this.rest.slice(0, at) + " ".repeat(length) + this.rest.slice(at + length);
  }
  used(): string[] {
    return this.spans.sort((a, b) => a.at - b.at).map((s) => s.text);
  }
  leftover(): string {
    return this.rest.replace(/\s+/g, " ").trim();
  }
}

function normalise(input: string): string {
  let s = input.toLowerCase().normalize("NFKC");
  s = s.replace(/[\u2013\u2014\u2212]/g, "-").replace(/[\u2018\u2019]/g, "'");
  s = s.replace(/\b([ap])\.\s?m\.?(?=\s|$|,)/g, "$1m");
  s = s.replace(/\bo'?\s?clock\b/g, "o'clock");
  s = s.replace(/[.!?;]+(\s|$)/g, " ").replace(/[()"]/g, " ");
  for (const [word, n] of Object.entries(NUMBER_WORDS)) s = s.replace(new RegExp(`\\b${word}\\b`, "g"), String(n));
  s = s.replace(/\s+/g, " ").trim();
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Times of day
// ---------------------------------------------------------------------------------------------------------------

interface Time {
  hour: number;
  minute: number;
}

class Ambiguity extends Error {
  constructor(
    readonly question: string,
    readonly unreadable = false,
  ) {
    super(question);
  }
}
class Refused extends Error {
  constructor(
    readonly refusal: Refusal,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const MERIDIEM = "(?:\\s?(am|pm|a|p)\\b)?";
const QUALIFIER = "(?:\\s(in the morning|in the afternoon|in the evening|at night|tonight))?";
/** h:mm / h.mm / h am / h o'clock / hhmm (after "at") / h; group 1 = text before the hour. */
const CLOCK = `(\\d{1,2})(?:[:.h](\\d{2}))?${MERIDIEM}(?:\\s?o'clock)?${QUALIFIER}`;

/** Reads an hour/minute with the 12/24-hour rules; `context` = "pm" when the text says evening, etc. */
function clockTime(
  hourText: string,
  minuteText: string | undefined,
  meridiem: string | undefined,
  qualifier: string | undefined,
  raw: string,
  assumed: string[],
  context: { pmHint: boolean; amHint: boolean },
): Time {
  let hour = Number(hourText);
  const minute = minuteText ? Number(minuteText) : 0;
  if (minute > 59) throw new Ambiguity(`"${raw}" is not a time of day (minutes go up to 59); which time did you mean?`);
  const pm = meridiem?.startsWith("p") || /afternoon|evening|night/.test(qualifier ?? "");
  const am = meridiem?.startsWith("a") || /morning/.test(qualifier ?? "");
  if (pm || am) {
    if (hour < 1 || hour > 12) throw new Ambiguity(`"${raw}" is not a 12-hour time; which time did you mean?`);
    hour = (hour % 12) + (pm ? 12 : 0);
    return { hour, minute };
  }
  if (hour > 23) throw new Ambiguity(`"${raw}" is not a time of day (hours go up to 23); which time did you mean?`);
  if (hour === 0 || hour >= 13 || hourText.startsWith("0")) return { hour, minute };
  if (context.pmHint && hour < 12) {
    assumed.push(`"${raw}" read as ${hm(hour + 12, minute)} (the text says afternoon/evening)`);
    return { hour: hour + 12, minute };
  }
  if (context.amHint && hour < 12) {
    assumed.push(`"${raw}" read as ${hm(hour, minute)} (the text says morning)`);
    return { hour, minute };
  }
  if (hour === 12) {
    assumed.push(`"${raw}" read as ${hm(12, minute)} (noon)`);
    return { hour, minute };
  }
  if (hour >= 7) {
    assumed.push(`"${raw}" read as ${hm(hour, minute)}`);
    return { hour, minute };
  }
  throw new Ambiguity(`"${raw}": ${hm(hour, minute)} in the morning or ${hm(hour + 12, minute)} in the afternoon/evening?`);
}

const PERIODS: Array<[RegExp, Time, string]> = [
  [
    /\b(?:first thing in the morning|first thing|start of (?:the )?(?:work ?|business )?day|beginning of (?:the )?day)\b/,
    { hour: 9, minute: 0 },
    "09:00",
  ],
  [/\b(?:end of (?:the )?(?:work ?|business )?day|eod|close of business|cob)\b/, { hour: 17, minute: 0 }, "17:00"],
  [/\blunch ?time\b|\bat lunch\b/, { hour: 12, minute: 0 }, "12:00"],
  [/\b(?:mornings?)\b/, { hour: 9, minute: 0 }, "09:00"],
  [/\b(?:afternoons?)\b/, { hour: 14, minute: 0 }, "14:00"],
  [/\b(?:evenings?)\b/, { hour: 18, minute: 0 }, "18:00"],
  [/\b(?:tonight|nights?|nightly)\b/, { hour: 21, minute: 0 }, "21:00"],
];

/** Reads every time of day in the text (lists too: "at 9am and 5pm", "at 9, 13 and 17"). */
function readTimes(w: Words, assumed: string[]): { times: Time[]; period: Time | null } {
  const times: Time[] = [];
  const context = {
    pmHint: /\b(?:afternoons?|evenings?|tonight|nights?|pm)\b/.test(w.text) && !/\bam\b/.test(w.text),
    amHint: /\bmornings?\b/.test(w.text) && !/\bpm\b/.test(w.text),
  };
  const add = (t: Time) => {
    if (!times.some((x) => x.hour === t.hour && x.minute === t.minute)) times.push(t);
  };
  for (const m of w.takeAll(/\b(?:at )?(noon|midday|midnight)\b/)) {
    add({ hour: m[1] === "midnight" ? 0 : 12, minute: 0 });
  }
  // quarter past 8, half past 8, quarter to 9, 20 past 8, 10 to 9
  for (const m of w.takeAll(
    new RegExp(`\\b(?:at )?(a quarter|quarter|half|\\d{1,2}) (past|after|to) (\\d{1,2}|noon|midnight)${MERIDIEM}${QUALIFIER}`),
  )) {
    const offset = m[1]!.includes("quarter") ? 15 : m[1] === "half" ? 30 : Number(m[1]);
    if (offset >= 60 || (m[2] === "to" && m[1] === "half"))
      throw new Ambiguity(`"${m[0].trim()}" is not a time of day; which time did you mean?`);
    const base =
      m[3] === "noon"
        ? { hour: 12, minute: 0 }
        : m[3] === "midnight"
          ? { hour: 0, minute: 0 }
          : clockTime(m[3]!, undefined, m[4], m[5], m[0].trim(), assumed, context);
    let minutes = base.hour * 60 + (m[2] === "to" ? -offset : offset);
    minutes = (minutes + 24 * 60) % (24 * 60);
    const t = { hour: Math.floor(minutes / 60), minute: minutes % 60 };
    if (!m[4] && !m[5] && m[3] !== "noon" && m[3] !== "midnight") {
      const last = assumed.pop(); // replace the hour's note with one about the whole phrase
      if (last) assumed.push(`"${m[0].trim()}" read as ${hm(t.hour, t.minute)}`);
    }
    add(t);
  }
  // lists after "at": at 9am and 5pm / at 9, 13 and 17 / at 09:30
  const one = `(?:\\d{1,2}(?:[:.h]\\d{2})?(?:\\s?(?:am|pm|a|p)\\b)?(?:\\s?o'clock)?)`;
  for (const m of w.takeAll(new RegExp(`\\b(?:at|@) (${one}(?:(?:\\s?,\\s?|\\s(?:and|&)\\s)${one})*)${QUALIFIER}(?=\\s|$|,)`))) {
    const qualifier = m[2];
    for (const piece of m[1]!.split(/\s?,\s?|\s(?:and|&)\s/)) {
      const p = new RegExp(`^${CLOCK}$`).exec(piece.trim());
      if (!p) continue;
      if (!p[2] && !p[3] && /^\d{4}$/.test(piece.trim())) continue;
      add(clockTime(p[1]!, p[2], p[3], p[4] ?? qualifier, piece.trim(), assumed, context));
    }
  }
  // "at 0900" / "0900 hours" (never a bare four-digit number: that may be a year)
  for (const m of w.takeAll(/\bat ([01]\d|2[0-3])([0-5]\d)\b|\b([01]\d|2[0-3])([0-5]\d) (?:hours|hrs)\b/)) {
    add({ hour: Number(m[1] ?? m[3]), minute: Number(m[2] ?? m[4]) });
  }
  // bare forms with a meridiem, colon or o'clock: 9am, 17:30, 5 pm, 8 o'clock
  for (const m of w.takeAll(new RegExp(`\\b(\\d{1,2})(?:([:.h])(\\d{2}))?(\\s?(?:am|pm)\\b|\\s?o'clock)${QUALIFIER}`))) {
    const mer = /am|pm/.exec(m[4] ?? "")?.[0];
    add(clockTime(m[1]!, m[3], mer, m[5], m[0].trim(), assumed, context));
  }
  for (const m of w.takeAll(/\b(\d{1,2})[:h](\d{2})\b(?: hours| hrs)?/)) {
    add(clockTime(m[1]!, m[2], undefined, undefined, m[0].trim(), assumed, context));
  }
  let period: Time | null = null;
  for (const [re, time, label] of PERIODS) {
    const m = w.take(re);
    if (!m) continue;
    if (times.length === 0 && !period) {
      period = time;
      assumed.push(`"${m[0].trim()}" read as ${label}`);
    }
  }
  return { times, period };
}

// ---------------------------------------------------------------------------------------------------------------
// Zones and counts
// ---------------------------------------------------------------------------------------------------------------

function readZone(w: Words, assumed: string[]): string | null {
  const index = zones();
  const iana = w.peek(/\b([a-z]+(?:[_-][a-z]+)*\/[a-z_-]+(?:\/[a-z_-]+)?)\b/);
  if (iana && index.has(iana[1]!)) {
    w.take(/\b([a-z]+(?:[_-][a-z]+)*\/[a-z_-]+(?:\/[a-z_-]+)?)\b(?: time)?/);
    return index.get(iana[1]!)!;
  }
  // "<place> time", "in <place>", "<zone abbreviation>" — longest names first
  const names = [...index.keys()].filter((n) => !n.includes("/")).sort((a, b) => b.length - a.length);
  for (const name of names) {
    if (!w.rest.includes(name)) continue;
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const zone = index.get(name)!;
    const isAbbreviation = Object.hasOwn(ZONE_ALIASES, name) && /^[a-z]{3,4}$/.test(name) && !WORD_ZONES.has(name);
    const patterns = [
      new RegExp(`\\b(?:in )?${esc}(?: standard| daylight)? time\\b`),
      new RegExp(`\\b(?:in|for) ${esc}\\b(?! (?:and|&))`),
      ...(isAbbreviation ? [new RegExp(`\\b${esc}\\b`)] : []),
      ...(WORD_ZONES.has(name) ? [new RegExp(`(?<=(?:\\d|am|pm) )${esc}\\b`)] : []),
    ];
    for (const re of patterns) {
      const m = w.take(re);
      if (m) {
        assumed.push(`"${m[0].trim()}" read as the zone ${zone}`);
        return zone;
      }
    }
  }
  return null;
}

type Limit =
  | { kind: "times"; n: number; twice?: boolean }
  | { kind: "window"; n: number; unit: "minute" | "hour" | "day" | "week" | "month" }
  | { kind: "until"; end: Date; text: string };

function readLimit(w: Words, now: Date, timezone: string): Limit | null {
  const window = w.take(/\bfor (?:the )?(?:next |coming )?(\d+) (minute|hour|day|week|month)s?\b/);
  if (window) return { kind: "window", n: Number(window[1]), unit: window[2] as "day" };
  const times = w.take(/\b(?:(\d+) times|twice)(?! (?:a|per|an|each) )\b(?: only| in total| total)?/);
  if (times) return { kind: "times", n: times[1] ? Number(times[1]) : 2, twice: !times[1] && !/only|total/.test(times[0]) };
  const endOf = w.take(new RegExp(`\\b(?:until|till|through|up to) (?:the )?end of (?:(${MONTH})|(?:this |the )?(month|year))\\b`));
  if (endOf) {
    const t = zonedTime(now, timezone);
    const month = endOf[1] ? monthOf(endOf[1]) : endOf[2] === "year" ? 12 : t.month;
    const year = month < t.month ? t.year + 1 : t.year;
    const end = zonedInstant({ year, month: month + 1, day: 1, hour: 0, minute: 0 }, timezone);
    return { kind: "until", end: new Date(end.getTime() - 1), text: endOf[0].trim() };
  }
  const until = w.peek(/\b(?:until|till|til|through|ending|ends?|up to and including|up to)\b/);
  if (until) {
    const tz = timezone;
    const after = w.rest.slice(until.index + until[0].length);
    const found = chrono.parse(after, { instant: now, timezone: offsetMinutes(tz, now) }, { forwardDate: true })[0];
    if (found && after.slice(0, found.index).trim() === "") {
      if (new RegExp(`^${MONTH}$`).test(found.text.trim())) {
        throw new Ambiguity(`"${until[0]} ${found.text.trim()}" — until the start or the end of ${found.text.trim()}?`);
      }
      const c = found.start;
      const certainTime = c.isCertain("hour");
      const end = zonedInstant(
        {
          year: c.get("year")!,
          month: c.get("month")!,
          day: c.get("day")! + (certainTime ? 0 : 1),
          hour: certainTime ? c.get("hour")! : 0,
          minute: certainTime ? (c.get("minute") ?? 0) : 0,
        },
        tz,
      );
      const text = `${until[0]}${after.slice(0, found.index + found.text.length)}`;
      w.use(until.index, text.length);
      return { kind: "until", end: certainTime ? end : new Date(end.getTime() - 1), text: text.trim() };
    }
  }
  return null;
}

/** "starting tomorrow", "beginning April 1", "as of next week": the first day a repeating schedule may run. */
function readStart(w: Words, now: Date, timezone: string, assumed: string[]): Date | null {
  const start = w.peek(/\b(?:starting|beginning|commencing|as of|effective)(?: on| from)?\b/);
  if (!start) return null;
  const after = w.rest.slice(start.index + start[0].length);
  const found = chrono.parse(after, { instant: now, timezone: offsetMinutes(timezone, now) }, { forwardDate: true })[0];
  if (!found || after.slice(0, found.index).trim() !== "" || !ONE_OFF_DATE.test(found.text)) return null;
  const c = found.start;
  const today = zonedTime(now, timezone);
  // "next week" starts on its Monday, "next month" on its 1st (chrono reads them as a week / a month from today)
  const date = /\bnext week\b/.test(found.text)
    ? { year: today.year, month: today.month, day: today.day + ((8 - today.weekday) % 7 || 7) }
    : /\bnext month\b/.test(found.text)
      ? { year: today.year, month: today.month + 1, day: 1 }
      : { year: c.get("year")!, month: c.get("month")!, day: c.get("day")! };
  const at = zonedInstant({ ...date, hour: 0, minute: 0 }, timezone);
  const text = `${start[0]}${after.slice(0, found.index + found.text.length)}`;
  w.use(start.index, text.length);
  const wall = zonedTime(at, timezone);
  assumed.push(`"${text.trim()}" read as from ${wall.year}-${pad2(wall.month)}-${pad2(wall.day)}`);
  return at;
}

function offsetMinutes(timezone: string, at: Date): number {
  const t = zonedTime(at, timezone);
  return Math.round((Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

// ---------------------------------------------------------------------------------------------------------------
// Recurrences
// ---------------------------------------------------------------------------------------------------------------

type Recurrence =
  | { kind: "days"; days: number[] } // every day / weekdays / Mondays and Thursdays
  | { kind: "interval"; minutes: number; offset: number | null; days: number[] } // every N minutes/hours
  | { kind: "monthdays"; days: Array<number | "L"> } // the 1st and 15th / the last day
  | { kind: "nth"; weekday: number; nth: number } // first Monday / last Friday of the month
  | { kind: "quarterly"; day: number | "L"; months: number[] }
  | { kind: "yearly"; month: number; day: number };

const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];

function readDays(w: Words, assumed: string[]): { days: number[]; perDay?: number } | null {
  if (
    w.take(
      /(?<!(?:except|excluding|not|than|but|from) (?:on )?)\b(?:every |each |on |all )?(?:week ?days?|work ?days?|working days?|business days?)\b|\bmon(?:day)?s?(?: ?- ?| to | through | thru | until )fri(?:day)?s?\b/,
    )
  ) {
    return { days: [1, 2, 3, 4, 5] };
  }
  if (w.take(/(?<!(?:except|excluding|not|than|but|from) (?:on )?)\b(?:every |each |on |at |on the )?week ?ends?\b/))
    return { days: [0, 6] };
  if (w.take(/\b(?:every ?day|each day|daily|every single day|day after day|every 24 hours|once a day)\b/)) {
    return { days: ALL_DAYS };
  }
  const range = w.take(new RegExp(`\\b(?:every |each |on )?(${DAY})(?: ?- ?| to | through | thru )(${DAY})\\b`));
  if (range) {
    const from = dayOf(range[1]!);
    const to = dayOf(range[2]!);
    const days: number[] = [];
    for (let d = from; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === to || days.length > 7) break;
    }
    return { days: days.sort((a, b) => a - b) };
  }
  const list = w.peek(
    new RegExp(
      `\\b(every |each |on |on every )?(?:the )?(${DAY}(?:(?:\\s?,\\s?|\\s?,?\\s(?:and|&|or)\\s|\\s?/\\s?)(?:every |on )?${DAY})*)\\b`,
    ),
  );
  if (list) {
    const words = list[2]!.split(/\s?,\s?|\s(?:and|&|or)\s|\s?\/\s?|\s/).filter((x) => x && !/^(?:every|on|and|or|&)$/.test(x));
    const days = [...new Set(words.map(dayOf).filter((d) => d >= 0))].sort();
    const plural = words.some((x) => /s$/.test(x) && !/^(?:tues|thurs)$/.test(x));
    const every = /every|each/.test(list[1] ?? "");
    const weekly = w.peek(/\b(?:every|each|once a|per) week\b|\bweekly\b/) !== null;
    if (!every && !plural && !weekly) return null; // "on Monday at 9": one date (chrono reads it)
    w.use(list.index, list[0].length);
    return { days };
  }
  const every = w.peek(/\b(?:every|each) (morning|afternoon|evening|night)s?\b|\b(nightly)\b/);
  if (every) {
    // "every" makes it a daily schedule; the period itself (morning → 09:00) is left for readTimes
    w.use(every.index, every[0].indexOf(every[1] ?? every[2]!));
    assumed.push(`"${every[0]}" read as every day`);
    return { days: ALL_DAYS };
  }
  const perDay = w.take(/\b(?:twice|(\d+) times) (?:a|per|each) day\b/);
  if (perDay) return { days: ALL_DAYS, perDay: perDay[1] ? Number(perDay[1]) : 2 };
  return null;
}

function except(w: Words, days: number[]): number[] {
  const m = w.take(
    new RegExp(
      `\\b(?:except|but not|excluding|apart from|other than|not on)(?: on)? (${DAY}(?:(?:\\s?,\\s?|\\s(?:and|or|&)\\s)${DAY})*|week ?ends?|week ?days?)\\b`,
    ),
  );
  if (!m) return days;
  const text = m[1]!;
  const removed = /week ?ends?/.test(text)
    ? [0, 6]
    : /week ?days?/.test(text)
      ? [1, 2, 3, 4, 5]
      : text.split(/\s?,\s?|\s(?:and|or|&)\s/).map(dayOf);
  return days.filter((d) => !removed.includes(d));
}

function readWindow(w: Words, assumed: string[]): { from: Time; to: Time } | null {
  if (w.take(/\b(?:during|in|within) (?:business|working|office|work) hours\b/)) {
    assumed.push(`"business hours" read as 09:00-17:00`);
    return { from: { hour: 9, minute: 0 }, to: { hour: 17, minute: 0 } };
  }
  const m = w.take(
    /\b(?:from|between) (\d{1,2})(?:[:.](\d{2}))?\s?(am|pm)? (?:to|until|till|and|-) (\d{1,2})(?:[:.](\d{2}))?\s?(am|pm)?\b|(?<![-\d/.:])\b(\d{1,2})(?:[:.](\d{2}))?\s?(am|pm)?\s?-\s?(\d{1,2})(?:[:.](\d{2}))?\s?(am|pm)?\b(?![-\d/]| ?(?:days?|weeks?|months?))/,
  );
  if (!m) return null;
  const g = m[1] ? m.slice(1, 7) : m.slice(7, 13);
  const notes: string[] = [];
  const ctx = { pmHint: false, amHint: false };
  const from = g[2] || Number(g[0]) >= 7 || Number(g[0]) === 0 ? clockTime(g[0]!, g[1], g[2], undefined, g[0]!, notes, ctx) : null;
  if (!from) throw new Ambiguity(`"${m[0].trim()}": starting at ${g[0]} in the morning or in the afternoon?`);
  let to: Time;
  if (g[5]) to = clockTime(g[3]!, g[4], g[5], undefined, g[3]!, notes, ctx);
  else {
    const h = Number(g[3]);
    if (h > 23 || Number(g[4] ?? 0) > 59) throw new Ambiguity(`"${m[0].trim()}" is not a range of hours; from when to when?`);
    to = { hour: h, minute: Number(g[4] ?? 0) };
    if (h <= 12 && to.hour * 60 + to.minute <= from.hour * 60 + from.minute) {
      to = { hour: h + 12, minute: to.minute };
      notes.push(`"${g[3]}" read as ${hm(to.hour, to.minute)} (the end of the range)`);
    }
  }
  assumed.push(...notes);
  if (to.hour * 60 + to.minute <= from.hour * 60 + from.minute)
    throw new Ambiguity(`"${m[0].trim()}": the range ends before it starts; from when to when?`);
  return { from, to };
}

function readInterval(w: Words): { minutes: number; offset: number | null } | null {
  const seconds = w.take(/\b(?:every|each) (?:(\d+) )?(?:seconds?|secs?|s)\b/);
  if (seconds)
    throw new Refused(
      "too_frequent",
      `"${seconds[0]}" is more often than the minimum interval between runs (SCHEDULE_MIN_INTERVAL_SECONDS)`,
    );
  const hourly = w.take(/\b(?:every|each) (?:single )?hour\b|\bhourly\b|\bonce an hour\b|\bonce per hour\b/);
  const n = hourly ? null : w.take(/\b(?:every|each) (\d+|half an?|half|quarter(?: of an?)?)\s?(minutes?|mins?|m|hours?|hrs?|h)\b/);
  const minuteOnly = hourly || n ? null : w.take(/\b(?:every|each) minute\b/);
  if (!hourly && !n && !minuteOnly) return null;
  let minutes = 60;
  if (n) {
    const amount = /^half/.test(n[1]!) ? 0.5 : /^quarter/.test(n[1]!) ? 0.25 : Number(n[1]);
    minutes = Math.round(amount * (/^h/.test(n[2]!) ? 60 : 1));
  } else if (minuteOnly) minutes = 1;
  let offset: number | null = null;
  const at = w.take(
    /\b(?:at|on) (?::(\d{2})|(\d{1,2}) (?:minutes )?past(?: the hour)?|(?:a )?quarter past(?: the hour)?|half past(?: the hour)?|the half hour|the hour)\b/,
  );
  if (at) {
    offset = at[1] ? Number(at[1]) : at[2] ? Number(at[2]) : /quarter/.test(at[0]) ? 15 : /half/.test(at[0]) ? 30 : 0;
    if (offset > 59) throw new Ambiguity(`"${at[0]}": minutes past the hour go up to 59; at which minute?`);
  }
  return { minutes, offset };
}

function readMonthly(w: Words, assumed: string[]): Recurrence | null {
  const monthWord = "(?:of )?(?:every|each|the|a) month|monthly|every month|each month|a month|per month|of the month";
  // first Monday of the month / every last Friday / the 2nd Tuesday monthly
  const nth = w.take(
    new RegExp(
      `\\b(?:on )?(?:every |each )?(?:the )?(${ORDINAL}) (${DAY}|weekday|working day|business day|work ?day|day)(?: (?:${monthWord}))?\\b`,
    ),
  );
  if (nth) {
    const n = ORDINALS[nth[1]!]!;
    const what = nth[2]!;
    const hasMonth =
      new RegExp(`\\b(?:${monthWord})\\b`).test(nth[0]) ||
      w.take(new RegExp(`\\b(?:${monthWord})\\b`)) !== null ||
      /every|each/.test(nth[0]);
    if (/quarter/.test(w.rest)) return null; // "first day of every quarter": quarterly reads it
    if (!hasMonth) {
      throw new Ambiguity(`"${nth[0].trim()}" — of every month, or one date?`);
    }
    if (/weekday|working|business|work/.test(what)) {
      throw new Refused(
        "unsupported",
        `"${nth[0].trim()}" (the ${nth[1]} working day of the month) cannot be expressed exactly by the calendar; say e.g. "the first Monday of the month" or "the 1st of every month"`,
      );
    }
    if (what === "day") {
      if (n === -1) return { kind: "monthdays", days: ["L"] };
      return { kind: "monthdays", days: [n] };
    }
    return { kind: "nth", weekday: dayOf(what), nth: n };
  }
  if (
    w.take(
      new RegExp(
        `\\b(?:at |on )?(?:the )?(?:end|last day) of (?:the |every |each )?month\\b|\\bmonth[- ]end\\b|\\b(?:every|each) month[- ]end\\b`,
      ),
    )
  ) {
    assumed.push(`the end of the month read as its last day`);
    return { kind: "monthdays", days: ["L"] };
  }
  if (w.take(/\b(?:at |on )?(?:the )?(?:start|beginning) of (?:the |every |each )?month\b/)) {
    assumed.push(`the start of the month read as its 1st day`);
    return { kind: "monthdays", days: [1] };
  }
  const dayList = `(\\d{1,2})(?:st|nd|rd|th)?((?:(?:\\s?,\\s?|\\s(?:and|&)\\s)(?:the )?\\d{1,2}(?:st|nd|rd|th)?)*)`;
  const firstOrLast = w.take(new RegExp(`\\b(?:on )?(?:every |each )?(?:the )?(first|1st|last) of (?:every|each|the) month\\b`));
  if (firstOrLast) return { kind: "monthdays", days: [firstOrLast[1] === "last" ? "L" : 1] };
  const withMonth = new RegExp(
    `\\b(?:on )?(?:the |day |every |each )${dayList}(?: day)? (?:${monthWord})\\b|\\b(?:${monthWord}) on (?:the |day )?${dayList}\\b`,
  );
  let m = w.take(withMonth);
  if (!m) {
    const monthly = w.peek(new RegExp(`\\b(?:${monthWord})\\b`));
    const day = monthly
      ? w.peek(new RegExp(`\\b(?:on )?(?:the |day )${dayList}\\b(?! (?:minutes?|hours?|days?|weeks?|months?|times?))`))
      : null;
    if (monthly && day) {
      w.take(new RegExp(`\\b(?:${monthWord})\\b`));
      m = w.take(new RegExp(`\\b(?:on )?(?:the |day )${dayList}\\b`));
    }
  }
  if (m) {
    const first = m[1] ?? m[3];
    const more = m[1] ? m[2] : m[4];
    const days = [first!, ...(more ?? "").split(/\s?,\s?|\s(?:and|&)\s/).map((x) => x.replace(/\D/g, ""))]
      .filter((x) => x !== "")
      .map(Number);
    if (days.some((d) => d < 1 || d > 31)) throw new Ambiguity(`a month has days 1 to 31; which day of the month?`);
    if (days.some((d) => d > 28)) {
      throw new Ambiguity(
        `day ${days.find((d) => d > 28)} does not exist in every month: in shorter months, run on the last day of the month, or skip those months? (say "the last day of the month" or "on the 1st")`,
      );
    }
    return { kind: "monthdays", days: [...new Set(days)].sort((a, b) => a - b) };
  }
  if (w.peek(new RegExp(`\\b(?:every|each) month\\b|\\bmonthly\\b|\\bonce a month\\b`))) {
    w.take(new RegExp(`\\b(?:every|each) month\\b|\\bmonthly\\b|\\bonce a month\\b`));
    throw new Ambiguity(`every month — on which day of the month (e.g. "on the 1st", "on the last Friday")?`);
  }
  return null;
}

function readQuarterly(w: Words, assumed: string[]): Recurrence | null {
  const q = w.take(
    /\b(?:quarterly|(?:every|each|once a|per) quarter|(?:(?:at the |the )?(?:start|beginning|end) of|of) (?:every|each|the) quarter)\b/,
  );
  if (!q) return null;
  const endOf =
    /end/.test(q[0]) ||
    w.take(/\b(?:at the )?end of (?:every|each|the) quarter\b|\b(?:on )?the last day(?: of (?:every|each|the) quarter)?\b/) !== null;
  if (endOf) {
    assumed.push(`quarterly read as the last day of March, June, September and December`);
    return { kind: "quarterly", day: "L", months: [3, 6, 9, 12] };
  }
  const day = w.take(/\b(?:on )?(?:the |day )(\d{1,2})(?:st|nd|rd|th)?\b(?: day)?(?: of (?:every|each|the) quarter)?/);
  const first = day
    ? null
    : w.take(
        /\b(?:on )?the (?:first|1st) day(?: of (?:every|each|the) quarter)?\b|\b(?:at the )?(?:start|beginning) of (?:every|each|the) quarter\b/,
      );
  const d = day ? Number(day[1]) : 1;
  if (d < 1 || d > 28) throw new Ambiguity(`every quarter on day ${d}: not every month has it; which day (1-28, or "the last day")?`);
  assumed.push(`quarterly read as ${first || day ? "" : "the 1st of "}January, April, July and October${day ? ` on day ${d}` : ""}`);
  return { kind: "quarterly", day: d, months: [1, 4, 7, 10] };
}

function readYearly(w: Words): Recurrence | null {
  const yearWord = /\b(?:every|each|once a|per) year\b|\byearly\b|\bannually\b|\bannual\b|\bevery anniversary\b/;
  const date = new RegExp(
    `\\b(?:on )?(?:the )?(?:(${MONTH}) (\\d{1,2})(?:st|nd|rd|th)?|(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(${MONTH}))\\b(?! \\d{4})`,
  );
  const everyDate = new RegExp(
    `\\b(?:every|each) (?:(${MONTH}) (\\d{1,2})(?:st|nd|rd|th)?|(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(${MONTH}))\\b`,
  );
  let m = w.take(everyDate);
  if (!m && w.peek(yearWord)) {
    w.take(yearWord);
    m = w.take(date);
    if (!m) throw new Ambiguity(`every year — on which date (e.g. "every year on March 3rd")?`);
  }
  if (!m) return null;
  const month = monthOf(m[1] ?? m[4]!);
  const day = Number(m[2] ?? m[3]);
  const length = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day < 1 || day > length) throw new Refused("never_runs", `${DAY_MONTH(month)} has no day ${day}; this schedule would never run`);
  return { kind: "yearly", month, day };
}
const DAY_MONTH = (m: number) =>
  ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][m - 1]!;

// ---------------------------------------------------------------------------------------------------------------
// Building the spec
// ---------------------------------------------------------------------------------------------------------------

/** "1,2,3,4,5" → "1-5" (cron's shorter form; runs of 3 or more). */
function cronList(values: number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(","));
    i = j + 1;
  }
  return parts.join(",");
}

/** The minute and hour fields of a set of times; null when they are not one product (09:30 and 17:00). */
function timeFields(times: Time[]): { minute: string; hour: string } | null {
  const minutes = [...new Set(times.map((t) => t.minute))];
  const hours = [...new Set(times.map((t) => t.hour))];
  if (minutes.length * hours.length !== times.length) return null;
  return { minute: cronList(minutes), hour: cronList(hours) };
}

/** The first instant after `now` with the wall clock `time` on a day matching `dayOk` (searching 400 days). */
function nextWallTime(now: Date, timezone: string, time: Time, dayOk: (t: ZonedTime & { weekday: number }) => boolean): Date | null {
  const today = zonedTime(now, timezone);
  for (let i = 0; i < 400; i++) {
    const probe = zonedInstant({ year: today.year, month: today.month, day: today.day + i, hour: 12, minute: 0 }, timezone);
    const day = zonedTime(probe, timezone);
    if (!dayOk(day)) continue;
    const at = zonedInstant({ year: day.year, month: day.month, day: day.day, hour: time.hour, minute: time.minute }, timezone);
    if (at.getTime() > now.getTime()) return at;
  }
  return null;
}

/** A daily/weekly/monthly anchored at its first run, when the anchor keeps the wall time (not in a DST gap). */
function anchoredSpec(type: "daily" | "weekly" | "monthly", at: Date | null, time: Time, timezone: string): ScheduleSpec | null {
  if (!at) return null;
  const wall = zonedTime(at, timezone);
  if (wall.hour !== time.hour || wall.minute !== time.minute) return null; // in a spring-forward gap: cron keeps the wall time
  return { scheduleType: type, scheduledAt: at, cronExpression: null, timezone };
}

function cronSpec(expression: string, timezone: string): ScheduleSpec {
  return { scheduleType: "cron", scheduledAt: null, cronExpression: expression, timezone };
}

function recurringSpec(
  rec: Exclude<Recurrence, { kind: "interval" }>,
  times: Time[],
  timezone: string,
  now: Date,
  assumed: string[],
): ScheduleSpec {
  const fields = timeFields(times);
  if (!fields) {
    throw new Ambiguity(
      `the times ${times.map((t) => hm(t.hour, t.minute)).join(" and ")} have different minutes, which one schedule cannot hold; which time (or save two schedules)?`,
    );
  }
  const single = times.length === 1 ? times[0]! : null;
  switch (rec.kind) {
    case "days": {
      if (single && rec.days.length === 7) {
        const spec = anchoredSpec(
          "daily",
          nextWallTime(now, timezone, single, () => true),
          single,
          timezone,
        );
        if (spec) return spec;
      }
      if (single && rec.days.length === 1) {
        const spec = anchoredSpec(
          "weekly",
          nextWallTime(now, timezone, single, (d) => d.weekday === rec.days[0]),
          single,
          timezone,
        );
        if (spec) return spec;
      }
      return cronSpec(`${fields.minute} ${fields.hour} * * ${rec.days.length === 7 ? "*" : cronList(rec.days)}`, timezone);
    }
    case "monthdays": {
      const only = rec.days.length === 1 ? rec.days[0] : undefined;
      if (single && typeof only === "number") {
        const spec = anchoredSpec(
          "monthly",
          nextWallTime(now, timezone, single, (d) => d.day === only),
          single,
          timezone,
        );
        if (spec) return spec;
      }
      return cronSpec(`${fields.minute} ${fields.hour} ${rec.days.map(String).join(",")} * *`, timezone);
    }
    case "nth":
      return cronSpec(`${fields.minute} ${fields.hour} * * ${rec.weekday}${rec.nth === -1 ? "L" : `#${rec.nth}`}`, timezone);
    case "quarterly":
      return cronSpec(`${fields.minute} ${fields.hour} ${rec.day} ${rec.months.join(",")} *`, timezone);
    case "yearly":
      if (rec.month === 2 && rec.day === 29) assumed.push(`February 29th exists only in leap years: it runs every four years`);
      return cronSpec(`${fields.minute} ${fields.hour} ${rec.day} ${rec.month} *`, timezone);
  }
}

function intervalSpec(
  rec: { minutes: number; offset: number | null; days: number[] },
  window: { from: Time; to: Time } | null,
  timezone: string,
  assumed: string[],
  minIntervalSeconds: number,
): ScheduleSpec {
  const days = rec.days.length === 7 ? "*" : cronList(rec.days);
  const { minutes } = rec;
  if (minutes * 60 < minIntervalSeconds) {
    throw new Refused(
      "too_frequent",
      `every ${minutes} minute${minutes === 1 ? "" : "s"} is more often than the minimum interval between runs (${minIntervalSeconds / 60} minutes, SCHEDULE_MIN_INTERVAL_SECONDS)`,
    );
  }
  if (window && (window.from.minute !== 0 || window.to.minute !== 0)) {
    throw new Ambiguity(
      `a range of hours with minutes (${hm(window.from.hour, window.from.minute)}-${hm(window.to.hour, window.to.minute)}) cannot be repeated exactly; from which whole hour to which?`,
    );
  }
  if (minutes < 60) {
    if (60 % minutes !== 0) {
      throw new Refused(
        "unsupported",
        `every ${minutes} minutes does not divide an hour, so the calendar cannot repeat it exactly; choose 5, 10, 15, 20, 30 or 60 minutes`,
      );
    }
    if (rec.offset !== null) throw new Ambiguity(`every ${minutes} minutes, at which minutes past the hour?`);
    const minute = minutes === 1 ? "*" : `*/${minutes}`;
    if (!window) return cronSpec(`${minute} * * * ${days}`, timezone);
    const last = window.to.hour - 1;
    assumed.push(
      `runs from ${hm(window.from.hour, 0)}; the last run is at ${hm(last, 60 - minutes)} (a run at ${hm(window.to.hour, 0)} would start a new hour)`,
    );
    return cronSpec(`${minute} ${window.from.hour === last ? last : `${window.from.hour}-${last}`} * * ${days}`, timezone);
  }
  if (minutes % 60 !== 0) {
    throw new Refused(
      "unsupported",
      `every ${minutes} minutes is not a whole number of hours, so the calendar cannot repeat it exactly; choose a number of hours or minutes that divides an hour`,
    );
  }
  const hours = minutes / 60;
  const minute = rec.offset ?? 0;
  if (rec.offset === null && hours > 0) assumed.push(`on the hour (minute 00)`);
  if (hours >= 24) throw new Ambiguity(`every ${hours} hours: did you mean every day (at which time)?`);
  if (window) {
    const step = hours === 1 ? "" : `/${hours}`;
    return cronSpec(`${minute} ${window.from.hour}-${window.to.hour}${step} * * ${days}`, timezone);
  }
  if (24 % hours !== 0)
    assumed.push(
      `every ${hours} hours counted from midnight each day (00:00, ${hm(hours, minute)}, …); the count starts again at midnight`,
    );
  else if (hours > 1) assumed.push(`every ${hours} hours counted from midnight (00:${pad2(minute)}, ${hm(hours, minute)}, …)`);
  return cronSpec(`${minute} ${hours === 1 ? "*" : `*/${hours}`} * * ${days}`, timezone);
}

// ---------------------------------------------------------------------------------------------------------------
// One-off dates (chrono-node)
// ---------------------------------------------------------------------------------------------------------------

const ONE_OFF_DATE = new RegExp(`\\d|\\b(?:today|tomorrow|tonight|yesterday|next|${DAY}|${MONTH})\\b`);

function oneOff(
  w: Words,
  times: Time[],
  period: Time | null,
  timezone: string,
  now: Date,
  assumed: string[],
  mode: "strict" | "extract",
): Date {
  if (times.length > 1)
    throw new Ambiguity(`one run at ${times.map((t) => hm(t.hour, t.minute)).join(" or ")}? Say "every day at …" for a daily schedule`);
  // in 3 hours / in 20 minutes / in 2 days / in a week
  const rel = w.take(
    /\b(?:in|after) (\d+|half an?|an?) (minute|min|hour|hr|day|week)s?\b(?: from now)?|\b(\d+) (minute|min|hour|hr|day|week)s? from now\b/,
  );
  if (rel) {
    const amountText = rel[1] ?? rel[3]!;
    const unit = (rel[2] ?? rel[4]!).replace(/^min$/, "minute").replace(/^hr$/, "hour");
    const amount = /^half/.test(amountText) ? 0.5 : /^an?$/.test(amountText) ? 1 : Number(amountText);
    if (unit === "minute" || unit === "hour") {
      if (times.length || period) throw new Ambiguity(`"${rel[0]}" and a time of day: which one?`);
      return new Date(now.getTime() + Math.round(amount * (unit === "hour" ? 60 : 1)) * 60_000);
    }
    const today = zonedTime(now, timezone);
    const time = times[0] ?? period ?? { hour: today.hour, minute: today.minute };
    if (!times[0] && !period) assumed.push(`"${rel[0]}" read as the same time of day as now (${hm(today.hour, today.minute)})`);
    return zonedInstant(
      { year: today.year, month: today.month, day: today.day + amount * (unit === "week" ? 7 : 1), hour: time.hour, minute: time.minute },
      timezone,
    );
  }
  const slash = w.peek(/\b(\d{1,2})\/(\d{1,2})(?:\/\d{2,4})?\b/);
  if (slash && Number(slash[1]) <= 12 && Number(slash[2]) <= 12 && slash[1] !== slash[2]) {
    const [a, b] = [Number(slash[1]), Number(slash[2])];
    throw new Ambiguity(`"${slash[0]}": ${DAY_MONTH(a)} ${b} or ${a} ${DAY_MONTH(b)}? Write the month as a word (e.g. "March 4")`);
  }
  const reference = { instant: now, timezone: offsetMinutes(timezone, now) };
  // chrono reads blanked-out (already read) words as runs of spaces badly: give it one space each, and map back
  const map: number[] = [];
  let squeezed = "";
  for (let i = 0; i < w.rest.length; i++) {
    if (w.rest[i] === " " && squeezed.endsWith(" ")) continue;
    squeezed += w.rest[i];
    map.push(i);
  }
  const results = chrono
    .parse(squeezed, reference, { forwardDate: true })
    .map((r) => Object.assign(r, { index: map[r.index]!, text: w.rest.slice(map[r.index], map[r.index + r.text.length - 1]! + 1) }))
    .filter((r) => !/^\d+ (?:days?|weeks?|months?|years?|hours?|minutes?)$/.test(r.text.trim()))
    // a date needs a day, a month, a number or a relative day word ("the quarter" alone is not one)
    .filter((r) => ONE_OFF_DATE.test(r.text));
  const found = results[0];
  const today = zonedTime(now, timezone);
  if (!found) {
    if (mode === "extract" && !times.length) throw new Ambiguity("no schedule in these words", true);
    const time = times[0] ?? period;
    if (!time) throw new Ambiguity(`when should it run? e.g. "every weekday at 9am", "tomorrow at 8", "in 3 hours"`, true);
    const at = zonedInstant({ ...today, hour: time.hour, minute: time.minute }, timezone);
    if (at.getTime() > now.getTime()) {
      assumed.push(`no date given: today`);
      return at;
    }
    assumed.push(`no date given and ${hm(time.hour, time.minute)} has passed today: tomorrow`);
    return zonedInstant({ ...today, day: today.day + 1, hour: time.hour, minute: time.minute }, timezone);
  }
  const vague = /^(?:next|this|coming) (week|month|year)$/.exec(found.text.trim());
  if (vague) throw new Ambiguity(`"${found.text.trim()}" — on which day?`);
  if (/^(?:right )?now$/.test(found.text.trim())) throw new Ambiguity(`"now" — run it now (executeTask), or at what time?`);
  w.use(found.index, found.text.length);
  const c = found.start;
  let time = times[0] ?? period;
  if (!time && c.isCertain("hour")) {
    const hour = c.get("hour")!;
    if (!c.isCertain("meridiem") && hour >= 1 && hour <= 6)
      throw new Ambiguity(
        `"${found.text}": ${hm(hour, c.get("minute") ?? 0)} in the morning or ${hm(hour + 12, c.get("minute") ?? 0)} in the afternoon/evening?`,
      );
    time = { hour, minute: c.get("minute") ?? 0 };
  }
  if (!time) {
    if (/^(?:today|now|right now|immediately)$/.test(found.text.trim())) throw new Ambiguity(`today — at what time?`);
    time = { hour: 9, minute: 0 };
    assumed.push(`no time given: 09:00`);
  }
  const date = { year: c.get("year")!, month: c.get("month")!, day: c.get("day")! };
  if (!c.isCertain("day") || !c.isCertain("month") || (!c.isCertain("year") && !/today|tomorrow|tonight|yesterday/.test(found.text))) {
    assumed.push(
      `"${found.text.trim()}" read as ${DAY_NAMES[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()]} ${date.year}-${pad2(date.month)}-${pad2(date.day)}`,
    );
  }
  const at = zonedInstant({ ...date, hour: time.hour, minute: time.minute }, timezone);
  const wall = zonedTime(at, timezone);
  if (wall.hour !== time.hour || wall.minute !== time.minute) {
    assumed.push(
      `${hm(time.hour, time.minute)} does not exist on ${date.year}-${pad2(date.month)}-${pad2(date.day)} in ${timezone} (the clocks go forward): it runs at ${hm(wall.hour, wall.minute)}`,
    );
  }
  return at;
}

// ---------------------------------------------------------------------------------------------------------------
// The whole reading
// ---------------------------------------------------------------------------------------------------------------

const FILLER =
  /^(?:at|on|in|the|a|an|and|of|to|for|from|please|run|runs|it|this|that|task|job|schedule|scheduled|me|remind|do|starting|start|beginning|with|by|time|o'clock|should|be|can|you|i|want|need|would|like|let's|lets|is|are|every|each|,|-|&|also|then|just|only|once|so|set|up|make|sure|we|our|my|around|about|sharp|exactly|hours?)$/;
const TIME_ISH =
  /\d|\b(?:sun|mon|tue|wed|thu|fri|sat|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|morning|noon|night|evening|hour|minute|day|week|month|year|quarter|other|second|third|last|first|next|except|but|not|every|each|fortnight|biweekly|bi-weekly|semi|twice|daily|weekly|monthly|yearly|annual|until|till|before|after|am|pm|tomorrow|today|tonight|weekend)/;

interface Reading {
  spec: WordsSpec;
  used: string[];
  assumed: string[];
}

/** Words read at most: a schedule is a short phrase, and chrono's cost grows with the text (~100 ms at 500 characters). */
export const MAX_SCHEDULE_WORDS = 40;

function read(text: string, opts: Required<Omit<WordsOptions, "count">>): Reading {
  let normalised = normalise(text);
  const words = normalised.split(" ");
  if (words.length > MAX_SCHEDULE_WORDS) {
    // a sentence of a conversation: its beginning; a parseSchedule text: ask for the schedule alone
    if (opts.mode === "strict")
      throw new Ambiguity(`that is long for a schedule (${words.length} words); say only when it should run, e.g. "every weekday at 9am"`);
    normalised = words.slice(0, MAX_SCHEDULE_WORDS).join(" ");
  }
  const w = new Words(normalised);
  const assumed: string[] = [];
  let timezone = opts.timezone;
  const zone = readZone(w, assumed);
  if (zone) timezone = zone;

  // "twice a week on Monday and Thursday", "3 times a week": the weekdays must say which
  const perWeek = w.take(/\b(?:twice|(\d+) times) (?:a|per|each) week\b/);
  if (perWeek) {
    w.rest += " weekly"; // read with the weekdays below
    if (!w.peek(new RegExp(DAY))) throw new Ambiguity(`${perWeek[0]} — on which days (e.g. "every Monday and Thursday")?`);
  }
  // things that are never a schedule the calendar can repeat
  const other = w.take(
    /\b(?:every (?:other|2nd|second|alternate|3rd|third) (day|week|month|year)|(?:bi-?weekly|fortnightly|every fortnight|every (\d+) (days|weeks|months|years))|twice a month)\b/,
  );
  if (other) {
    const n = Number(other[2] ?? 0);
    const unit = other[1] ?? other[3] ?? (/month/.test(other[0]) ? "month" : "week");
    if (/twice a month/.test(other[0])) {
      throw new Ambiguity(`twice a month — on which days (e.g. "on the 1st and 15th of every month")?`);
    } else if (n === 1) {
      w.rest = w.rest + ` every ${unit.replace(/s$/, "")}`;
    } else if (/^months?$/.test(unit) && n === 3) {
      w.rest = w.rest + " quarterly";
    } else if (/^months?$/.test(unit) && n === 12) {
      w.rest = w.rest + " every year";
    } else if (/^days?$/.test(unit) && n === 7) {
      throw new Ambiguity(`every 7 days — every week on which day (e.g. "every Monday")?`);
    } else {
      const what = /^days?$/.test(unit) ? "day" : /^weeks?$/.test(unit) ? "week" : /^months?$/.test(unit) ? "month" : "year";
      throw new Ambiguity(
        what === "week"
          ? `"${other[0]}" — starting which week? The calendar repeats weekly, monthly or by cron; every other week needs a start date (e.g. "every Monday", or "on the 1st and 15th of every month")`
          : what === "day"
            ? `"${other[0]}" — starting which day? The calendar cannot repeat every N days exactly; every day, or on given weekdays (e.g. "Monday, Wednesday and Friday")?`
            : `"${other[0]}" — starting which ${what}? Say the ${what === "month" ? 'months (e.g. "on the 1st of January, April, July and October" or "quarterly")' : "date"}`,
      );
    }
  }

  const startAt = readStart(w, opts.now, timezone, assumed);
  /** Repeating schedules are planned from here: now, or the start date the text gives. */
  const from = startAt && startAt.getTime() > opts.now.getTime() ? new Date(startAt.getTime() - 1) : opts.now;
  const limit = readLimit(w, opts.now, timezone);
  const window = readWindow(w, assumed);
  const interval = readInterval(w);
  const quarterly = interval ? null : readQuarterly(w, assumed);
  const monthly = interval || quarterly ? null : readMonthly(w, assumed);
  const yearly = interval || quarterly || monthly ? null : readYearly(w);
  const daySet = quarterly || monthly || yearly ? null : readDays(w, assumed);
  const weeklyWord = w.take(/\b(?:every|each|once a|per) week\b|\bweekly\b/);
  const { times, period } = readTimes(w, assumed);
  const onceWord = w.take(/\b(?:just |only )?(?:once|1 time)\b(?! a )/);

  const days = daySet ? except(w, daySet.days) : ALL_DAYS;
  if (perWeek && days.length !== (perWeek[1] ? Number(perWeek[1]) : 2)) {
    throw new Ambiguity(`${perWeek[0]}, but ${days.length} day${days.length === 1 ? "" : "s"} named — on which days?`);
  }
  if (daySet && days.length === 0)
    throw new Refused("never_runs", `no day is left once the exceptions are removed; this schedule never runs`);
  let rec: Recurrence | null = quarterly ?? monthly ?? yearly;
  if (!rec && interval) rec = { kind: "interval", minutes: interval.minutes, offset: interval.offset, days };
  else if (!rec && daySet) rec = { kind: "days", days };
  else if (!rec && weeklyWord) throw new Ambiguity(`every week — on which day (e.g. "every Monday")?`);
  if (rec && rec.kind !== "interval" && window) {
    throw new Ambiguity(
      `between ${hm(window.from.hour, window.from.minute)} and ${hm(window.to.hour, window.to.minute)} — how often (e.g. "every 2 hours")?`,
    );
  }
  if (!rec && window) rec = { kind: "interval", minutes: 60, offset: null, days };
  if (rec && onceWord && limit === null) throw new Ambiguity(`"once" and a repeating schedule: run it once, or repeat?`);

  let spec: ScheduleSpec;
  if (rec && rec.kind === "interval") {
    if (times.length)
      throw new Ambiguity(
        `every ${rec.minutes >= 60 ? `${rec.minutes / 60} hour(s)` : `${rec.minutes} minutes`} and at ${times.map((t) => hm(t.hour, t.minute)).join(", ")} — which one?`,
      );
    spec = intervalSpec(rec, window, timezone, assumed, opts.minIntervalSeconds);
    if (from !== opts.now) spec = { ...spec, scheduledAt: new Date(from.getTime() + 1) };
  } else if (rec) {
    let at = times;
    if (!at.length) {
      at = [period ?? { hour: 9, minute: 0 }];
      if (!period) assumed.push(`no time given: 09:00`);
    }
    if (daySet?.perDay && times.length !== daySet.perDay) {
      throw new Ambiguity(`${daySet.perDay === 2 ? "twice" : `${daySet.perDay} times`} a day — at which times (e.g. "at 9am and 5pm")?`);
    }
    spec = recurringSpec(rec, at, timezone, from, assumed);
    if (spec.scheduleType === "cron" && from !== opts.now) spec = { ...spec, scheduledAt: new Date(from.getTime() + 1) };
  } else {
    if (startAt) throw new Ambiguity(`starting when — and then how often (e.g. "every day at 9 starting tomorrow")?`);
    const instant = oneOff(w, times, period, timezone, opts.now, assumed, opts.mode);
    if (instant.getTime() <= opts.now.getTime()) {
      const wall = zonedTime(instant, timezone);
      throw new Refused(
        "in_past",
        `${wall.year}-${pad2(wall.month)}-${pad2(wall.day)} ${hm(wall.hour, wall.minute)} (${timezone}) is in the past (now is ${opts.now.toISOString()})`,
      );
    }
    spec = { scheduleType: "once", scheduledAt: instant, cronExpression: null, timezone };
  }

  // Words left over that look like they are about time: never ignored silently.
  const leftover = w
    .leftover()
    .split(" ")
    .filter((t) => t && !FILLER.test(t));
  if (leftover.length && opts.mode === "strict") {
    const timeish = leftover.filter((t) => TIME_ISH.test(t));
    if (timeish.length) throw new Ambiguity(`could not read "${leftover.join(" ")}" — what does it say about when to run?`, true);
    assumed.push(`ignored "${leftover.join(" ")}" (not about when)`);
  }

  let maxExecutions: number | null = null;
  if (limit?.kind === "times") {
    if (spec.scheduleType === "once") {
      if (limit.n !== 1) throw new Ambiguity(`${limit.n} times — how often (e.g. "every day at 9, 3 times")?`);
    } else if (limit.twice) {
      throw new Ambiguity(`"twice" — two runs in all ("twice only"), or twice a day (at which times)?`);
    } else maxExecutions = limit.n;
  } else if (limit && spec.scheduleType !== "once") {
    const end =
      limit.kind === "until"
        ? limit.end.getTime()
        : limit.unit === "month"
          ? (() => {
              const t = zonedTime(from, timezone);
              return zonedInstant({ ...t, month: t.month + limit.n }, timezone).getTime();
            })()
          : from.getTime() + limit.n * { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 }[limit.unit];
    const runs = previewOccurrences(spec, opts.now, 1000).filter((d) => d.getTime() <= end).length;
    if (runs === 0)
      throw new Refused(
        "never_runs",
        `no run falls ${limit.kind === "until" ? `before the end ("${limit.text}")` : `within the next ${limit.n} ${limit.unit}${limit.n === 1 ? "" : "s"}`}; this schedule never runs`,
      );
    if (runs >= 1000) throw new Ambiguity(`that is more than 1000 runs; how many runs in total (e.g. "100 times")?`);
    maxExecutions = runs;
    assumed.push(
      `${limit.kind === "until" ? `"${limit.text}" read as up to ${untilText(limit.end, timezone)},` : `"for the next ${limit.n} ${limit.unit}${limit.n === 1 ? "" : "s"}" read as`} at most ${runs} run${runs === 1 ? "" : "s"}`,
    );
  }
  return { spec: { ...spec, maxExecutions }, used: w.used(), assumed };
}

/** The last instant of an "until": "the end of 2027-03-20" (a whole day) or "2027-03-20 17:00". */
function untilText(end: Date, timezone: string): string {
  const t = zonedTime(new Date(end.getTime() + 1), timezone);
  if (t.hour === 0 && t.minute === 0) {
    const day = zonedTime(end, timezone);
    return `the end of ${day.year}-${pad2(day.month)}-${pad2(day.day)}`;
  }
  const e = zonedTime(end, timezone);
  return `${e.year}-${pad2(e.month)}-${pad2(e.day)} ${hm(e.hour, e.minute)}`;
}

/** How the calendar's refusal of a spec reads as a parse answer. */
function calendarRefusal(err: ScheduleError): { refusal: Refusal; reason: string } {
  if (/minimum interval/.test(err.message)) return { refusal: "too_frequent", reason: err.message };
  if (/never runs/.test(err.message)) return { refusal: "never_runs", reason: err.message };
  if (/in the future/.test(err.message)) return { refusal: "in_past", reason: err.message };
  return { refusal: "unsupported", reason: err.message };
}

/**
 * Judges a spec with the calendar and previews it: the one path for specs from the grammar and from the model.
 * Returns the `ok` or `refused` answer.
 */
export function judge(spec: WordsSpec, opts: { now: Date; minIntervalSeconds: number; count?: number }, common: Common): ParseAnswer {
  try {
    validateSchedule(spec, { now: opts.now, minIntervalSeconds: opts.minIntervalSeconds });
  } catch (err) {
    if (!(err instanceof ScheduleError)) throw err;
    return { ...common, status: "refused", spec, ...calendarRefusal(err) };
  }
  const count = Math.min(
    opts.count ?? 5,
    spec.maxExecutions ?? Number.POSITIVE_INFINITY,
    spec.scheduleType === "once" ? 1 : Number.POSITIVE_INFINITY,
  );
  const occurrences = previewOccurrences(spec, opts.now, count);
  if (occurrences.length === 0) {
    return {
      ...common,
      status: "refused",
      spec,
      refusal: spec.scheduleType === "once" ? "in_past" : "never_runs",
      reason: "this schedule has no run after now",
    };
  }
  return { ...common, status: "ok", spec, description: describeSchedule(spec, { maxExecutions: spec.maxExecutions }), occurrences };
}

/** Reads a schedule from words with the grammar only (no model): see the file comment. */
export function parseScheduleWords(text: string, options: WordsOptions): ParseAnswer {
  const opts = { mode: "strict" as const, ...options };
  const common: Common = { used: [], assumed: [], source: "grammar" };
  if (typeof text !== "string" || text.trim() === "") {
    return {
      ...common,
      status: "ambiguous",
      unreadable: false,
      question: `when should it run? e.g. "every weekday at 9am", "tomorrow at 8", "in 3 hours"`,
    };
  }
  if (text.length > MAX_SCHEDULE_TEXT)
    throw new ParseInputError("text", `text must be at most ${MAX_SCHEDULE_TEXT} characters (got ${text.length})`);
  try {
    validateSchedule(
      { scheduleType: "once", scheduledAt: new Date(opts.now.getTime() + 60_000), cronExpression: null, timezone: opts.timezone },
      { now: opts.now, minIntervalSeconds: 0 },
    );
  } catch (err) {
    if (err instanceof ScheduleError) throw new ParseInputError("timezone", err.message);
    throw err;
  }
  let reading: Reading;
  try {
    reading = read(text, opts);
  } catch (err) {
    if (err instanceof Ambiguity) return { ...common, status: "ambiguous", question: err.question, unreadable: err.unreadable };
    if (err instanceof Refused) return { ...common, status: "refused", refusal: err.refusal, reason: err.reason, spec: null };
    if (err instanceof ScheduleError) return { ...common, status: "refused", spec: null, ...calendarRefusal(err) };
    throw err;
  }
  return judge(reading.spec, opts, { used: reading.used, assumed: reading.assumed, source: "grammar" });
}

/**
 * The schedule a conversation asks for, read from the user's messages (latest first): the first message with a
 * schedule the grammar reads as `ok`, or null. Used offline at export (the model proposes one otherwise).
 */
export function suggestFromMessages(
  messages: Array<{ role: string; content: string }>,
  opts: { timezone: string; now: Date; minIntervalSeconds: number },
): { answer: Extract<ParseAnswer, { status: "ok" }>; words: string } | null {
  const texts = messages.filter((m) => m.role === "user" && typeof m.content === "string").map((m) => m.content);
  let budget = 200; // sentences read at most: a long conversation costs a bounded few hundred milliseconds
  for (const content of texts.reverse()) {
    // latest first, within a message too ("Every Monday at 9. Actually, make it Tuesdays at 10.")
    for (const sentence of content.split(/(?<=[.!?])\s+|\n+/).reverse()) {
      if (
        sentence.length > MAX_SCHEDULE_TEXT ||
        !/\b(?:every|each|daily|weekly|monthly|quarterly|yearly|annually|hourly|nightly|weekdays?|weekends?|(?:mon|tues|wednes|thurs|fri|satur|sun)days|tomorrow|tonight|next|on (?:the )?\d|in \d+ (?:minutes?|hours?|days?))\b/i.test(
          sentence,
        )
      )
        continue;
      if (budget-- <= 0) return null;
      const answer = parseScheduleWords(sentence, { ...opts, mode: "extract" });
      if (answer.status === "ok") return { answer, words: sentence.trim() };
    }
  }
  return null;
}
