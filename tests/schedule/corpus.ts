/**
 * The evaluation corpus of the schedule grammar: phrases people type, with the zone and `now` they are read in, and
 * what must come out — the next run times (never a cron string: any spec with the right runs passes), the refusal,
 * or `ambiguous`. Expected times are written by hand as the local wall clock of `in` (default: the entry's zone),
 * "YYYY-MM-DD HH:MM", or as a UTC instant ending in "Z" where the wall clock does not name one instant (DST gaps
 * and overlaps). They are converted with Intl only, never with src/schedule/calendar.ts.
 */
export type Refusal = "too_frequent" | "in_past" | "never_runs" | "unsupported";

export interface Phrase {
  category: string;
  text: string;
  tz: string;
  now: string;
  /** The first runs, in order. */
  next?: string[];
  /** The zone of local `next` times when the text names another one ("9am Tokyo time"). */
  in?: string;
  /** spec.maxExecutions */
  runs?: number;
  refused?: Refusal;
  ambiguous?: true;
}

const N1 = "2027-03-10T10:00:00Z"; // a Wednesday: 11:00 in Paris, 10:00 in London, 05:00 in New York, 19:00 in Tokyo

const daily: Phrase[] = (
  [
    ["every day at 9", ["2027-03-11 09:00", "2027-03-12 09:00", "2027-03-13 09:00"]],
    ["daily at 14:30", ["2027-03-10 14:30", "2027-03-11 14:30", "2027-03-12 14:30"]],
    ["every day at 9am", ["2027-03-11 09:00", "2027-03-12 09:00"]],
    ["each day at 6pm", ["2027-03-10 18:00", "2027-03-11 18:00", "2027-03-12 18:00"]],
    ["every morning", ["2027-03-11 09:00", "2027-03-12 09:00"]],
    ["every evening at 7", ["2027-03-10 19:00", "2027-03-11 19:00"]],
    ["every night at 11pm", ["2027-03-10 23:00", "2027-03-11 23:00"]],
    ["daily at noon", ["2027-03-10 12:00", "2027-03-11 12:00"]],
    ["every day at midnight", ["2027-03-11 00:00", "2027-03-12 00:00"]],
    ["every day at 8:45", ["2027-03-11 08:45", "2027-03-12 08:45"]],
    ["everyday at 10:15am", ["2027-03-11 10:15", "2027-03-12 10:15"]],
    ["every day at 11:30", ["2027-03-10 11:30", "2027-03-11 11:30"]],
    ["every day at 9am and 5pm", ["2027-03-10 17:00", "2027-03-11 09:00", "2027-03-11 17:00"]],
    ["at 7 every day", ["2027-03-11 07:00", "2027-03-12 07:00"]],
    ["every day at 21:00", ["2027-03-10 21:00", "2027-03-11 21:00"]],
    ["twice a day at 8am and 8pm", ["2027-03-10 20:00", "2027-03-11 08:00", "2027-03-11 20:00"]],
    ["every day except sunday at 7", ["2027-03-11 07:00", "2027-03-12 07:00", "2027-03-13 07:00", "2027-03-15 07:00"]],
    ["daily at 06:00", ["2027-03-11 06:00", "2027-03-12 06:00"]],
    ["Every day at 9 AM.", ["2027-03-11 09:00", "2027-03-12 09:00"]],
    ["please run it every day at 4 p.m.", ["2027-03-10 16:00", "2027-03-11 16:00"]],
  ] as Array<[string, string[]]>
).map(([text, next]) => ({ category: "daily", text, tz: "Europe/Paris", now: N1, next }));

