/**
 * parseSchedule through the real API: the grammar's three answers, bad input naming the field, the confirmed
 * spec going straight into scheduleTask, and the model fallback (loopback fake OpenAI): only for words the
 * grammar cannot read, structured output validated by the calendar, metered in model_usage (kind 'schedule'),
 * rate limited per plan (ST013), and `ambiguous` (never a guess) offline or when the model answers nonsense.
 */
import type { ApiServer } from "../../src/http/server.js";
import { gql, startTestServer } from "../helpers/api.js";
import { closePools, superuserPool, VISITOR } from "../helpers/db.js";
import { FakeOpenAI } from "../helpers/fakeOpenAI.js";
import { apiUser, createThreadWithMessages } from "../helpers/flows.js";
import { closeOwnerPool, runJobs } from "../helpers/worker.js";
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";
import { modelCalls } from "../../src/metrics.js";

/** The model's structured answer when it asks a question instead of reading a schedule. */
const modelAsks = (question: string) =>
  ({
    kind: "text",
    text: JSON.stringify({
      status: "ambiguous",
      scheduleType: null,
      localDateTime: null,
      cronExpression: null,
      timezone: "UTC",
      maxExecutions: null,
      question,
      assumed: [],
    }),
  }) as const;

const PARSE = `query($text: String!, $tz: String, $now: Datetime, $count: Int) {
  parseSchedule(text: $text, timezone: $tz, now: $now, count: $count) {
    status spec { scheduleType scheduledAt cronExpression timezone maxExecutions } description occurrences refusal reason question used assumed source
  }
}`;
const NOW = "2027-03-10T10:00:00.000Z"; // a Wednesday

let server: ApiServer;
let fake: FakeOpenAI;
let online: ApiServer;
beforeAll(async () => {
  server = await startTestServer();
  fake = new FakeOpenAI();
  const { baseURL } = await fake.start();
  online = await startTestServer({ OPENAI_API_KEY: "sk-test-schedules", OPENAI_BASE_URL: baseURL, LLM_MAX_RETRIES: "0" });
});
afterAll(async () => {
  await server.close();
  await online.close();
  await fake.close();
  await closeOwnerPool();
  await closePools();
});

test("ok: the spec, its description, next runs, the words used and what was assumed", async () => {
  const u = await apiUser();
  const r = await gql(server, PARSE, { text: "every weekday at 9 Tokyo time", tz: "Europe/Paris", now: NOW, count: 3 }, u.token);
  expect(r.errors).toBeUndefined();
  expect(r.data!.parseSchedule).toEqual({
    status: "ok",
    spec: { scheduleType: "cron", scheduledAt: null, cronExpression: "0 9 * * 1-5", timezone: "Asia/Tokyo", maxExecutions: null },
    description: "At 09:00, Monday through Friday (Asia/Tokyo)",
    occurrences: ["2027-03-11T00:00:00.000Z", "2027-03-12T00:00:00.000Z", "2027-03-15T00:00:00.000Z"],
    refusal: null,
    reason: null,
    question: null,
    used: ["every weekday", "at 9", "tokyo time"],
    assumed: ['"tokyo time" read as the zone Asia/Tokyo', '"9" read as 09:00'],
    source: "grammar",
  });
});

test("refused and ambiguous answers say why, and what to ask", async () => {
  const u = await apiUser();
  const tooOften = (await gql(server, PARSE, { text: "every minute", now: NOW }, u.token)).data!.parseSchedule;
  expect(tooOften).toMatchObject({ status: "refused", refusal: "too_frequent", spec: null, occurrences: [] });
  expect(tooOften.reason).toMatch(/minimum interval/);
  const past = (await gql(server, PARSE, { text: "yesterday at 9am", tz: "UTC", now: NOW }, u.token)).data!.parseSchedule;
  expect(past).toMatchObject({ status: "refused", refusal: "in_past" });
  const never = (await gql(server, PARSE, { text: "every February 30th at 9", now: NOW }, u.token)).data!.parseSchedule;
  expect(never).toMatchObject({ status: "refused", refusal: "never_runs" });
  const which = (await gql(server, PARSE, { text: "every other week", now: NOW }, u.token)).data!.parseSchedule;
  expect(which).toMatchObject({ status: "ambiguous", spec: null, source: "grammar" });
  expect(which.question).toMatch(/starting which week/);
  const hour = (await gql(server, PARSE, { text: "every day at 5", now: NOW }, u.token)).data!.parseSchedule;
  expect(hour.question).toBe('"5": 05:00 in the morning or 17:00 in the afternoon/evening?');
  // offline, words the grammar cannot read stay ambiguous: no guess
  const unread = (await gql(server, PARSE, { text: "whenever the moon is full", now: NOW }, u.token)).data!.parseSchedule;
  expect(unread).toMatchObject({ status: "ambiguous", source: "grammar" });
});

