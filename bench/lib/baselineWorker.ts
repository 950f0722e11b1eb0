/**
 * The baseline of bench:runs: today's-design run stage, where every agent run holds one
 * graphile-worker job slot for its whole duration (WORKER_CONCURRENCY, at most 100). The run
 * itself is the product's (start_execution, the OpenAI executor, finish_execution): only where it
 * is held differs. Env: DATABASE_URL, OPENAI_BASE_URL, BASELINE_CONCURRENCY.
 */
import pg from "pg";
import { run } from "graphile-worker";
import { makeOpenAIExecutor } from "../../src/agent/openaiExecutor.js";
import { makeRunExecutor } from "../../src/run/execute.js";
import type { StartedRun } from "../../src/run/types.js";

const db = new pg.Pool({ connectionString: process.env.DATABASE_URL!, max: 20 });
const executor = makeOpenAIExecutor({
  apiKey: "sk-bench",
  baseURL: process.env.OPENAI_BASE_URL!,
  defaultModel: "bench-model",
  requestTimeoutMs: 600_000,
  maxSteps: 4,
  maxTotalTokens: 100_000,
  mcp: { servers: {}, allowedHosts: [] },
});
const execute = makeRunExecutor(db, {
  executor,
  webhook: null,
  defaultModel: "bench-model",
  runTimeoutMs: 600_000,
  maxAttempts: 4,
  provider: "baseline",
});
const runner = await run({
  connectionString: process.env.DATABASE_URL!,
  concurrency: Number(process.env.BASELINE_CONCURRENCY ?? 100),
  pollInterval: 200,
  noHandleSignals: true,
  taskList: {
    bench_slot_run: async (payload) => {
      const { execution_id } = payload as { execution_id: string };
      const { rows } = await db.query<{ s: StartedRun | null }>("select app_private.start_execution($1, 'openai', 'bench-model') as s", [
        execution_id,
      ]);
      if (rows[0]?.s) await execute(rows[0].s, new AbortController().signal, () => null);
    },
  },
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void runner
    .stop()
    .then(() => db.end())
    .then(() => process.exit(0));
});