const weekly: Phrase[] = (
  [
    ["every monday at 9", ["2027-03-15 09:00", "2027-03-22 09:00", "2027-03-29 09:00"]],
    ["every weekday at 9am", ["2027-03-11 09:00", "2027-03-12 09:00", "2027-03-15 09:00"]],
    ["weekdays at 8:30", ["2027-03-11 08:30", "2027-03-12 08:30", "2027-03-15 08:30"]],
    ["every weekend at 10am", ["2027-03-13 10:00", "2027-03-14 10:00", "2027-03-20 10:00"]],
    ["every friday at 4pm", ["2027-03-12 16:00", "2027-03-19 16:00", "2027-03-26 16:00"]],
    ["on mondays and thursdays at 9", ["2027-03-11 09:00", "2027-03-15 09:00", "2027-03-18 09:00"]],
    ["every tuesday and friday at 17:30", ["2027-03-12 17:30", "2027-03-16 17:30", "2027-03-19 17:30"]],
    ["every monday, wednesday and friday at 7am", ["2027-03-12 07:00", "2027-03-15 07:00", "2027-03-17 07:00"]],
    ["mon-fri at 18:00", ["2027-03-10 18:00", "2027-03-11 18:00", "2027-03-12 18:00"]],
    ["weekly on sunday at 20:00", ["2027-03-14 20:00", "2027-03-21 20:00", "2027-03-28 20:00"]],
    ["every wednesday at 10:30", ["2027-03-10 10:30", "2027-03-17 10:30", "2027-03-24 10:30"]],
    ["every saturday at noon", ["2027-03-13 12:00", "2027-03-20 12:00"]],
    ["every sunday at midnight", ["2027-03-14 00:00", "2027-03-21 00:00"]],
    ["every thursday at quarter past 8", ["2027-03-11 08:15", "2027-03-18 08:15"]],
    ["every monday to friday at 9", ["2027-03-11 09:00", "2027-03-12 09:00", "2027-03-15 09:00"]],
    ["every friday", ["2027-03-12 09:00", "2027-03-19 09:00"]],
    ["business days at 7:45", ["2027-03-11 07:45", "2027-03-12 07:45", "2027-03-15 07:45"]],
    ["every week on tuesday at 3pm", ["2027-03-16 15:00", "2027-03-23 15:00"]],
    ["every monday at 9 please", ["2027-03-15 09:00", "2027-03-22 09:00"]],
    ["fridays at 5pm", ["2027-03-12 17:00", "2027-03-19 17:00"]],
  ] as Array<[string, string[]]>
).map(([text, next]) => ({ category: "weekly", text, tz: "Europe/London", now: N1, next }));

const intervals: Phrase[] = (
  [
    ["every 15 minutes", ["2027-03-10 10:15", "2027-03-10 10:30", "2027-03-10 10:45"]],
    ["every 30 minutes", ["2027-03-10 10:30", "2027-03-10 11:00", "2027-03-10 11:30"]],
    ["every hour", ["2027-03-10 11:00", "2027-03-10 12:00", "2027-03-10 13:00"]],
    ["hourly", ["2027-03-10 11:00", "2027-03-10 12:00"]],
    ["every 2 hours", ["2027-03-10 12:00", "2027-03-10 14:00", "2027-03-10 16:00"]],
    ["every 6 hours", ["2027-03-10 12:00", "2027-03-10 18:00", "2027-03-11 00:00"]],
    [
      "every 2 hours from 9 to 5 on weekdays",
      ["2027-03-10 11:00", "2027-03-10 13:00", "2027-03-10 15:00", "2027-03-10 17:00", "2027-03-11 09:00"],
    ],
    ["every 30 minutes between 9am and 11am", ["2027-03-10 10:30", "2027-03-11 09:00", "2027-03-11 09:30"]],
    ["every hour on weekdays between 9 and 17", ["2027-03-10 11:00", "2027-03-10 12:00", "2027-03-10 13:00"]],
    ["every 10 minutes", ["2027-03-10 10:10", "2027-03-10 10:20", "2027-03-10 10:30"]],
    ["every 5 minutes", ["2027-03-10 10:05", "2027-03-10 10:10", "2027-03-10 10:15"]],
    ["every hour at :30", ["2027-03-10 10:30", "2027-03-10 11:30", "2027-03-10 12:30"]],
    ["every 3 hours", ["2027-03-10 12:00", "2027-03-10 15:00", "2027-03-10 18:00"]],
    ["every 12 hours", ["2027-03-10 12:00", "2027-03-11 00:00", "2027-03-11 12:00"]],
    ["every 20 minutes during business hours", ["2027-03-10 10:20", "2027-03-10 10:40", "2027-03-10 11:00"]],
    ["every 4 hours on weekends", ["2027-03-13 00:00", "2027-03-13 04:00", "2027-03-13 08:00"]],
    ["every half hour", ["2027-03-10 10:30", "2027-03-10 11:00", "2027-03-10 11:30"]],
    ["every 2 hours between 8am and 8pm", ["2027-03-10 12:00", "2027-03-10 14:00", "2027-03-10 16:00"]],
    ["every hour from 9am to 6pm", ["2027-03-10 11:00", "2027-03-10 12:00"]],
    [
      "every 15 minutes from 9 to 10 on weekdays",
      ["2027-03-11 09:00", "2027-03-11 09:15", "2027-03-11 09:30", "2027-03-11 09:45", "2027-03-12 09:00"],
    ],
  ] as Array<[string, string[]]>
).map(([text, next]) => ({ category: "intervals", text, tz: "UTC", now: N1, next }));