test("signed-in users only; bad input is ST003 naming the field", async () => {
  const u = await apiUser();
  const anonymous = await gql(server, PARSE, { text: "every day at 9" });
  expect(anonymous.errors?.[0]?.extensions?.code).toBe("ST401");
  const long = await gql(server, PARSE, { text: "x".repeat(501) }, u.token);
  expect(long.errors?.[0]).toMatchObject({ extensions: { code: "ST003", field: "text" } });
  expect(long.data?.parseSchedule ?? null).toBeNull();
  const zone = await gql(server, PARSE, { text: "every day at 9", tz: "Mars/Olympus" }, u.token);
  expect(zone.errors?.[0]).toMatchObject({ extensions: { code: "ST003", field: "timezone" } });
  const count = await gql(server, PARSE, { text: "every day at 9", count: 0 }, u.token);
  expect(count.errors?.[0]).toMatchObject({ extensions: { code: "ST003", field: "count" } });
});

test("parse → scheduleTask: the spec is passed as it is and the task's description matches the preview", async () => {
  const u = await apiUser();
  const { threadId } = await createThreadWithMessages(server, u.token, [["user", "Summarise the EMEA sales"]]);
  const exported = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    u.token,
  );
  const taskId = exported.data!.exportThread.result.taskId as string;
  await runJobs({ generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) });
  const parsed = (await gql(server, PARSE, { text: "every monday at 9am for the next 3 weeks", tz: "America/New_York" }, u.token)).data!
    .parseSchedule;
  expect(parsed.status).toBe("ok");
  expect(parsed.spec.maxExecutions).toBe(3);
  const scheduled = await gql(
    server,
    `mutation($i: ScheduleTaskInput!) { scheduleTask(input: $i) { result { status scheduleType maxExecutions nextExecutionAt scheduleDescription upcomingExecutions(count: 3) } } }`,
    { i: { taskId, ...parsed.spec } },
    u.token,
  );
  expect(scheduled.errors).toBeUndefined();
  const task = scheduled.data!.scheduleTask.result;
  expect(task).toMatchObject({ status: "active", scheduleType: "weekly", maxExecutions: 3, scheduleDescription: parsed.description });
  expect(task.upcomingExecutions).toEqual(parsed.occurrences);
});

async function usageRows(): Promise<Array<{ kind: string; input_tokens: number; output_tokens: number }>> {
  const { rows } = await superuserPool().query(
    "select kind, input_tokens, output_tokens from app_private.model_usage where kind = 'schedule' order by id",
  );
  return rows;
}

