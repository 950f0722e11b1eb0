/** Runs due executions through a real run pool (tests only), until nothing runnable is left. */
import type { AgentExecutor } from "../../src/agent/types.js";
import { makeRunExecutor, type RunSettings } from "../../src/run/execute.js";
import { RunPool, type RunPoolOptions } from "../../src/run/pool.js";
import { ownerPool } from "./worker.js";

export const TEST_PROVIDER = "test-provider";

export function testRunSettings(executor: AgentExecutor | null, extra: Partial<RunSettings> = {}): RunSettings {
  return { executor, webhook: null, defaultModel: "gpt-4o", runTimeoutMs: 60_000, maxAttempts: 4, retryBaseMs: 5000, provider: TEST_PROVIDER, ...extra };
}

export function testRunPool(settings: RunSettings, extra: Partial<RunPoolOptions> = {}): RunPool {
  return new RunPool({
    db: ownerPool(),
    connectionString: process.env.TEST_OWNER_URL!,
    capacity: 100,
    claimBatch: 50,
    leaseSeconds: 30,
    heartbeatMs: 5000,
    pollMs: 200,
    provider: settings.provider,
    executorKind: settings.webhook ? "webhook" : (settings.executor?.kind ?? "offline"),
    defaultModel: settings.defaultModel,
    execute: makeRunExecutor(ownerPool(), settings),
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