const monthly: Phrase[] = (
  [
    ["on the 15th of every month at 9am", ["2027-03-15 09:00", "2027-04-15 09:00", "2027-05-15 09:00"]],
    ["monthly on the 1st at 8", ["2027-04-01 08:00", "2027-05-01 08:00", "2027-06-01 08:00"]],
    ["every month on the 10th at 10am", ["2027-03-10 10:00", "2027-04-10 10:00", "2027-05-10 10:00"]],
    ["first monday of the month at 10", ["2027-04-05 10:00", "2027-05-03 10:00", "2027-06-07 10:00"]],
    ["last friday of every month at 17:30", ["2027-03-26 17:30", "2027-04-30 17:30", "2027-05-28 17:30"]],
    ["the last day of the month at 18:00", ["2027-03-31 18:00", "2027-04-30 18:00", "2027-05-31 18:00"]],
    ["every month on the second tuesday at 10", ["2027-04-13 10:00", "2027-05-11 10:00", "2027-06-08 10:00"]],
    ["on the 1st and 15th of every month at 9am", ["2027-03-15 09:00", "2027-04-01 09:00", "2027-04-15 09:00"]],
    ["third thursday of each month at 14:00", ["2027-03-18 14:00", "2027-04-15 14:00", "2027-05-20 14:00"]],
    ["end of every month", ["2027-03-31 09:00", "2027-04-30 09:00"]],
    ["at the start of every month at 7am", ["2027-04-01 07:00", "2027-05-01 07:00"]],
    ["every month on the last monday at 9", ["2027-03-29 09:00", "2027-04-26 09:00", "2027-05-31 09:00"]],
    ["first sunday of every month at noon", ["2027-04-04 12:00", "2027-05-02 12:00"]],
    ["the 5th of each month at 9", ["2027-04-05 09:00", "2027-05-05 09:00", "2027-06-05 09:00"]],
    ["monthly on the 20th at 3pm", ["2027-03-20 15:00", "2027-04-20 15:00"]],
    ["on the last day of every month", ["2027-03-31 09:00", "2027-04-30 09:00", "2027-05-31 09:00"]],
    ["every 2nd wednesday of the month at 11:00", ["2027-03-10 11:00", "2027-04-14 11:00", "2027-05-12 11:00"]],
  ] as Array<[string, string[]]>
).map(([text, next]) => ({ category: "monthly", text, tz: "America/New_York", now: N1, next }));

