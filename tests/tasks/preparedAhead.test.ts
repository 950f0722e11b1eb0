/**
 * Runs prepared ahead of their second (issue 20): a run pool with RUN_PREPARE_AHEAD_MS reserves a run due soon, writes its
 * thread and prompt at once, and at the run's second only flips it to running and sends the request. What the user sees
 * must not change: the request never leaves before the second, a run cancelled or paused meanwhile never runs, an edit of
 * the prompt made after the preparation is the one the model gets, a later overlap is decided by the task's policy, and a
 * worker that stops hands its reservations back.
 */
import { gql } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { apiUser, executeTask, readyTask } from "../helpers/flows.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";
import { testOpenAIExecutor, testRunPool, testRunSettings } from "../helpers/runs.js";
import { waitFor } from "../helpers/waitFor.js";
import type { RunPool } from "../../src/run/pool.js";

useServerAndModel();

const AHEAD_MS = 10_000;
const pools: RunPool[] = [];

afterEach(async () => {
  for (const p of pools.splice(0)) await p.stop();
});

function aheadPool(): RunPool {
  const pool = testRunPool(testRunSettings(testOpenAIExecutor(baseURL)), { prepareAheadMs: AHEAD_MS, pollMs: 100 });
  pools.push(pool);
  return pool;
}

/** A scheduled occurrence due in `inMs`, as the dispatcher writes it (pending, trigger schedule); wakes the pools. */
async function dueIn(taskId: string, accountId: string, inMs: number): Promise<{ executionId: string; dueAt: number }> {
  const { rows } = await superuserPool().query(
    `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, execution_context)
     values ($1, $2, 'pending', 'schedule', now() + make_interval(secs => $3::float8 / 1000), '{"trigger":"schedule"}')
     returning execution_id, (extract(epoch from scheduled_for) * 1000)::float8 as due_ms`,
    [taskId, accountId, inMs],
  );
  await superuserPool().query("select pg_notify('sat_runs_ready', '')");
  return { executionId: rows[0].execution_id, dueAt: Number(rows[0].due_ms) };
}

async function execution(executionId: string) {
  const { rows } = await superuserPool().query(
    `select e.status, e.lease_owner, e.thread_id, e.agent_run_id, e.attempts, e.error_message, e.execution_context,
            (extract(epoch from e.started_at) * 1000)::float8 as started_ms,
            (select count(*)::int from app_public.threads t where t.metadata ->> 'execution_id' = e.execution_id::text) as threads,
            (select count(*)::int from app_public.agent_runs r where r.metadata ->> 'execution_id' = e.execution_id::text) as agent_runs,
            (select m.content from app_public.messages m where m.thread_id = e.thread_id and m.role = 'user' order by m.seq limit 1) as prompt
       from app_public.task_executions e where e.execution_id = $1`,
    [executionId],
  );
  return rows[0];
}

const requestsWith = (text: string) => llm.requests.filter((r) => JSON.stringify(r.body.messages).includes(text));

test("a run due in 3 s is prepared at once and its request reaches the model at its second, not before", async () => {
  const u = await apiUser();
  const { taskId, accountId } = await readyTask(server, u, { text: "Ahead test one: report the stock of item 11." });
  await aheadPool().start();
  const { executionId, dueAt } = await dueIn(taskId, accountId, 3000);

  // reserved and prepared well before its second: pending, leased, its thread holds the prompt; no agent run, no request
  const prepared = await waitFor(
    async () => {
      const e = await execution(executionId);
      return e.thread_id && e.lease_owner ? e : null;
    },
    { timeoutMs: 2500, intervalMs: 50, what: "the run prepared ahead" },
  );
  expect(Date.now()).toBeLessThan(dueAt);
  expect(prepared).toMatchObject({ status: "pending", agent_run_id: null, attempts: 0 });
  expect(prepared.prompt).toContain("item 11");
  expect(prepared.execution_context.prepared).toMatchObject({ prompt_sha256: expect.any(String) });
  expect(requestsWith("item 11")).toHaveLength(0);

  await waitFor(async () => (await execution(executionId)).status === "completed", {
    timeoutMs: 15_000,
    intervalMs: 100,
    what: "completed",
  });
  const [request] = requestsWith("item 11");
  expect(requestsWith("item 11")).toHaveLength(1);
  expect(request!.at).toBeGreaterThanOrEqual(dueAt - 5); // not before its second (5 ms for clock rounding)
  expect(request!.at - dueAt).toBeLessThan(1000);
  const done = await execution(executionId);
  expect(done.started_ms).toBeGreaterThanOrEqual(dueAt);
  expect(done).toMatchObject({ attempts: 1, threads: 1, agent_runs: 1 });
  expect(done.thread_id).toBe(prepared.thread_id); // the prepared thread is the run's
});

