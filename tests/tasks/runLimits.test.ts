/**
 * The run stage's flow control, end to end (GraphQL with real JWTs, the real run pool, the OpenAI SDK
 * against the loopback model): every agent step metered against the account and its paying owner,
 * plan refusals before any model call, a 429 that pauses the whole provider (honouring Retry-After)
 * without using up an attempt, and prompt generation waiting on the provider's shared limits.
 */
import { makeOpenAIProvider } from "../../src/llm/providers.js";
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";
import { gql } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { apiUser, createThreadWithMessages, executeTask, readyTask as readyTaskFor, type TestUserToken } from "../helpers/flows.js";
import { runRuns, TEST_PROVIDER, testOpenAIExecutor } from "../helpers/runs.js";
import { runJobs } from "../helpers/worker.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";

useServerAndModel();
// every test starts with no runs left by this file's earlier tests, so none takes this test's model responses
beforeEach(async () => {
  await superuserPool().query("update app_public.task_executions set status = 'cancelled' where status in ('pending', 'running')");
});
afterEach(async () => {
  await superuserPool().query("delete from app_private.model_providers where provider = any($1)", [
    [TEST_PROVIDER, baseURL.replace(/\/+$/, "")],
  ]);
});

const openai = () => testOpenAIExecutor(baseURL);

const readyTask = (u: TestUserToken, agent: Record<string, unknown> = {}) => readyTaskFor(server, u, { agent });
const execute = (u: TestUserToken, taskId: string) => executeTask(server, u, taskId);

const execution = async (id: string) =>
  (
    await superuserPool().query(
      "select status, attempts, error_message, wait_reason, run_after, results from app_public.task_executions where execution_id = $1",
      [id],
    )
  ).rows[0];

test("every agent step is metered against the account and its paying owner, visible as Account.tokensThisMonth", async () => {
  const a = await apiUser();
  const { taskId, accountId } = await readyTask(a);
  const id = await execute(a, taskId);
  llm.enqueue(
    { kind: "toolCall", name: "lookup", arguments: { order: 42 }, usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 } },
    { kind: "stream", chunks: ["Shipped."], usage: { prompt_tokens: 150, completion_tokens: 5, total_tokens: 155 } },
  );
  await runRuns(openai());
  expect((await execution(id)).status).toBe("completed");
  const { rows } = await superuserPool().query(
    "select kind, provider, input_tokens, output_tokens, billing_owner_id from app_private.model_usage where execution_id = $1 order by id",
    [id],
  );
  expect(rows).toEqual([
    { kind: "agent", provider: TEST_PROVIDER, input_tokens: 100, output_tokens: 10, billing_owner_id: a.sub },
    { kind: "agent", provider: TEST_PROVIDER, input_tokens: 150, output_tokens: 5, billing_owner_id: a.sub },
  ]);
  const acc = await gql(
    server,
    `query($id: UUID!) { accountByRowId(rowId: $id) { tokensThisMonth ownerTokensThisMonth } }`,
    { id: accountId },
    a.token,
  );
  expect(acc.errors).toBeUndefined();
  expect(Number(acc.data!.accountByRowId.tokensThisMonth)).toBe(265);
  expect(Number(acc.data!.accountByRowId.ownerTokensThisMonth)).toBe(265);
});

test("a plan that no longer allows the agent's model refuses the run before any model call", async () => {
  const a = await apiUser();
  const { taskId, accountId } = await readyTask(a, { model: "gpt-4o" });
  await superuserPool().query("update app_public.accounts set plan = 'pro' where id = $1", [accountId]);
  await superuserPool().query("update app_private.plan_limits set allowed_models = array['gpt-4o-mini'] where plan = 'pro'");
  try {
    const id = await execute(a, taskId);
    const before = llm.requests.length;
    await runRuns(openai());
    const e = await execution(id);
    expect(e.status).toBe("failed");
    expect(e.error_message).toMatch(/refused by the plan: model "gpt-4o" is not allowed .*\(ST011\)/);
    expect(llm.requests.length).toBe(before);
  } finally {
    await superuserPool().query("update app_private.plan_limits set allowed_models = null where plan = 'pro'");
  }
});