const yearly: Phrase[] = (
  [
    ["quarterly", ["2027-04-01 09:00", "2027-07-01 09:00", "2027-10-01 09:00"]],
    ["every quarter on the 15th at 10", ["2027-04-15 10:00", "2027-07-15 10:00", "2027-10-15 10:00"]],
    ["at the end of every quarter at 17:00", ["2027-03-31 17:00", "2027-06-30 17:00", "2027-09-30 17:00"]],
    ["every year on march 3rd at 14:00", ["2028-03-03 14:00", "2029-03-03 14:00", "2030-03-03 14:00"]],
    ["every year on 25 december at 8am", ["2027-12-25 08:00", "2028-12-25 08:00"]],
    ["annually on january 1 at 9", ["2028-01-01 09:00", "2029-01-01 09:00"]],
    ["every april 1st at noon", ["2027-04-01 12:00", "2028-04-01 12:00"]],
    ["yearly on 29 february", ["2028-02-29 09:00", "2032-02-29 09:00"]],
    ["every 3 months", ["2027-04-01 09:00", "2027-07-01 09:00"]],
    ["every year on the 10th of march at 11", ["2027-03-10 11:00", "2028-03-10 11:00"]],
    ["quarterly on the first day at 6am", ["2027-04-01 06:00", "2027-07-01 06:00"]],
    ["every 12 months on june 30 at 18:00", ["2027-06-30 18:00", "2028-06-30 18:00"]],
  ] as Array<[string, string[]]>
).map(([text, next]) => ({ category: "quarterly and yearly", text, tz: "UTC", now: N1, next }));

const oneOff: Phrase[] = (
  [
    ["tomorrow at 8am", ["2027-03-11 08:00"]],
    ["tomorrow at 8", ["2027-03-11 08:00"]],
    ["next friday at noon", ["2027-03-19 12:00"]],
    ["in 3 hours", ["2027-03-10T13:00:00Z"]],
    ["in 20 minutes", ["2027-03-10T10:20:00Z"]],
    ["on march 20th at 14:00", ["2027-03-20 14:00"]],
    ["on 2027-04-02 at 9:30", ["2027-04-02 09:30"]],
    ["tonight at 8", ["2027-03-10 20:00"]],
    ["at 5pm", ["2027-03-10 17:00"]],
    ["at 9", ["2027-03-11 09:00"]],
    ["the day after tomorrow at 10", ["2027-03-12 10:00"]],
    ["on friday at 3pm", ["2027-03-12 15:00"]],
    ["in 2 days at 9am", ["2027-03-12 09:00"]],
    ["next monday at 9:30", ["2027-03-15 09:30"]],
    ["on 1 april at 09:00", ["2027-04-01 09:00"]],
    ["in 1 week", ["2027-03-17 11:00"]],
    ["at quarter to 10 tomorrow", ["2027-03-11 09:45"]],
    ["tomorrow at half past 7 in the evening", ["2027-03-11 19:30"]],
    ["on march 3rd 2028 at 10am", ["2028-03-03 10:00"]],
    ["tomorrow at 23:59", ["2027-03-11 23:59"]],
    ["once, tomorrow at 7am", ["2027-03-11 07:00"]],
    ["in an hour", ["2027-03-10T11:00:00Z"]],
  ] as Array<[string, string[]]>
).map(([text, next]) => ({ category: "one-off", text, tz: "Europe/Paris", now: N1, next }));

const clock: Phrase[] = (
  [
    ["every day at 7:30am", ["2027-03-11 07:30", "2027-03-12 07:30"]],
    ["every day at 7:30pm", ["2027-03-10 19:30", "2027-03-11 19:30"]],
    ["every day at 19:30", ["2027-03-10 19:30", "2027-03-11 19:30"]],
    ["every day at 12am", ["2027-03-11 00:00", "2027-03-12 00:00"]],
    ["every day at 12pm", ["2027-03-11 12:00", "2027-03-12 12:00"]],
    ["every day at half past 8", ["2027-03-11 08:30"]],
    ["every day at quarter to 10", ["2027-03-11 09:45"]],
    ["every day at 10 past 9", ["2027-03-11 09:10"]],
    ["every day at 8 o'clock", ["2027-03-11 08:00"]],
    ["every day at 9 in the evening", ["2027-03-10 21:00", "2027-03-11 21:00"]],
    ["every day at 6 in the morning", ["2027-03-11 06:00"]],
    ["every day at 00:30", ["2027-03-11 00:30"]],
    ["every day at 0900", ["2027-03-11 09:00"]],
    ["every day at 9.15am", ["2027-03-11 09:15"]],
    ["every day at 11 pm", ["2027-03-10 23:00", "2027-03-11 23:00"]],
    ["every day at 3:05 pm", ["2027-03-11 15:05"]],
  ] as Array<[string, string[]]>
).map(([text, next]) => ({ category: "times of day", text, tz: "Asia/Tokyo", now: N1, next }));

