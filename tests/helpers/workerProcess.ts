/**
 * A real run pool in its own process, for the killed-worker tests: it runs due executions with the
 * OpenAI executor against FAKE_OPENAI_URL until the test kills it (SIGKILL) or stops it (SIGTERM).
 */
import pg from "pg";
import { makeOpenAIExecutor } from "../../src/agent/openaiExecutor.js";
import { makeRunExecutor } from "../../src/run/execute.js";
import { RunPool } from "../../src/run/pool.js";

const executor = makeOpenAIExecutor({
  apiKey: "sk-test",
  baseURL: process.env.FAKE_OPENAI_URL!,
  defaultModel: "gpt-4o",
  requestTimeoutMs: 60_000,
  maxSteps: 6,
  maxTotalTokens: 100_000,
  mcp: { servers: {}, allowedHosts: [] },
});
const db = new pg.Pool({ connectionString: process.env.TEST_OWNER_URL!, max: 4 });
const settings = { executor, webhook: null, defaultModel: "gpt-4o", runTimeoutMs: 60_000, maxAttempts: 4, provider: "test-provider" };
const pool = new RunPool({
  db,
  connectionString: process.env.TEST_OWNER_URL!,
  capacity: 100,
  claimBatch: 50,
  leaseSeconds: Number(process.env.RUN_LEASE_SECONDS ?? 5),
  heartbeatMs: 1000,
  pollMs: 200,
  provider: "test-provider",
  executorKind: "openai",
  defaultModel: "gpt-4o",
  execute: makeRunExecutor(db, settings),
});
await pool.start();
process.once("SIGTERM", () => {
  void pool
    .stop()
    .then(() => db.end())
    .then(() => process.exit(0));
});
