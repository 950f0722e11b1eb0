/**
 * Issue 18, rows 5 and 6: spend that cannot leak. The external runtime's reported usage reaches the ledger
 * (under the model of the hand-off), max_tokens is resolved and clamped to the plan's ceiling before the call,
 * and the token allowance is checked before every model call of a run, not only when it starts.
 */
import crypto from "node:crypto";
import { SIGNATURE_HEADER, signRequest } from "../../src/agent/webhookSignature.js";
import { gql, signToken } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";
import { apiUser, executeTask, readyTask as readyTaskFor, type TestUserToken } from "../helpers/flows.js";
import { runRuns, TEST_PROVIDER, testOpenAIExecutor } from "../helpers/runs.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";

const SECRET = "spend-test-webhook-secret-0123456789abcdef";
useServerAndModel({ AGENT_WEBHOOK_SECRET: SECRET });
beforeEach(async () => {
  await superuserPool().query("update app_public.task_executions set status = 'cancelled' where status in ('pending', 'running')");
});
afterEach(async () => {
  await superuserPool().query(
    "update app_private.plan_limits set max_tokens_ceiling = 4096, tokens_per_month = 2000000 where plan = 'free'",
  );
  await superuserPool().query("delete from app_private.model_providers where provider = any($1)", [
    [TEST_PROVIDER, baseURL.replace(/\/+$/, "")],
  ]);
});

async function tokensThisMonth(token: string, accountId: string): Promise<number> {
  const res = await gql(server, `query($id: UUID!) { accountByRowId(rowId: $id) { tokensThisMonth } }`, { id: accountId }, token);
  return Number(res.data!.accountByRowId.tokensThisMonth);
}

describe("row 5: the external runtime's usage is billed", () => {
  async function handedOverRun() {
    const token = await signToken({ sub: crypto.randomUUID() });
    const accountId = (await gql(server, "{ allAccounts { nodes { rowId } } }", {}, token)).data!.allAccounts.nodes[0].rowId as string;
    const client = await superuserPool().connect();
    try {
      const t = await seedTenant(client, accountId);
      // the hand-off: start_execution writes the run's model (the agent's, or the worker's default)
      const run = await client.query(
        "insert into app_public.agent_runs (account_id, thread_id, agent_id, executor, model) values ($1, $2, $3, 'webhook', 'gpt-4o') returning id",
        [accountId, t.threadId, t.agentId],
      );
      const e = await client.query(
        "insert into app_public.task_executions (task_id, account_id, thread_id, agent_run_id, status, started_at, provider) values ($1, $2, $3, $4, 'running', now(), 'https://api.openai.com/v1') returning execution_id",
        [t.taskId, accountId, t.threadId, run.rows[0].id],
      );
      return { token, accountId, agentRunId: run.rows[0].id as string, executionId: e.rows[0].execution_id as string };
    } finally {
      client.release();
    }
  }
  const post = (agentRunId: string, event: object) => {
    const body = JSON.stringify(event);
    const path = `/hooks/agent-runs/${agentRunId}`;
    return fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signRequest(SECRET, { method: "POST", path, body }) },
      body,
    });
  };

  test("a signed completed callback reporting 1.8 M tokens is recorded in the ledger and counts in tokensThisMonth", async () => {
    const run = await handedOverRun();
    expect(await tokensThisMonth(run.token, run.accountId)).toBe(0);
    const res = await post(run.agentRunId, {
      event_id: "done",
      type: "completed",
      final_answer: "ok",
      model: "some-cheap-model",
      usage: { promptTokens: 800_000, completionTokens: 1_000_000, totalTokens: 1_800_000 },
    });
    expect(res.status).toBe(200);
    expect(await tokensThisMonth(run.token, run.accountId)).toBe(1_800_000);
    const { rows } = await superuserPool().query(
      "select kind, model, provider, input_tokens, output_tokens from app_private.model_usage where execution_id = $1",
      [run.executionId],
    );
    // billed under the model of the hand-off, never the one the runtime names
    expect(rows).toEqual([
      { kind: "agent", model: "gpt-4o", provider: "https://api.openai.com/v1", input_tokens: 800_000, output_tokens: 1_000_000 },
    ]);
  });

  test("a failed callback's usage is billed too; a message's own usage is kept but billed once, from the final event", async () => {
    const run = await handedOverRun();
    expect(
      (
        await post(run.agentRunId, {
          event_id: "m1",
          type: "message",
          role: "assistant",
          content: "step",
          metadata: { usage: { promptTokens: 5, completionTokens: 5 }, model: "x" },
        })
      ).status,
    ).toBe(200);
    expect(await tokensThisMonth(run.token, run.accountId)).toBe(0);
    const kept = await superuserPool().query(
      "select metadata from app_public.messages where content = 'step' and metadata ->> 'execution_id' = $1",
      [run.executionId],
    );
    expect(kept.rows[0].metadata).toMatchObject({
      runtime_usage: { promptTokens: 5, completionTokens: 5 },
      runtime_model: "x",
      via: "webhook",
    });
    expect(
      (await post(run.agentRunId, { event_id: "f", type: "failed", error: "tool crashed", usage: { totalTokens: 1234 } })).status,
    ).toBe(200);
    expect(await tokensThisMonth(run.token, run.accountId)).toBe(1234);
  });

  test("the allowance then runs out: the owner's next executeTask is refused (ST010)", async () => {
    const run = await handedOverRun();
    await superuserPool().query("update app_private.plan_limits set tokens_per_month = 1000000 where plan = 'free'");
    await post(run.agentRunId, {
      event_id: "done",
      type: "completed",
      final_answer: "ok",
      usage: { promptTokens: 800_000, completionTokens: 1_000_000 },
    });
    const taskId = (
      await superuserPool().query("select task_id from app_public.task_executions where execution_id = $1", [run.executionId])
    ).rows[0].task_id as string;
    const again = await gql(
      server,
      `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { executionId } } }`,
      { id: taskId },
      run.token,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe("ST010");
  });
});