const zones: Phrase[] = [
  ["every day at 9am tokyo time", ["2027-03-11T00:00:00Z", "2027-03-12T00:00:00Z"]],
  ["every weekday at 9am London time", ["2027-03-11T09:00:00Z", "2027-03-12T09:00:00Z", "2027-03-15T09:00:00Z"]],
  ["every day at 8am PST", ["2027-03-10T16:00:00Z", "2027-03-11T16:00:00Z", "2027-03-12T16:00:00Z"]],
  ["tomorrow at noon in Sydney", ["2027-03-11T01:00:00Z"]],
  ["every monday at 10 Europe/Berlin", ["2027-03-15T09:00:00Z", "2027-03-22T09:00:00Z", "2027-03-29T08:00:00Z"]],
  ["every day at 9 UTC", ["2027-03-11T09:00:00Z", "2027-03-12T09:00:00Z"]],
  ["every day at 5pm eastern", ["2027-03-10T22:00:00Z", "2027-03-11T22:00:00Z", "2027-03-12T22:00:00Z"]],
  ["every friday at 3pm Paris time", ["2027-03-12T14:00:00Z", "2027-03-19T14:00:00Z", "2027-03-26T14:00:00Z"]],
  ["every day at 10am IST", ["2027-03-11T04:30:00Z", "2027-03-12T04:30:00Z"]],
  ["daily at 8am in new york", ["2027-03-10T13:00:00Z", "2027-03-11T13:00:00Z", "2027-03-12T13:00:00Z"]],
  ["every day at 9am Singapore time", ["2027-03-11T01:00:00Z", "2027-03-12T01:00:00Z"]],
  [
    "every weekday at 8:30 am new york time",
    ["2027-03-10T13:30:00Z", "2027-03-11T13:30:00Z", "2027-03-12T13:30:00Z", "2027-03-15T12:30:00Z"],
  ],
].map(([text, next]) => ({ category: "explicit zone", text: text as string, tz: "America/New_York", now: N1, next: next as string[] }));

const counts: Phrase[] = [
  { text: "every day at 9 for the next 5 days", next: ["2027-03-11 09:00", "2027-03-12 09:00", "2027-03-13 09:00"], runs: 5 },
  { text: "every weekday at 9 for the next 2 weeks", next: ["2027-03-11 09:00", "2027-03-12 09:00", "2027-03-15 09:00"], runs: 10 },
  { text: "every monday at 9, 3 times", next: ["2027-03-15 09:00", "2027-03-22 09:00", "2027-03-29 09:00"], runs: 3 },
  { text: "every day at 8am 4 times", next: ["2027-03-11 08:00", "2027-03-12 08:00"], runs: 4 },
  { text: "every day at 9 until march 20", next: ["2027-03-11 09:00"], runs: 10 },
  { text: "every hour for the next 3 hours", next: ["2027-03-10 11:00", "2027-03-10 12:00", "2027-03-10 13:00"], runs: 3 },
  { text: "every friday at 5pm for 4 weeks", next: ["2027-03-12 17:00", "2027-03-19 17:00"], runs: 4 },
  { text: "every day at 7, twice only", next: ["2027-03-11 07:00", "2027-03-12 07:00"], runs: 2 },
].map((p) => ({ category: "counts", tz: "UTC", now: N1, ...p }));

