/**
 * Metered prompt generation, end to end: jobs run by graphile-worker, the real OpenAI SDK against the loopback
 * OpenAI server. Every model call (chunks and the combine call) lands in the ledger and moves the account's and the
 * billing owner's counters; the owner's token allowance is checked before each call; a generation always ends ready
 * or failed.
 */
import { makeOpenAIProvider, type PromptProvider } from "../../src/llm/providers.js";
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";
import { gql, signToken } from "../helpers/api.js";
import { runJobs } from "../helpers/worker.js";
import { ownerWithTeams, sqlAs, sqlRoot, threadIn, waitFor } from "./helpers.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";

useServerAndModel();
const offline = () => ({ generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) });
beforeEach(async () => {
  await runJobs(offline()); // an empty queue: a job left by another file must not eat a reply
  llm.responder = () => ({
    kind: "text",
    text: "Condensed prompt.",
    usage: { prompt_tokens: 1000, completion_tokens: 20, total_tokens: 1020 },
  });
});

const online = (
  contextBudgetTokens = 20000,
  provider: PromptProvider = makeOpenAIProvider({ apiKey: "sk-test", baseURL, model: "gpt-4o", timeoutMs: 5000, maxRetries: 0 }),
) => ({ generate_prompt: makeGeneratePrompt({ provider, contextBudgetTokens, maxTokens: 2000 }) });

/** A thread big enough to be condensed in chunks at a 20,000-token budget. */
async function longThread(accountId: string): Promise<string> {
  const threadId = await threadIn(accountId, ["Plan the quarterly review."]);
  await sqlRoot(
    `insert into app_public.messages (thread_id, role, content)
     select $1, 'user', 'point ' || i || ' ' || repeat('detail ', 25) from generate_series(1, 600) i`,
    [threadId],
  );
  return threadId;
}

const exportAs = async (userId: string, threadId: string) =>
  (await sqlAs<{ task_id: string }>(userId, "select task_id from app_public.export_thread($1)", [threadId]))[0]!.task_id;
const taskRow = async (taskId: string) =>
  (
    await sqlRoot("select prompt_status, prompt_error, generated_prompt, metadata from app_public.scheduled_tasks where task_id = $1", [
      taskId,
    ])
  )[0];
const jobOf = async (taskId: string) =>
  (
    await sqlRoot<{ id: string; attempts: number; last_error: string | null; locked_at: Date | null }>(
      "select id, attempts, last_error, locked_at from graphile_worker.jobs where key = $1",
      [`generate_prompt:${taskId}`],
    )
  )[0];
/** The job once graphile-worker has settled it (completed: undefined; failed: unlocked with its error). */
const settledJobOf = (taskId: string) =>
  waitFor(
    () => jobOf(taskId),
    (j) => !j || j.locked_at === null,
  );

test("every model call of a chunked generation is recorded: ledger rows per call, the account's and the owner's counters move, visible in GraphQL", async () => {
  const owner = await ownerWithTeams(1);
  const team = owner.teamIds[0]!;
  const taskId = await exportAs(owner.id, await longThread(team));
  const before = llm.requests.length;
  await runJobs(online());

  const task = await taskRow(taskId);
  expect(task).toMatchObject({ prompt_status: "ready", generated_prompt: "Condensed prompt." });
  const calls = llm.requests.length - before;
  expect(calls).toBeGreaterThanOrEqual(3); // at least two chunks and the combine call
  expect(calls).toBe(task.metadata.prompt.chunks + 1);

  const ledger = await sqlRoot(
    "select account_id, billing_owner_id, kind, provider, model, input_tokens, output_tokens, execution_id from app_private.model_usage where task_id = $1",
    [taskId],
  );
  expect(ledger).toHaveLength(calls);
  for (const row of ledger) {
    expect(row).toEqual({
      account_id: team,
      billing_owner_id: owner.id,
      kind: "prompt",
      provider: baseURL,
      model: "gpt-4o",
      input_tokens: 1000,
      output_tokens: 20,
      execution_id: null,
    });
  }
  const spent = 1020 * calls;
  const [usage] = await sqlRoot(
    `select (select tokens from app_private.account_usage where account_id = $1 and period = app_private.usage_period(now())) as team,
            (select tokens from app_private.account_usage where account_id = $2 and period = app_private.usage_period(now())) as personal,
            (select tokens from app_private.owner_usage where owner_user_id = $3 and period = app_private.usage_period(now())) as owner`,
    [team, owner.personalAccountId, owner.id],
  );
  expect(usage).toEqual({ team: String(spent), personal: null, owner: String(spent) });

  const token = await signToken({ sub: owner.id });
  const res = await gql(
    server,
    "{ allAccounts { nodes { rowId personalAccount tokensThisMonth ownerTokensThisMonth tokenLimit executionLimit ownerExecutionsThisMonth allowedModels maxTokensCeiling promptGenerationsPerHour } } }",
    {},
    token,
  );
  expect(res.errors).toBeUndefined();
  const nodes = [...res.data!.allAccounts.nodes].sort((a, b) => Number(a.personalAccount) - Number(b.personalAccount));
  const [plan] = await sqlRoot(
    `select tokens_per_month::text as "tokenLimit", executions_per_month as "executionLimit", allowed_models as "allowedModels",
            max_tokens_ceiling as "maxTokensCeiling", prompt_generations_per_hour as "promptGenerationsPerHour"
       from app_private.plan_limits where plan = 'free'`,
  );
  const limits = { ...plan, ownerExecutionsThisMonth: 0 };
  expect(nodes).toEqual([
    { rowId: team, personalAccount: false, tokensThisMonth: String(spent), ownerTokensThisMonth: String(spent), ...limits },
    { rowId: owner.personalAccountId, personalAccount: true, tokensThisMonth: "0", ownerTokensThisMonth: String(spent), ...limits },
  ]);
});

