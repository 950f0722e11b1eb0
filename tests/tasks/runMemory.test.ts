/**
 * Run memory, end to end: with `runMemory` on, the agent is told the previous completed run's answer ("Last run, at …,
 * you reported: …") before the task's prompt, in the request that reaches the model; it is not written into the run's
 * thread, and its tokens are metered with the call.
 */
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";
import { gql } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { apiUser, createThreadWithMessages } from "../helpers/flows.js";
import { runRuns, testOpenAIExecutor } from "../helpers/runs.js";
import { runJobs } from "../helpers/worker.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";

useServerAndModel();

test("with runMemory on, the second run's model request carries the first run's answer; the thread does not", async () => {
  const a = await apiUser();
  const { threadId } = await createThreadWithMessages(server, a.token, [["user", "What changed in the open invoices since last time?"]]);
  const exported = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    a.token,
  );
  await runJobs({ generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) });
  const taskId = exported.data!.exportThread.result.taskId as string;
  const on = await gql(
    server,
    `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { runMemory: true } }) { scheduledTask { runMemory } } }`,
    { id: taskId },
    a.token,
  );
  expect(on.data!.updateScheduledTaskByTaskId.scheduledTask.runMemory).toBe(true);
  const execute = async () =>
    (await gql(server, `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { executionId } } }`, { id: taskId }, a.token))
      .data!.executeTask.result.executionId as string;

  await execute();
  llm.enqueue({ kind: "text", text: "Three invoices are open: 17, 21 and 40." });
  await runRuns(testOpenAIExecutor(baseURL));
  const second = await execute();
  const before = llm.requests.length;
  llm.enqueue({ kind: "text", text: "Invoice 21 was paid." });
  await runRuns(testOpenAIExecutor(baseURL));
  expect(llm.requests.length).toBe(before + 1);
  const messages = llm.requests.at(-1)!.body.messages as Array<{ role: string; content: string }>;
  const memory = messages.find((m) => m.role === "system" && m.content.startsWith("Last run, at "));
  expect(memory?.content).toMatch(/you reported: Three invoices are open: 17, 21 and 40\.$/);
  expect(messages.indexOf(memory!)).toBeLessThan(messages.findIndex((m) => m.role === "user"));
  const { rows } = await superuserPool().query(
    `select e.status, (select count(*)::int from app_public.messages m where m.thread_id = e.thread_id and m.content like 'Last run, at %') as stored
       from app_public.task_executions e where e.execution_id = $1`,
    [second],
  );
  expect(rows[0]).toEqual({ status: "completed", stored: 0 });
});