test("a reserved run cancelled before its second never runs; a paused task's reserved run neither", async () => {
  const u = await apiUser();
  const one = await readyTask(server, u, { text: "Ahead test two: count the open tickets of queue 7." });
  const two = await readyTask(server, u, { text: "Ahead test three: count the open tickets of queue 8." });
  await aheadPool().start();
  const a = await dueIn(one.taskId, one.accountId, 2500);
  const b = await dueIn(two.taskId, two.accountId, 2500);
  for (const id of [a.executionId, b.executionId]) {
    await waitFor(async () => Boolean((await execution(id)).thread_id), { timeoutMs: 2000, intervalMs: 50, what: "prepared" });
  }
  const c = await gql(
    server,
    `mutation($id: UUID!) { cancelExecution(input: { executionId: $id }) { clientMutationId } }`,
    { id: a.executionId },
    u.token,
  );
  expect(c.errors).toBeUndefined();
  await superuserPool().query("update app_public.scheduled_tasks set status = 'active' where task_id = $1", [two.taskId]);
  const p = await gql(
    server,
    `mutation($id: UUID!) { pauseTask(input: { taskId: $id }) { clientMutationId } }`,
    { id: two.taskId },
    u.token,
  );
  expect(p.errors).toBeUndefined();
  await new Promise((r) => setTimeout(r, Math.max(b.dueAt, a.dueAt) - Date.now() + 1500));
  expect(requestsWith("queue 7")).toHaveLength(0);
  expect(requestsWith("queue 8")).toHaveLength(0);
  expect(await execution(a.executionId)).toMatchObject({ status: "cancelled", agent_run_id: null, attempts: 0 });
  expect(await execution(b.executionId)).toMatchObject({ status: "cancelled", agent_run_id: null, attempts: 0 });
});

test("a prompt edited after the preparation is the prompt the model gets (the stale preparation is thrown away)", async () => {
  const u = await apiUser();
  const { taskId, accountId } = await readyTask(server, u, { text: "Ahead test four: list the late shipments of warehouse 3." });
  await aheadPool().start();
  const { executionId } = await dueIn(taskId, accountId, 2500);
  const prepared = await waitFor(
    async () => {
      const e = await execution(executionId);
      return e.thread_id ? e : null;
    },
    { timeoutMs: 2000, intervalMs: 50, what: "prepared" },
  );
  const edited = "List the late shipments of warehouse 4 (edited after preparation).";
  const upd = await gql(
    server,
    `mutation($id: UUID!, $p: String!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { generatedPrompt: $p } }) { scheduledTask { needsReview } } }`,
    { id: taskId, p: edited },
    u.token,
  );
  expect(upd.errors).toBeUndefined();
  await waitFor(async () => (await execution(executionId)).status === "completed", {
    timeoutMs: 15_000,
    intervalMs: 100,
    what: "completed",
  });
  expect(requestsWith("warehouse 4 (edited")).toHaveLength(1);
  expect(requestsWith("warehouse 3")).toHaveLength(0);
  const done = await execution(executionId);
  expect(done.prompt).toBe(edited);
  expect(done.thread_id).not.toBe(prepared.thread_id);
  expect(done).toMatchObject({ threads: 1, agent_runs: 1, attempts: 1 }); // the stale thread is gone
});

test("a manual run still running at the reserved run's second: the task's overlap policy (skip) decides", async () => {
  const u = await apiUser();
  const { taskId, accountId } = await readyTask(server, u, { text: "Ahead test five: summarise the incidents of team 9." });
  await aheadPool().start();
  const { executionId, dueAt } = await dueIn(taskId, accountId, 3000);
  await waitFor(async () => Boolean((await execution(executionId)).thread_id), { timeoutMs: 2500, intervalMs: 50, what: "prepared" });
  llm.enqueue({ kind: "stream", chunks: ["Manual answer."], delayMs: 1200 }); // about 6 s: the manual run outlives the second
  const manual = await executeTask(server, u, taskId);
  await waitFor(async () => (await execution(manual)).status === "running", { timeoutMs: 5000, intervalMs: 50, what: "manual running" });
  await waitFor(async () => (await execution(executionId)).status === "cancelled", {
    timeoutMs: dueAt - Date.now() + 5000,
    intervalMs: 100,
    what: "the scheduled run skipped",
  });
  const skipped = await execution(executionId);
  expect(skipped.error_message).toMatch(/overlap policy: skip/);
  expect(skipped.agent_run_id).toBeNull();
  await waitFor(async () => (await execution(manual)).status === "completed", { timeoutMs: 15_000, intervalMs: 100, what: "manual done" });
  expect(requestsWith("team 9")).toHaveLength(1); // the manual run's only
});