test("the owner's token allowance is checked before every call: used up by another account of the same owner, the generation stops and fails (ST010)", async () => {
  const owner = await ownerWithTeams(1);
  const [plan] = await sqlRoot<{ t: string }>("select tokens_per_month::text as t from app_private.plan_limits where plan = 'free'");
  const allowance = Number(plan!.t);
  // the personal account used all but 500 tokens of the owner's allowance
  await sqlRoot("select app_private.record_model_usage($1, 'agent', 'http://other.test/v1', 'gpt-4o', $2, 0, null, null)", [
    owner.personalAccountId,
    allowance - 500,
  ]);

  // the team account's chunked generation: the first call is allowed (500 left), the second is refused
  const taskId = await exportAs(owner.id, await longThread(owner.teamIds[0]!));
  const before = llm.requests.length;
  await runJobs(online());
  expect(llm.requests.length - before).toBe(1);
  const task = await taskRow(taskId);
  expect(task.prompt_status).toBe("failed");
  expect(task.prompt_error).toMatch(
    /^the monthly token allowance of the free plan is used up: \d+ of \d+ tokens used this month by all accounts of the same owner; .*\(ST010\)$/,
  );
  expect(await sqlRoot("select input_tokens from app_private.model_usage where task_id = $1", [taskId])).toEqual([{ input_tokens: 1000 }]);
  expect(await settledJobOf(taskId)).toBeUndefined(); // not retried

  // now nothing left: a new generation makes no call at all
  const second = await exportAs(owner.id, await threadIn(owner.personalAccountId, ["Send me the weather daily."]));
  await runJobs(online(100000));
  expect(llm.requests.length - before).toBe(1);
  expect((await taskRow(second)).prompt_error).toMatch(/\(ST010\)$/);
});

test("a context budget too small (LLM_CONTEXT_BUDGET_TOKENS=2000) ends the generation failed with a readable error, not pending", async () => {
  const owner = await ownerWithTeams(0);
  const taskId = await exportAs(owner.id, await threadIn(owner.personalAccountId, ["Summarise the news every morning."]));
  const before = llm.requests.length;
  await runJobs(online(2000));
  const task = await taskRow(taskId);
  expect(task.prompt_status).toBe("failed");
  expect(task.prompt_error).toMatch(/contextBudgetTokens 2000 is too small .* set LLM_CONTEXT_BUDGET_TOKENS to at least \d+/);
  expect(llm.requests.length - before).toBe(0);
  expect(await settledJobOf(taskId)).toBeUndefined();
});

test("an unexpected error is retried by graphile-worker; on the last attempt the failure is recorded", async () => {
  const owner = await ownerWithTeams(0);
  const taskId = await exportAs(owner.id, await threadIn(owner.personalAccountId, ["Summarise the news every morning."]));
  const exploding: PromptProvider = {
    name: "openai",
    model: "gpt-4o",
    endpoint: "http://exploding.test/v1",
    complete: async () => {
      throw new Error("connection pool exploded");
    },
  };
  await runJobs(online(100000, exploding));
  expect((await taskRow(taskId)).prompt_status).toBe("pending");
  const job = await settledJobOf(taskId);
  expect(job).toMatchObject({ attempts: 1, last_error: expect.stringMatching(/connection pool exploded/) });

  // fast-forward to the last attempt (graphile-worker's own API)
  await sqlRoot("select graphile_worker.reschedule_jobs(array[$1::bigint], run_at := now(), attempts := 4)", [job!.id]);
  await runJobs(online(100000, exploding));
  const task = await taskRow(taskId);
  expect(task).toMatchObject({
    prompt_status: "failed",
    prompt_error: "prompt generation failed after 5 attempts: connection pool exploded",
  });
  expect(await settledJobOf(taskId)).toBeUndefined();
  expect(await sqlRoot("select count(*)::int as n from app_private.model_usage where task_id = $1", [taskId])).toEqual([{ n: 0 }]);
});