const dst: Phrase[] = [
  // New York springs forward on 2027-03-14 (02:00 → 03:00) and falls back on 2027-11-07 (02:00 → 01:00)
  {
    text: "every day at 9am",
    tz: "America/New_York",
    now: "2027-03-12T15:00:00Z",
    next: ["2027-03-13 09:00", "2027-03-14 09:00", "2027-03-15 09:00"],
  },
  {
    text: "every day at 2:30am",
    tz: "America/New_York",
    now: "2027-03-13T12:00:00Z",
    next: ["2027-03-14T07:30:00Z", "2027-03-15T06:30:00Z", "2027-03-16T06:30:00Z"],
  },
  {
    text: "every sunday at 1:30am",
    tz: "America/New_York",
    now: "2027-11-01T12:00:00Z",
    next: ["2027-11-07T05:30:00Z", "2027-11-14T06:30:00Z"],
  },
  {
    text: "every hour",
    tz: "America/New_York",
    now: "2027-11-07T04:30:00Z",
    next: ["2027-11-07T05:00:00Z", "2027-11-07T06:00:00Z", "2027-11-07T07:00:00Z"],
  },
  {
    text: "every 2 hours",
    tz: "America/New_York",
    now: "2027-03-14T05:30:00Z",
    next: ["2027-03-14T07:00:00Z", "2027-03-14T08:00:00Z", "2027-03-14T10:00:00Z"],
  },
  { text: "every day at 9 for the next 7 days", tz: "America/New_York", now: "2027-03-10T15:00:00Z", next: ["2027-03-11 09:00"], runs: 7 },
  {
    text: "every weekday at 6:30am",
    tz: "America/Los_Angeles",
    now: "2027-03-12T20:00:00Z",
    next: ["2027-03-15 06:30", "2027-03-16 06:30", "2027-03-17 06:30"],
  },
  // London and Paris: 2027-03-28 (01:00 UTC) and 2027-10-31 (01:00 UTC)
  { text: "every day at 1:30am", tz: "Europe/London", now: "2027-03-27T12:00:00Z", next: ["2027-03-28T01:30:00Z", "2027-03-29T00:30:00Z"] },
  { text: "tomorrow at 1:30am", tz: "Europe/London", now: "2027-03-27T10:00:00Z", next: ["2027-03-28T01:30:00Z"] },
  {
    text: "every monday at 9",
    tz: "Europe/Paris",
    now: "2027-03-20T12:00:00Z",
    next: ["2027-03-22 09:00", "2027-03-29 09:00", "2027-04-05 09:00"],
  },
  { text: "first monday of the month at 10", tz: "Europe/Paris", now: N1, next: ["2027-04-05 10:00", "2027-05-03 10:00"] },
  {
    text: "every day at 8:00",
    tz: "Europe/Berlin",
    now: "2027-10-29T12:00:00Z",
    next: ["2027-10-30 08:00", "2027-10-31 08:00", "2027-11-01 08:00"],
  },
  { text: "every day at 02:30", tz: "Europe/Berlin", now: "2027-10-30T12:00:00Z", next: ["2027-10-31T00:30:00Z", "2027-11-01T01:30:00Z"] },
  // Sydney falls back on 2027-04-04 (03:00 AEDT → 02:00 AEST); Auckland springs forward on 2027-09-26 (02:00 → 03:00)
  {
    text: "every day at 9am",
    tz: "Australia/Sydney",
    now: "2027-04-02T12:00:00Z",
    next: ["2027-04-03 09:00", "2027-04-04 09:00", "2027-04-05 09:00"],
  },
  {
    text: "every sunday at 2:30am",
    tz: "Australia/Sydney",
    now: "2027-04-01T00:00:00Z",
    next: ["2027-04-03T15:30:00Z", "2027-04-10T16:30:00Z"],
  },
  {
    text: "the last day of the month at 9am",
    tz: "Australia/Sydney",
    now: "2027-03-30T00:00:00Z",
    next: ["2027-03-31 09:00", "2027-04-30 09:00"],
  },
  {
    text: "every day at 8am",
    tz: "Pacific/Auckland",
    now: "2027-09-24T00:00:00Z",
    next: ["2027-09-25 08:00", "2027-09-26 08:00", "2027-09-27 08:00"],
  },
  {
    text: "every day at 2:15am",
    tz: "Pacific/Auckland",
    now: "2027-09-24T00:00:00Z",
    next: ["2027-09-24T14:15:00Z", "2027-09-25T14:15:00Z", "2027-09-26T13:15:00Z"],
  },
  // Santiago falls back on 2027-04-04 (00:00 → 23:00 the day before)
  {
    text: "every day at 10am",
    tz: "America/Santiago",
    now: "2027-04-02T18:00:00Z",
    next: ["2027-04-03 10:00", "2027-04-04 10:00", "2027-04-05 10:00"],
  },
].map((p) => ({ category: "daylight saving", ...p }));

