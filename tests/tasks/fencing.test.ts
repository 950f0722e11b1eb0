/**
 * Every occurrence runs once and every run ends (issues 17 and 24), with real faults:
 *   - a worker process stalled with SIGSTOP past its lease wakes after another worker took its run over: its writes
 *     are refused by the lease epoch, so the run has exactly one answer, the current holder's;
 *   - a database outage longer than any write-retry window: the run's result stays with its process and is written
 *     when the database returns — one model request, one answer, nothing left running;
 *   - the run pool never starts a second copy of a run it already runs, and hands back what it holds but no longer runs.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { PROJECT_ROOT } from "../../src/config.js";
import { superuserPool } from "../helpers/db.js";
import { apiUser, executeTask, readyTask, type TestUserToken } from "../helpers/flows.js";
import { testOpenAIExecutor, testRunPool, testRunSettings } from "../helpers/runs.js";
import { TcpProxy } from "../helpers/tcpProxy.js";
import { waitFor } from "../helpers/waitFor.js";
import { baseURL, llm, server, useServerAndModel } from "../helpers/harness.js";

useServerAndModel();

async function executedTask(u: TestUserToken, text: string): Promise<string> {
  const { taskId } = await readyTask(server, u, { text });
  return executeTask(server, u, taskId);
}

async function outcome(executionId: string) {
  const { rows } = await superuserPool().query(
    `select e.status, e.attempts, e.lease_epoch::int as lease_epoch,
            (select count(*)::int from app_public.messages m where m.thread_id = e.thread_id and m.role = 'assistant') as answers,
            (select string_agg(m.content, '' order by m.seq) from app_public.messages m where m.thread_id = e.thread_id and m.role = 'assistant') as answer,
            (select count(*)::int from app_private.model_usage u where u.execution_id = e.execution_id) as metered_calls
       from app_public.task_executions e where e.execution_id = $1`,
    [executionId],
  );
  return rows[0];
}

const requestsFor = (executionPrompt: string) => llm.requests.filter((r) => JSON.stringify(r).includes(executionPrompt)).length;

test("a worker stalled (SIGSTOP) past its lease wakes after another took the run over: its writes are refused, one answer", async () => {
  const a = await apiUser();
  const executionId = await executedTask(a, "Stall test: report the stock level of item 7.");
  // the stalled worker's answer arrives while it is stopped; the new holder's answer takes 3 s
  llm.enqueue({ kind: "stream", chunks: ["Stale ", "answer."], delayMs: 300 });
  llm.enqueue({ kind: "stream", chunks: ["Current ", "answer."], delayMs: 1500 });
  const before = llm.requests.length;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "tests/helpers/workerProcess.ts")], {
    env: { ...process.env, FAKE_OPENAI_URL: baseURL, RUN_LEASE_SECONDS: "3" },
    stdio: "ignore",
  });
  try {
    await waitFor(() => llm.requests.length > before, { timeoutMs: 30_000, intervalMs: 50, what: "the first worker's model request" });
    child.kill("SIGSTOP");
    const stoppedAt = Date.now();
    // another worker takes the run over once the stalled worker's lease has expired
    const taker = testRunPool(testRunSettings(testOpenAIExecutor(baseURL)), { leaseSeconds: 30, heartbeatMs: 1000 });
    await taker.start();
    try {
      await waitFor(() => llm.requests.length > before + 1, { timeoutMs: 30_000, intervalMs: 50, what: "the new holder's model request" });
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(2500); // not before the lease expired
      child.kill("SIGCONT"); // the stalled worker wakes with its answer in hand, while the new holder waits on the model
      await waitFor(async () => (await outcome(executionId)).status === "completed", {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: "the run to complete",
      });
      // the woken worker's model call is metered even though its writes were refused
      await waitFor(async () => (await outcome(executionId)).metered_calls >= 2, {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: "both model calls metered",
      });
    } finally {
      await taker.stop();
    }
  } finally {
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
  }
  expect(await outcome(executionId)).toMatchObject({
    status: "completed",
    answers: 1,
    answer: "Current answer.",
    attempts: 1,
    lease_epoch: 2,
  });
}, 90_000);

test("the pool's reconcile hands back a run the database says it holds but that it does not run", async () => {
  const a = await apiUser();
  const executionId = await executedTask(a, "Reconcile test: list open tickets.");
  const pool = testRunPool(testRunSettings(testOpenAIExecutor(baseURL)), {
    heartbeatMs: 300,
    pollMs: 60_000,
    workerId: "reconcile-worker",
  });
  // the run is held by this worker id in the database (as after a copy that ended without writing), but not run by it
  await superuserPool().query("select app_private.heartbeat_run_worker('reconcile-worker', 10, 'test-provider', 30)");
  await superuserPool().query(
    "update app_public.task_executions set status = 'running', lease_owner = 'reconcile-worker', lease_epoch = lease_epoch + 1, attempts = 1, attempt_open = true, run_after = now() + interval '1 hour' where execution_id = $1",
    [executionId],
  );
  await pool.start();
  try {
    await waitFor(async () => (await outcome(executionId)).status === "pending", {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: "the run to be handed back",
    });
  } finally {
    await pool.stop();
  }
  expect(await outcome(executionId)).toMatchObject({ status: "pending", attempts: 0 }); // a hand-back costs no attempt
});

test("a database outage longer than a minute while a run finishes: written when it returns, one model request, one answer", async () => {
  const a = await apiUser();
  const prompt = "Outage test: summarise the overnight alerts.";
  const executionId = await executedTask(a, prompt);
  const owner = new URL(process.env.TEST_OWNER_URL!);
  const proxy = new TcpProxy({ host: owner.hostname, port: Number(owner.port || 5432) });
  await proxy.open();
  const viaProxy = new URL(owner);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  const db = new pg.Pool({ connectionString: viaProxy.toString(), max: 4, connectionTimeoutMillis: 2000 });
  db.on("error", () => undefined);
  const pool = testRunPool(testRunSettings(testOpenAIExecutor(baseURL)), {
    db,
    connectionString: viaProxy.toString(),
    leaseSeconds: 5,
    heartbeatMs: 1000,
    workerId: "outage-worker",
  });
  llm.enqueue({ kind: "stream", chunks: ["All ", "quiet."], delayMs: 500 });
  const before = requestsFor(prompt);
  await pool.start();
  try {
    await waitFor(() => requestsFor(prompt) > before, { timeoutMs: 30_000, intervalMs: 25, what: "the model request" });
    await proxy.close();
    // longer than the 60 s the run stage used to retry a write before giving up (and stranding the run)
    await new Promise((r) => setTimeout(r, 65_000));
    expect((await outcome(executionId)).status).toBe("running");
    await proxy.open();
    await waitFor(async () => (await outcome(executionId)).status !== "running", {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: "the run to end after the outage",
    });
  } finally {
    await pool.stop();
    await db.end();
    await proxy.close().catch(() => undefined);
  }
  expect(await outcome(executionId)).toMatchObject({ status: "completed", answers: 1, answer: "All quiet.", attempts: 1 });
  expect(requestsFor(prompt) - before).toBe(1);
}, 150_000);
