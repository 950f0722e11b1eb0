/**
 * What the grammar says about its reading (the words used, what it assumed), strict versus extract mode, bad input,
 * and the validation of a model's structured answer (src/schedule/model.ts answerFromModel): whatever the model
 * says, only a spec the calendar accepts is ever `ok`.
 */
import { answerFromModel } from "../../src/schedule/model.js";
import { ParseInputError, parseScheduleWords, suggestFromMessages } from "../../src/schedule/words.js";

const now = new Date("2027-03-10T10:00:00Z"); // Wednesday
const opts = { timezone: "Europe/Paris", now, minIntervalSeconds: 300 };

test("an answer lists the words it used, in text order, and every assumption", () => {
  // filler words ("please run it") are dropped without a note; other words not about time are noted as ignored
  const a = parseScheduleWords("Please run it every Monday and Thursday at 9, Tokyo time, for the next 2 weeks", opts);
  expect(a.status).toBe("ok");
  if (a.status !== "ok") return;
  expect(a.used).toEqual(["every monday and thursday", "at 9", "tokyo time", "for the next 2 weeks"]);
  expect(a.assumed).toEqual([
    '"tokyo time" read as the zone Asia/Tokyo',
    '"9" read as 09:00',
    '"for the next 2 weeks" read as at most 4 runs',
  ]);
  expect(a.spec).toMatchObject({ scheduleType: "cron", cronExpression: "0 9 * * 1,4", timezone: "Asia/Tokyo", maxExecutions: 4 });
  expect(a.description).toBe("At 09:00, only on Monday and Thursday, at most 4 runs (Asia/Tokyo)");
  const noted = parseScheduleWords("every day at 9 send the invoices report", opts);
  expect(noted.status === "ok" && noted.assumed.at(-1)).toBe('ignored "send invoices report" (not about when)');
});

test("a one-off says which date it read, and a time the clocks skip says when it runs instead", () => {
  const a = parseScheduleWords("next friday at noon", opts);
  expect(a.status === "ok" && a.assumed).toEqual(['"next friday" read as Friday 2027-03-19']);
  const gap = parseScheduleWords("tomorrow at 2:30am", { ...opts, timezone: "America/New_York", now: new Date("2027-03-13T12:00:00Z") });
  expect(gap.status === "ok" && gap.assumed).toEqual([
    "02:30 does not exist on 2027-03-14 in America/New_York (the clocks go forward): it runs at 03:30",
  ]);
});

test("strict mode asks about words it cannot place; extract mode (a conversation) reads the schedule and ignores the rest", () => {
  const text = "Every Friday list open invoices older than 30 days";
  const strict = parseScheduleWords(text, opts);
  expect(strict).toMatchObject({ status: "ambiguous", unreadable: true });
  const extract = parseScheduleWords(text, { ...opts, mode: "extract" });
  expect(extract).toMatchObject({ status: "ok", used: ["every friday"], spec: { scheduleType: "weekly" } });
  // a conversation without a schedule, and one whose latest schedule wins
  expect(suggestFromMessages([{ role: "user", content: "Summarise the contract." }], opts)).toBeNull();
  const found = suggestFromMessages(
    [
      { role: "user", content: "Every Monday at 9 send the sales digest." },
      { role: "assistant", content: "Every day at 6, then?" },
      { role: "user", content: "Actually, make it every weekday at 8am." },
    ],
    opts,
  );
  expect(found?.words).toBe("Actually, make it every weekday at 8am.");
  expect(found?.answer.spec.cronExpression).toBe("0 8 * * 1-5");
  // the later sentence of one message wins too
  const refined = suggestFromMessages(
    [{ role: "user", content: "Every Monday at 9 send the digest. Actually, make it Tuesdays at 10." }],
    opts,
  );
  expect(refined?.words).toBe("Actually, make it Tuesdays at 10.");
  expect(refined?.answer.spec).toMatchObject({ scheduleType: "weekly" });
});

test("a text longer than a schedule (over 40 words) is asked about, not read", () => {
  const long = `every day at 9 ${"and then some more words ".repeat(8)}`;
  expect(parseScheduleWords(long, opts)).toMatchObject({ status: "ambiguous", question: expect.stringMatching(/long for a schedule/) });
  // in a conversation, a long sentence is read from its beginning
  expect(parseScheduleWords(long, { ...opts, mode: "extract" })).toMatchObject({ status: "ok", spec: { scheduleType: "daily" } });
});

test("bad input is an error naming the field, not an answer", () => {
  expect(() => parseScheduleWords("x".repeat(501), opts)).toThrow(ParseInputError);
  expect(() => parseScheduleWords("every day at 9", { ...opts, timezone: "+02:00" })).toThrow(/timezone/);
  try {
    parseScheduleWords("every day", { ...opts, timezone: "Nowhere/City" });
  } catch (err) {
    expect((err as ParseInputError).field).toBe("timezone");
  }
});

describe("a model's structured answer is validated by the calendar", () => {
  const model = (o: Record<string, unknown>) =>
    JSON.stringify({
      status: "ok",
      scheduleType: null,
      localDateTime: null,
      cronExpression: null,
      timezone: "Europe/Paris",
      maxExecutions: null,
      question: null,
      assumed: [],
      ...o,
    });

  test("a once at a local time in the zone", () => {
    const a = answerFromModel(model({ scheduleType: "once", localDateTime: "2027-03-12T15:00" }), "gpt-4o", "friday afternoon-ish", opts);
    expect(a).toMatchObject({
      status: "ok",
      source: "model",
      spec: { scheduleType: "once", scheduledAt: new Date("2027-03-12T14:00:00Z") },
    });
  });

  test.each([
    ["not JSON", "every Friday!", "ambiguous"],
    ["no type", model({}), "ambiguous"],
    ["an unknown type", model({ scheduleType: "hourly" }), "ambiguous"],
    ["daily without a time", model({ scheduleType: "daily" }), "ambiguous"],
    ["a bad run count", model({ scheduleType: "cron", cronExpression: "0 9 * * *", maxExecutions: 0 }), "ambiguous"],
    ["an unknown zone", model({ scheduleType: "once", localDateTime: "2027-03-12T15:00", timezone: "Mars/Base" }), "ambiguous"],
    ["an invalid cron", model({ scheduleType: "cron", cronExpression: "every day" }), "refused"],
    ["too frequent", model({ scheduleType: "cron", cronExpression: "*/2 * * * *" }), "refused"],
    ["in the past", model({ scheduleType: "once", localDateTime: "2027-03-01T09:00" }), "refused"],
  ])("%s → %s", (_name, text, status) => {
    const a = answerFromModel(text, "gpt-4o", "words", opts);
    expect(a.status).toBe(status);
    expect(a.source).toBe("model");
  });
});