const refusals: Phrase[] = (
  [
    ["every minute", "too_frequent"],
    ["every 2 minutes", "too_frequent"],
    ["every 30 seconds", "too_frequent"],
    ["every 4 minutes on weekdays", "too_frequent"],
    ["yesterday at 9", "in_past"],
    ["on march 3rd 2020 at 9", "in_past"],
    ["today at 8am", "in_past"],
    ["on 1 january 2026 at noon", "in_past"],
    ["every february 30th", "never_runs"],
    ["every november 31st at 10", "never_runs"],
    ["every day at 9 until yesterday", "never_runs"],
    ["every 45 minutes", "unsupported"],
    ["every 90 minutes", "unsupported"],
    ["first working day of the month", "unsupported"],
  ] as Array<[string, Refusal]>
).map(([text, refused]) => ({ category: "refusals", text, tz: "Europe/Paris", now: N1, refused }));

const ambiguities: Phrase[] = [
  "every day at 5",
  "every other week",
  "every month",
  "every week",
  "every year",
  "twice a day",
  "monthly on the 31st",
  "3/4 at 9",
  "every day at 9:30 and 17:00",
  "whenever the moon is full",
  "every other day at 9",
  "tomorrow at 3",
  "biweekly on friday",
  "every 2 weeks on monday",
  "twice a week",
  "every monday at 9 and every thursday at 3pm",
  "now",
  "every 2 months",
  "",
  "every day at 25:00",
  "next week",
  "every day at 9 until december",
  "every monday at 9 and friday at 5pm",
  "in a fortnight",
  "every day at 7 twice",
  "twice a week on monday at 9",
].map((text) => ({ category: "ambiguities", text, tz: "Europe/Paris", now: N1, ambiguous: true as const }));

const startAndEnd: Phrase[] = (
  [
    ["every day at 9 starting march 15", ["2027-03-15 09:00", "2027-03-16 09:00"]],
    ["every monday starting next week", ["2027-03-15 09:00", "2027-03-22 09:00"]],
    ["every weekday at 8 beginning april 1", ["2027-04-01 08:00", "2027-04-02 08:00", "2027-04-05 08:00"]],
    ["every 1st of the month", ["2027-04-01 09:00", "2027-05-01 09:00"]],
    ["on the first of every month at 9", ["2027-04-01 09:00"]],
    ["every day at 9am except weekends", ["2027-03-11 09:00", "2027-03-12 09:00", "2027-03-15 09:00"]],
    ["every hour starting next month", ["2027-04-01 00:00", "2027-04-01 01:00"]],
  ] as Array<[string, string[]]>
)
  .map(([text, next]): Phrase => ({ category: "start and end", text, tz: "Europe/Paris", now: N1, next }))
  .concat([
    {
      category: "start and end",
      text: "every friday at 9 until the end of april",
      tz: "Europe/Paris",
      now: N1,
      next: ["2027-03-12 09:00"],
      runs: 8,
    },
    {
      category: "start and end",
      text: "every day at 7 starting april 5 for 3 days",
      tz: "Europe/Paris",
      now: N1,
      next: ["2027-04-05 07:00", "2027-04-06 07:00", "2027-04-07 07:00"],
      runs: 3,
    },
  ]);

