/**
 * A real run pool in its own process, for the killed-worker tests: it runs due executions with the
 * OpenAI executor against FAKE_OPENAI_URL until the test kills it (SIGKILL) or stops it (SIGTERM).
 */
import { testOpenAIExecutor, testRunPool, testRunSettings } from "./runs.js";
import { closeOwnerPool } from "./worker.js";

const pool = testRunPool(testRunSettings(testOpenAIExecutor(process.env.FAKE_OPENAI_URL!, {}, 60_000)), {
  leaseSeconds: Number(process.env.RUN_LEASE_SECONDS ?? 5),
  heartbeatMs: 1000,
});
await pool.start();
process.once("SIGTERM", () => {
  void pool
    .stop()
    .then(() => closeOwnerPool())
    .then(() => process.exit(0));
});
