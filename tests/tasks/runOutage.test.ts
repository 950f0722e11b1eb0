/**
 * A database outage while a run is finishing: the worker's writes wait for the database (connection-class
 * errors are retried with back-off) and the run completes once it is back — no crash, no lost result,
 * no duplicate message. The worker reaches the database through a TCP proxy that the test closes.
 */
import pg from "pg";
import type { ApiServer } from "../../src/http/server.js";
import { startTestServer } from "../helpers/api.js";
import { closePools, superuserPool } from "../helpers/db.js";
import { FakeOpenAI } from "../helpers/fakeOpenAI.js";
import { apiUser, executeTask, readyTask } from "../helpers/flows.js";
import { testOpenAIExecutor, testRunPool, testRunSettings } from "../helpers/runs.js";
import { TcpProxy } from "../helpers/tcpProxy.js";
import { closeOwnerPool } from "../helpers/worker.js";

let server: ApiServer;
let llm: FakeOpenAI;
let baseURL: string;
const owner = new URL(process.env.TEST_OWNER_URL!);
const proxy = new TcpProxy({ host: owner.hostname, port: Number(owner.port || 5432) });

beforeAll(async () => {
  server = await startTestServer();
  llm = new FakeOpenAI();
  ({ baseURL } = await llm.start());
  await proxy.open();
});
afterAll(async () => {
  await server.close();
  await llm.close();
  await proxy.close().catch(() => undefined);
  await closeOwnerPool();
  await closePools();
});

test("the database goes away while a run finishes: the result is written once it is back", async () => {
  const a = await apiUser();
  const { taskId } = await readyTask(server, a, { text: "Check order 42." });
  const executionId = await executeTask(server, a, taskId);

  const viaProxy = new URL(owner);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  const db = new pg.Pool({ connectionString: viaProxy.toString(), max: 4 });
  db.on("error", () => undefined); // idle clients reset by the outage
  const pool = testRunPool(testRunSettings(testOpenAIExecutor(baseURL)), {
    db,
    connectionString: viaProxy.toString(),
    capacity: 10,
    claimBatch: 10,
    heartbeatMs: 1000,
  });
  // the model answers in about 2 s; the database is down from the request until 2 s after the answer
  llm.enqueue({ kind: "stream", chunks: ["Order 42 ", "shipped."], delayMs: 700 });
  const before = llm.requests.length;
  await pool.start();
  try {
    for (let i = 0; i < 200 && llm.requests.length === before; i++) await new Promise((r) => setTimeout(r, 25));
    expect(llm.requests.length).toBe(before + 1);
    await proxy.close();
    await new Promise((r) => setTimeout(r, 4000)); // the answer arrives meanwhile; its writes wait
    const during = await superuserPool().query("select status from app_public.task_executions where execution_id = $1", [executionId]);
    expect(during.rows[0].status).toBe("running");
    await proxy.open();
    for (let i = 0; i < 200; i++) {
      const { rows } = await superuserPool().query("select status from app_public.task_executions where execution_id = $1", [executionId]);
      if (rows[0].status !== "running") break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await pool.stop();
    await db.end();
  }
  const { rows } = await superuserPool().query(
    `select e.status, e.attempts, (select count(*)::int from app_public.messages m where m.thread_id = e.thread_id and m.role = 'assistant') as answers,
            (select string_agg(m.content, '') from app_public.messages m where m.thread_id = e.thread_id and m.role = 'assistant') as answer
       from app_public.task_executions e where e.execution_id = $1`,
    [executionId],
  );
  expect(rows[0]).toEqual({ status: "completed", attempts: 1, answers: 1, answer: "Order 42 shipped." });
});