test("a 429 with Retry-After pauses the whole provider for every worker; the run waits without using up an attempt", async () => {
  const a = await apiUser();
  const { taskId } = await readyTask(a);
  const id = await execute(a, taskId);
  llm.enqueue({
    kind: "status",
    status: 429,
    headers: { "retry-after": "30" },
    body: { error: { message: "Rate limit reached", type: "requests" } },
  });
  await runRuns(openai());
  const e = await execution(id);
  expect(e).toMatchObject({ status: "pending", attempts: 0 });
  expect(e.wait_reason).toMatch(/429/);
  expect(e.error_message).toMatch(/waiting to retry: .*429/);
  expect(new Date(e.run_after).getTime()).toBeGreaterThan(Date.now() + 25_000);
  const { rows } = await superuserPool().query("select backoff_until from app_private.model_providers where provider = $1", [
    TEST_PROVIDER,
  ]);
  expect(new Date(rows[0].backoff_until).getTime()).toBeGreaterThan(Date.now() + 25_000);
  // another task's run, due now, does not start either: the provider is paused, the reason is shown
  const other = await readyTask(a);
  const otherId = await execute(a, other.taskId);
  const before = llm.requests.length;
  await runRuns(openai());
  expect(llm.requests.length).toBe(before);
  expect((await execution(otherId)).wait_reason).toMatch(/rate limited: waiting until/);
  // the back-off over, both run
  await superuserPool().query("update app_private.model_providers set backoff_until = now() - interval '1 second' where provider = $1", [
    TEST_PROVIDER,
  ]);
  await superuserPool().query("update app_public.task_executions set run_after = null where execution_id = $1", [id]);
  llm.enqueue({ kind: "stream", chunks: ["Done."] }, { kind: "stream", chunks: ["Done."] });
  await runRuns(openai());
  expect(await execution(id)).toMatchObject({ status: "completed", attempts: 1 });
  expect((await execution(otherId)).status).toBe("completed");
});

test("prompt generation waits (pending, reason shown) while the provider's shared requests-per-minute budget is spent", async () => {
  const a = await apiUser();
  const provider = makeOpenAIProvider({ apiKey: "sk-test", baseURL, model: "gpt-4o", timeoutMs: 20_000, maxRetries: 0 });
  const key = baseURL.replace(/\/+$/, "");
  await superuserPool().query(
    "select app_private.configure_provider($1, null, 1, null), app_private.record_model_usage(null, 'prompt', $1, 'gpt-4o', 5, 5)",
    [key],
  );
  const { threadId } = await createThreadWithMessages(server, a.token, [["user", "Summarise my inbox every morning."]]);
  const res = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    a.token,
  );
  const taskId = res.data!.exportThread.result.taskId as string;
  const before = llm.requests.length;
  await runJobs({ generate_prompt: makeGeneratePrompt({ provider, contextBudgetTokens: 100000, maxTokens: 2000 }) });
  expect(llm.requests.length).toBe(before);
  const { rows } = await superuserPool().query("select prompt_status, prompt_error from app_public.scheduled_tasks where task_id = $1", [
    taskId,
  ]);
  expect(rows[0]).toMatchObject({
    prompt_status: "pending",
    prompt_error: expect.stringMatching(/waiting: model provider limit: 1 requests per minute/),
  });
  const { rows: jobs } = await superuserPool().query("select run_at, attempts from graphile_worker.jobs where key = $1", [
    `generate_prompt:${taskId}`,
  ]);
  expect(jobs).toHaveLength(1);
  expect(new Date(jobs[0].run_at).getTime()).toBeGreaterThan(Date.now());
});

test("prompt generation: a 429 for an exhausted quota fails the prompt at once; it does not pause the provider", async () => {
  const a = await apiUser();
  const provider = makeOpenAIProvider({ apiKey: "sk-test", baseURL, model: "gpt-4o", timeoutMs: 20_000, maxRetries: 0 });
  const key = baseURL.replace(/\/+$/, "");
  const { threadId } = await createThreadWithMessages(server, a.token, [["user", "Summarise my inbox every morning."]]);
  const res = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    a.token,
  );
  const taskId = res.data!.exportThread.result.taskId as string;
  llm.enqueue({
    kind: "status",
    status: 429,
    body: { error: { message: "You exceeded your current quota.", type: "insufficient_quota", code: "insufficient_quota" } },
  });
  await runJobs({ generate_prompt: makeGeneratePrompt({ provider, contextBudgetTokens: 100000, maxTokens: 2000 }) });
  const { rows } = await superuserPool().query("select prompt_status, prompt_error from app_public.scheduled_tasks where task_id = $1", [
    taskId,
  ]);
  expect(rows[0]).toMatchObject({ prompt_status: "failed", prompt_error: expect.stringMatching(/quota exhausted/) });
  const { rows: backoff } = await superuserPool().query("select backoff_until from app_private.model_providers where provider = $1", [key]);
  expect(backoff.filter((r) => r.backoff_until !== null)).toEqual([]);
});