describe("row 6: max_tokens and the allowance before every model call", () => {
  const readyTask = (u: TestUserToken, agent: Record<string, unknown> = {}) => readyTaskFor(server, u, { agent });
  const execute = (u: TestUserToken, taskId: string) => executeTask(server, u, taskId);
  const execution = async (id: string) =>
    (await superuserPool().query("select status, error_message from app_public.task_executions where execution_id = $1", [id])).rows[0];

  test("plan ceiling 2048 and an agent with no maxTokens: the model is called with max_tokens 2048, not 4096", async () => {
    await superuserPool().query("update app_private.plan_limits set max_tokens_ceiling = 2048 where plan = 'free'");
    const u = await apiUser();
    const { taskId } = await readyTask(u);
    const id = await execute(u, taskId);
    llm.requests.length = 0;
    llm.enqueue({ kind: "text", text: "Order 42 has shipped.", usage: { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40 } });
    await runRuns(testOpenAIExecutor(baseURL));
    expect((await execution(id)).status).toBe("completed");
    expect(llm.requests.map((r) => r.body.max_tokens)).toEqual([2048]);
  });

  test("the allowance is checked before every model call: a run stops at its owner's limit instead of overshooting", async () => {
    await superuserPool().query("update app_private.plan_limits set tokens_per_month = 1000 where plan = 'free'");
    const u = await apiUser();
    const { taskId, accountId } = await readyTask(u);
    const id = await execute(u, taskId);
    llm.requests.length = 0;
    // the first step asks for a tool and uses 1,500 tokens: over the allowance of 1,000
    llm.enqueue(
      {
        kind: "toolCall",
        name: "lookup_order",
        arguments: { id: 42 },
        usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
      },
      { kind: "text", text: "never asked for", usage: { prompt_tokens: 5000, completion_tokens: 5000, total_tokens: 10000 } },
    );
    await runRuns(testOpenAIExecutor(baseURL));
    expect(llm.requests).toHaveLength(1); // the second model call was never made
    const e = await execution(id);
    expect(e.status).toBe("failed");
    expect(e.error_message).toMatch(
      /refused by the plan before model call 2: the monthly token allowance of the free plan is used up: 1500 of 1000 tokens .*\(ST010\)/,
    );
    expect(await tokensThisMonth(u.token, accountId)).toBe(1500);
  });
});