test("with a key: only unreadable words go to the model, as structured output, validated by the calendar and metered", async () => {
  const u = await apiUser();
  const before = fake.requests.length;
  // the grammar reads this one: no model call
  expect((await gql(online, PARSE, { text: "every day at 9", now: NOW }, u.token)).data!.parseSchedule.source).toBe("grammar");
  // and asks its own questions without the model
  expect((await gql(online, PARSE, { text: "every day at 5", now: NOW }, u.token)).data!.parseSchedule.source).toBe("grammar");
  expect(fake.requests.length).toBe(before);

  fake.enqueue({
    kind: "text",
    text: JSON.stringify({
      status: "ok",
      scheduleType: "cron",
      localDateTime: null,
      cronExpression: "0 8 * * 1",
      timezone: "Europe/Paris",
      maxExecutions: null,
      question: null,
      assumed: ["start of the working week read as Monday 08:00"],
    }),
    usage: { prompt_tokens: 210, completion_tokens: 40, total_tokens: 250 },
  });
  const r = (
    await gql(online, PARSE, { text: "at the start of each working week, early", tz: "Europe/Paris", now: NOW, count: 2 }, u.token)
  ).data!.parseSchedule;
  expect(r).toMatchObject({
    status: "ok",
    source: "model",
    spec: { scheduleType: "cron", cronExpression: "0 8 * * 1", timezone: "Europe/Paris" },
    occurrences: ["2027-03-15T07:00:00.000Z", "2027-03-22T07:00:00.000Z"],
  });
  expect(r.assumed).toEqual(["read by the model (gpt-4o)", "start of the working week read as Monday 08:00"]);
  const call = fake.requests[fake.requests.length - 1]!.body;
  expect(call.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "schedule_spec", strict: true } });
  expect(JSON.stringify(call.messages)).toContain("at the start of each working week, early");
  expect(await usageRows()).toEqual([{ kind: "schedule", input_tokens: 210, output_tokens: 40 }]);
  const counted = (await modelCalls.get()).values.filter((v) => v.labels.kind === "schedule" && v.labels.outcome === "ok");
  expect(counted.reduce((n, v) => n + v.value, 0)).toBe(1); // sat_model_calls_total{kind="schedule"}

  // a model answer the calendar refuses is refused, not saved as a guess
  fake.enqueue({
    kind: "text",
    text: JSON.stringify({
      status: "ok",
      scheduleType: "cron",
      localDateTime: null,
      cronExpression: "* * * * *",
      timezone: "UTC",
      maxExecutions: null,
      question: null,
      assumed: [],
    }),
  });
  const often = (await gql(online, PARSE, { text: "constantly, all the time", now: NOW }, u.token)).data!.parseSchedule;
  expect(often).toMatchObject({ status: "refused", refusal: "too_frequent", source: "model" });
  // nonsense from the model is ambiguous
  fake.enqueue({ kind: "text", text: "I think every Tuesday?" });
  const nonsense = (await gql(online, PARSE, { text: "whenever it feels right", now: NOW }, u.token)).data!.parseSchedule;
  expect(nonsense).toMatchObject({ status: "ambiguous", source: "model", spec: null });
  // the model's own question is passed on
  fake.enqueue(modelAsks("Which day of the week?"));
  const asked = (await gql(online, PARSE, { text: "from time to time", now: NOW }, u.token)).data!.parseSchedule;
  expect(asked).toMatchObject({ status: "ambiguous", question: "Which day of the week?", source: "model" });
  // a failing provider leaves the grammar's answer, saying why
  fake.enqueue({ kind: "status", status: 400 });
  const failed = (await gql(online, PARSE, { text: "whenever suits", now: NOW }, u.token)).data!.parseSchedule;
  expect(failed).toMatchObject({ status: "ambiguous", source: "grammar" });
  expect(failed.assumed.at(-1)).toMatch(/^the model could not answer: /);
  expect((await usageRows()).length).toBe(4); // every completed call is recorded; the failed one made none
});

test("model readings are rate limited per plan (ST013 in the answer, no call made) and need a token allowance", async () => {
  const u = await apiUser();
  await gql(online, "{ currentUser { rowId } }", {}, u.token); // provisioned
  const db = superuserPool();
  await db.query("update app_private.plan_limits set prompt_generations_per_hour = 1 where plan = 'free'");
  try {
    fake.enqueue(modelAsks("When?"));
    const first = (await gql(online, PARSE, { text: "every so often", now: NOW }, u.token)).data!.parseSchedule;
    expect(first.source).toBe("model");
    const calls = fake.requests.length;
    const second = (await gql(online, PARSE, { text: "every so often", now: NOW }, u.token)).data!.parseSchedule;
    expect(second).toMatchObject({ status: "ambiguous", source: "grammar" });
    expect(second.assumed.at(-1)).toMatch(
      /^the model was not asked: rate limited: .* 1 schedule readings by the model per hour .*\(ST013\)$/,
    );
    expect(fake.requests.length).toBe(calls);
  } finally {
    await db.query("update app_private.plan_limits set prompt_generations_per_hour = 30 where plan = 'free'");
  }
  const v = await apiUser();
  await gql(online, "{ currentUser { rowId } }", {}, v.token);
  await db.query("update app_private.plan_limits set tokens_per_month = 0 where plan = 'free'");
  try {
    const none = (await gql(online, PARSE, { text: "every so often", now: NOW }, v.token)).data!.parseSchedule;
    expect(none.assumed.at(-1)).toMatch(/^the model was not asked: .*\(ST010\)$/);
  } finally {
    await db.query("update app_private.plan_limits set tokens_per_month = 2000000 where plan = 'free'");
  }
});

test("the visitor cannot record usage it was not charged for", async () => {
  const u = await apiUser();
  await gql(server, "{ currentUser { rowId } }", {}, u.token);
  const client = await superuserPool().connect();
  try {
    await client.query("begin");
    await client.query("select set_config('role', $1, true), set_config('jwt.claims.sub', $2, true)", [VISITOR, u.sub]);
    const { rows } = await client.query("select app_hidden.record_schedule_parse_usage('x', 'm', 5, 5) as recorded");
    expect(rows[0].recorded).toBe(false);
    await expect(client.query("select * from app_private.schedule_parse_requests")).rejects.toThrow(/permission denied/);
  } finally {
    await client.query("rollback");
    client.release();
  }
});
