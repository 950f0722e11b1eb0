/**
 * A suggested schedule at export: prompt generation reads the schedule the conversation asks for and stores it on
 * the draft task (suggestedSchedule, with the words it came from); nothing is scheduled until the user confirms it
 * with one scheduleTask call. Offline it is the grammar over the user's messages; with a model, one structured call
 * for a sentence the grammar cannot read (loopback fake OpenAI), metered as kind 'schedule'.
 */
import { makeOpenAIProvider } from "../../src/llm/providers.js";
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";
import { gql } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { apiUser, createThreadWithMessages, type TestUserToken } from "../helpers/flows.js";
import { runJobs } from "../helpers/worker.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";

useServerAndModel();

const offline = () => ({ generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) });
const online = (useModel: boolean) => ({
  generate_prompt: makeGeneratePrompt({
    provider: makeOpenAIProvider({ apiKey: "sk-test-secret", baseURL, model: "gpt-4o", timeoutMs: 2000, maxRetries: 0 }),
    contextBudgetTokens: 100000,
    maxTokens: 2000,
    schedule: { minIntervalSeconds: 300, useModel },
  }),
});

async function exported(u: TestUserToken, messages: Array<[string, string]>): Promise<string> {
  const { threadId } = await createThreadWithMessages(server, u.token, messages);
  const r = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    u.token,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.exportThread.result.taskId as string;
}

async function readTask(u: TestUserToken, taskId: string) {
  const r = await gql(
    server,
    `query($id: UUID!) { scheduledTaskByTaskId(taskId: $id) { status promptStatus scheduleType isScheduled suggestedSchedule } }`,
    { id: taskId },
    u.token,
  );
  return r.data!.scheduledTaskByTaskId;
}

test("offline: the grammar over the user's messages proposes a schedule; the task stays a draft until scheduleTask confirms it", async () => {
  const u = await apiUser();
  const taskId = await exported(u, [
    ["user", "Every Friday list open invoices older than 30 days."],
    ["assistant", "Which ledger? Should I run it every day at 5?"], // assistant words are never read
    ["user", "The EU ledger, as a table."],
  ]);
  await runJobs(offline());
  const task = await readTask(u, taskId);
  expect(task).toMatchObject({ status: "draft", promptStatus: "ready", scheduleType: null, isScheduled: false });
  const s = task.suggestedSchedule;
  expect(s).toMatchObject({
    scheduleType: "weekly",
    cronExpression: null,
    timezone: "UTC",
    maxExecutions: null,
    description: "Every Friday at 09:00 (UTC)",
    words: "Every Friday list open invoices older than 30 days.",
    used: ["every friday"],
    source: "grammar",
  });
  expect(s.assumed).toEqual(["no time given: 09:00", "times read in UTC (the task's timezone); say another zone to change it"]);
  expect(new Date(s.scheduledAt).getUTCDay()).toBe(5);
  expect(new Date(s.scheduledAt).getTime()).toBeGreaterThan(Date.now());

  // one scheduleTask call with the suggestion's fields confirms it
  const { scheduleType, scheduledAt, cronExpression, timezone, maxExecutions } = s;
  const confirmed = await gql(
    server,
    `mutation($i: ScheduleTaskInput!) { scheduleTask(input: $i) { result { status scheduleType scheduleDescription nextExecutionAt } } }`,
    { i: { taskId, scheduleType, scheduledAt, cronExpression, timezone, maxExecutions } },
    u.token,
  );
  expect(confirmed.errors).toBeUndefined();
  expect(confirmed.data!.scheduleTask.result).toMatchObject({
    status: "active",
    scheduleType: "weekly",
    scheduleDescription: s.description,
  });
  expect(Date.parse(confirmed.data!.scheduleTask.result.nextExecutionAt)).toBe(Date.parse(scheduledAt));
});

test("no schedule in the conversation: no suggestion; the user cannot write one", async () => {
  const u = await apiUser();
  const taskId = await exported(u, [["user", "Summarise the attached contract in five bullet points."]]);
  await runJobs(offline());
  expect((await readTask(u, taskId)).suggestedSchedule).toBeNull();
  const write = await gql(
    server,
    `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { suggestedSchedule: {} } }) { scheduledTask { taskId } } }`,
    { id: taskId },
    u.token,
  );
  expect(write.errors?.[0]?.message).toMatch(/suggestedSchedule/); // not a patchable field (no update grant on the column)
});

test("with a model: the grammar first (no extra call); a sentence it cannot read is read by one structured, metered call", async () => {
  const u = await apiUser();
  const readable = await exported(u, [["user", "Every weekday at 8am, check the on-call inbox and summarise new incidents."]]);
  llm.enqueue({ kind: "text", text: "## Objective\nSummarise new incidents in the on-call inbox." });
  const before = llm.requests.length;
  await runJobs(online(true));
  expect(llm.requests.length).toBe(before + 1); // the prompt only
  expect((await readTask(u, readable)).suggestedSchedule).toMatchObject({ cronExpression: "0 8 * * 1-5", source: "grammar" });

  const unreadable = await exported(u, [["user", "At the start of each working week, early, list the deals that slipped."]]);
  llm.enqueue(
    {
      kind: "text",
      text: "## Objective\nList the deals that slipped.",
      usage: { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320 },
    },
    {
      kind: "text",
      text: JSON.stringify({
        status: "ok",
        scheduleType: "cron",
        localDateTime: null,
        cronExpression: "0 8 * * 1",
        timezone: "UTC",
        maxExecutions: null,
        question: null,
        assumed: ["early read as 08:00", "start of the working week read as Monday"],
      }),
      usage: { prompt_tokens: 150, completion_tokens: 30, total_tokens: 180 },
    },
  );
  await runJobs(online(true));
  const s = (await readTask(u, unreadable)).suggestedSchedule;
  expect(s).toMatchObject({
    scheduleType: "cron",
    cronExpression: "0 8 * * 1",
    source: "model",
    words: "At the start of each working week, early, list the deals that slipped.",
    description: "At 08:00, only on Monday (UTC)",
  });
  const call = llm.requests[llm.requests.length - 1]!.body;
  expect(call.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "schedule_spec" } });
  const { rows } = await superuserPool().query(
    "select kind, input_tokens, output_tokens from app_private.model_usage where task_id = $1 order by id",
    [unreadable],
  );
  expect(rows).toEqual([
    { kind: "prompt", input_tokens: 300, output_tokens: 20 },
    { kind: "schedule", input_tokens: 150, output_tokens: 30 },
  ]);
});

test("a model answer that is not a valid schedule leaves no suggestion, and the prompt is still ready", async () => {
  const u = await apiUser();
  const taskId = await exported(u, [["user", "Each time the quarter closes, early-ish, reconcile the accounts."]]);
  llm.enqueue({ kind: "text", text: "## Objective\nReconcile the accounts." }, { kind: "text", text: "not json" });
  await runJobs(online(true));
  expect(await readTask(u, taskId)).toMatchObject({ promptStatus: "ready", suggestedSchedule: null });
});