test("a worker that stops hands its reservations back; another worker runs them at their second", async () => {
  const u = await apiUser();
  const { taskId, accountId } = await readyTask(server, u, { text: "Ahead test six: check the backups of cluster 5." });
  const first = aheadPool();
  await first.start();
  const { executionId, dueAt } = await dueIn(taskId, accountId, 4000);
  const prepared = await waitFor(
    async () => {
      const e = await execution(executionId);
      return e.lease_owner === first.workerId && e.thread_id ? e : null;
    },
    { timeoutMs: 3000, intervalMs: 50, what: "reserved by the first worker" },
  );
  await first.stop();
  expect(await execution(executionId)).toMatchObject({ status: "pending", lease_owner: null, attempts: 0 });
  const second = aheadPool();
  await second.start();
  await waitFor(async () => (await execution(executionId)).status === "completed", {
    timeoutMs: 15_000,
    intervalMs: 100,
    what: "completed",
  });
  const [request] = requestsWith("cluster 5");
  expect(requestsWith("cluster 5")).toHaveLength(1);
  expect(request!.at).toBeGreaterThanOrEqual(dueAt - 5);
  expect(await execution(executionId)).toMatchObject({ threads: 1, agent_runs: 1, attempts: 1, thread_id: prepared.thread_id });
});

test("runs reserved by several claims for the same second all start at it, each once", async () => {
  const u = await apiUser();
  const { taskId, accountId } = await readyTask(server, u, { text: "Ahead test seven: ping the status page of region 12." });
  await superuserPool().query("update app_public.scheduled_tasks set overlap_policy = 'allow_all' where task_id = $1", [taskId]);
  // (this file's database only) no plan cap, so all 40 run at once
  await superuserPool().query("update app_private.plan_limits set max_concurrent_executions = null");
  // small claims: the 40 runs are reserved by 8 claims, with timers a few ms apart; the model answers in about 3 s, so a run
  // the pool lost track of would be handed back by a heartbeat (every second here) and run a second time
  for (let i = 0; i < 40; i++) llm.enqueue({ kind: "stream", chunks: ["Region 12 is up."], delayMs: 600 });
  const pool = testRunPool(testRunSettings(testOpenAIExecutor(baseURL)), {
    prepareAheadMs: AHEAD_MS,
    pollMs: 100,
    claimBatch: 5,
    heartbeatMs: 1000,
  });
  pools.push(pool);
  await pool.start();
  const { rows } = await superuserPool().query(
    `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, execution_context)
     select $1, $2, 'pending', 'schedule', date_trunc('second', now()) + interval '4 seconds' + make_interval(secs => g * 0.0002),
            '{"trigger":"schedule"}' from generate_series(1, 40) g
     returning execution_id, (extract(epoch from scheduled_for) * 1000)::float8 as due_ms`,
    [taskId, accountId],
  );
  await superuserPool().query("select pg_notify('sat_runs_ready', '')");
  const dueAt = Math.min(...rows.map((r) => Number(r.due_ms))); // 40 occurrences within 8 ms of the same second
  const ids = rows.map((r) => r.execution_id as string);
  await waitFor(
    async () => {
      const { rows: done } = await superuserPool().query(
        "select count(*)::int as n from app_public.task_executions where execution_id = any($1) and status = 'completed'",
        [ids],
      );
      return done[0].n === ids.length;
    },
    { timeoutMs: 20_000, intervalMs: 100, what: "all 40 completed" },
  );
  const requests = requestsWith("region 12");
  expect(requests).toHaveLength(40);
  for (const r of requests) {
    expect(r.at).toBeGreaterThanOrEqual(dueAt - 5);
    expect(r.at - dueAt).toBeLessThan(1500); // none waits for a heartbeat to hand it back
  }
  const { rows: started } = await superuserPool().query(
    "select count(*)::int as n, max(attempts)::int as attempts from app_public.task_executions where execution_id = any($1)",
    [ids],
  );
  expect(started[0]).toEqual({ n: 40, attempts: 1 });
});
