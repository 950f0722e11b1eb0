/**
 * README promise: a transient provider error is retried with backoff up to RUN_MAX_ATTEMPTS attempts, then the
 * execution fails with the last error and "gave up after N attempts" (its thread and agent run kept).
 */
import { makeOpenAIExecutor } from "../../src/agent/openaiExecutor.js";
import { gql } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { apiUser, executeTask, readyTask } from "../helpers/flows.js";
import { runRuns } from "../helpers/runs.js";
import { waitFor } from "../helpers/waitFor.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";

useServerAndModel();

test("a provider that keeps failing with 503: retried up to maxAttempts, then failed, saying it gave up after N attempts", async () => {
  const a = await apiUser();
  const { taskId } = await readyTask(server, a);
  const executionId = await executeTask(server, a, taskId);

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
