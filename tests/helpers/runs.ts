/** Runs due executions through a real run pool (tests only), until nothing runnable is left. */
import { makeOpenAIExecutor, modelCallCheck } from "../../src/agent/openaiExecutor.js";
import type { AgentExecutor } from "../../src/agent/types.js";
import { makeRunExecutor } from "../../src/run/execute.js";
import type { RunSettings } from "../../src/run/types.js";
import { RunPool, type RunPoolOptions } from "../../src/run/pool.js";
import { ownerPool } from "./worker.js";

export const TEST_PROVIDER = "test-provider";

/** The real OpenAI executor against a loopback model (tests/helpers/fakeOpenAI.ts); `mcpServers` are the operator's MCP_SERVERS. */
export function testOpenAIExecutor(
  baseURL: string,
  mcpServers: Record<string, { command: string; args?: string[] }> = {},
  requestTimeoutMs = 20_000,
): AgentExecutor {
  return makeOpenAIExecutor({
    apiKey: "sk-test",
    baseURL,
    defaultModel: "gpt-4o",
    requestTimeoutMs,
    maxSteps: 6,
    maxTotalTokens: 100_000,
    mcp: { servers: mcpServers, allowedHosts: [] },
  });
}

export function testRunSettings(executor: AgentExecutor | null, extra: Partial<RunSettings> = {}): RunSettings {
  return {
    executor,
    webhook: null,
    defaultModel: "gpt-4o",
    runTimeoutMs: 60_000,
    maxAttempts: 4,
    retryBaseMs: 5000,
    provider: TEST_PROVIDER,
    ...extra,
  };
}

/** A run pool with test-sized settings; `extra.db` (and its `connectionString`) replace the owner pool for claims and writes alike. */
export function testRunPool(settings: RunSettings, extra: Partial<RunPoolOptions> = {}): RunPool {
  const db = extra.db ?? ownerPool();
  // as createRunPool (src/worker.ts) does: the executor asks the plan before every model call
  settings.executor?.bindModelCallCheck?.(modelCallCheck(db));
  return new RunPool({
    db,
    connectionString: process.env.TEST_OWNER_URL!,
    capacity: 100,
    claimBatch: 50,
    leaseSeconds: 30,
    heartbeatMs: 5000,
    pollMs: 200,
    provider: settings.provider,
    executorKind: settings.webhook ? "webhook" : (settings.executor?.kind ?? "offline"),
    defaultModel: settings.defaultModel,
    execute: makeRunExecutor(db, settings),
    ...extra,
  });
}

/** Starts a pool, runs every due execution to its end, stops the pool. */
export async function runRuns(executor: AgentExecutor | null, extra: Partial<RunSettings> = {}): Promise<void> {
  const pool = testRunPool(testRunSettings(executor, extra));
  await pool.start();
  try {
    await pool.drain();
  } finally {
    await pool.stop();
  }
}
