/**
 * README promise: a transient provider error is retried with backoff up to RUN_MAX_ATTEMPTS attempts, then the
 * execution fails with the last error and "gave up after N attempts" (its thread and agent run kept).
 */
import { makeOpenAIExecutor } from "../../src/agent/openaiExecutor.js";
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";
import { gql } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { apiUser, createThreadWithMessages } from "../helpers/flows.js";
import { runRuns } from "../helpers/runs.js";
import { waitFor } from "../helpers/waitFor.js";
import { runJobs } from "../helpers/worker.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";

useServerAndModel();

test("a provider that keeps failing with 503: retried up to maxAttempts, then failed, saying it gave up after N attempts", async () => {
  const a = await apiUser();
  const { threadId } = await createThreadWithMessages(server, a.token, [["user", "Check the order status of order 42."]], {
    title: "Order check",
  });
  const exported = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    a.token,
  );
  await runJobs({ generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) });
  const taskId = exported.data!.exportThread.result.taskId as string;
  const exec = await gql(
    server,
    `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { executionId } } }`,
    { id: taskId },
    a.token,
  );
  expect(exec.errors).toBeUndefined();
  const executionId = exec.data!.executeTask.result.executionId as string;

  llm.responder = () => ({ kind: "status", status: 503 });
  const before = llm.requests.length;
  const executor = makeOpenAIExecutor({
    apiKey: "sk-test",
    baseURL,
    defaultModel: "gpt-4o",
    requestTimeoutMs: 20_000,
    maxSteps: 6,
    maxTotalTokens: 100_000,
    mcp: { servers: {}, allowedHosts: [] },
  });
  const read = async () =>
    (
      await gql(
        server,
        `query($id: UUID!) { taskExecutionByExecutionId(executionId: $id) { status attempts errorMessage threadId agentRunByAgentRunId { status } } }`,
        { id: executionId },
        a.token,
      )
    ).data!.taskExecutionByExecutionId;
  // retryBaseMs 0: each retry is due after the fake's retry-after (5 ms), so a few drains run all three attempts
  const done = await waitFor(
    async () => {
      await runRuns(executor, { maxAttempts: 3, retryBaseMs: 0 });
      const e = await read();
      return e.status !== "pending" && e;
    },
    { timeoutMs: 30_000, intervalMs: 20, what: "the execution to leave pending" },
  );
  llm.responder = undefined;
  expect(done).toMatchObject({ status: "failed", attempts: 3 });
  expect(done.errorMessage).toMatch(/503/);
  expect(done.errorMessage).toMatch(/\(gave up after 3 attempts\)$/);
  expect(done.threadId).not.toBeNull();
  expect(done.agentRunByAgentRunId.status).toBe("failed");
  expect(llm.requests.length - before).toBeGreaterThanOrEqual(3); // every attempt reached the provider
  // one thread and one agent run for all attempts
  const { rows } = await superuserPool().query(
    "select count(*)::int as n from app_public.agent_runs where metadata->>'execution_id' = $1",
    [executionId],
  );
  expect(rows).toEqual([{ n: 1 }]);
});