/**
 * Written after the grammar, in one go, and run once before any change: 30/30 on that first run (America/Chicago,
 * a Tuesday 09:00 CDT). Kept as they were written.
 */
const N2 = "2027-06-15T14:00:00Z";
const heldOut: Phrase[] = (
  [
    ["every tuesday and thursday at 4:30pm", ["2027-06-15 16:30", "2027-06-17 16:30", "2027-06-22 16:30"]],
    ["weekdays at noon", ["2027-06-15 12:00", "2027-06-16 12:00", "2027-06-17 12:00"]],
    ["every day at 7 am and 7 pm", ["2027-06-15 19:00", "2027-06-16 07:00", "2027-06-16 19:00"]],
    ["every 3 hours between 6am and 6pm", ["2027-06-15 12:00", "2027-06-15 15:00", "2027-06-15 18:00"]],
    ["every sunday morning", ["2027-06-20 09:00", "2027-06-27 09:00"]],
    ["last sunday of the month at 8pm", ["2027-06-27 20:00", "2027-07-25 20:00"]],
    ["on the 28th of each month at 6am", ["2027-06-28 06:00", "2027-07-28 06:00"]],
    ["every month on the first friday at 9:30", ["2027-07-02 09:30", "2027-08-06 09:30"]],
    ["every january 15th at 10am", ["2028-01-15 10:00"]],
    ["in 45 minutes", ["2027-06-15 09:45"]],
    ["tomorrow at 6:45am", ["2027-06-16 06:45"]],
    ["on july 4th at noon", ["2027-07-04 12:00"]],
    ["this thursday at 2pm", ["2027-06-17 14:00"]],
    ["every 20 minutes", ["2027-06-15 09:20", "2027-06-15 09:40", "2027-06-15 10:00"]],
    ["every hour on saturdays", ["2027-06-19 00:00", "2027-06-19 01:00"]],
    ["daily at 23:45", ["2027-06-15 23:45", "2027-06-16 23:45"]],
    ["on june 1st at 9", ["2028-06-01 09:00"]],
    ["at 8pm tonight", ["2027-06-15 20:00"]],
    ["every day at 9am sydney time", ["2027-06-15T23:00:00Z", "2027-06-16T23:00:00Z"]],
    ["every weekday at 9 in london", ["2027-06-16T08:00:00Z", "2027-06-17T08:00:00Z"]],
    ["the 1st of every quarter at 8am", ["2027-07-01 08:00", "2027-10-01 08:00"]],
    ["every 6 hours starting tomorrow", ["2027-06-16 00:00", "2027-06-16 06:00", "2027-06-16 12:00"]],
  ] as Array<[string, string[]]>
)
  .map(([text, next]): Phrase => ({ category: "held-out", text, tz: "America/Chicago", now: N2, next }))
  .concat(
    (
      [
        { text: "every day at 8 for 3 days", next: ["2027-06-16 08:00", "2027-06-17 08:00", "2027-06-18 08:00"], runs: 3 },
        { text: "every weekday at 5:30 pm until friday", next: ["2027-06-15 17:30"], runs: 4 },
        { text: "every monday at 10 for 2 weeks", next: ["2027-06-21 10:00", "2027-06-28 10:00"], runs: 2 },
        { text: "every other month", ambiguous: true },
        { text: "every day at 4", ambiguous: true },
        { text: "twice a month", ambiguous: true },
        { text: "every 10 seconds", refused: "too_frequent" },
        { text: "yesterday at noon", refused: "in_past" },
      ] as Array<Omit<Phrase, "category" | "tz" | "now">>
    ).map((p) => ({ category: "held-out", tz: "America/Chicago", now: N2, ...p })),
  );

export const CORPUS: Phrase[] = [
  ...heldOut,
  ...startAndEnd,
  ...daily,
  ...weekly,
  ...intervals,
  ...monthly,
  ...yearly,
  ...oneOff,
  ...clock,
  ...zones,
  ...counts,
  ...dst,
  ...refusals,
  ...ambiguities,
];
