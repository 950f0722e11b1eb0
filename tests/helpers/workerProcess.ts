/**
 * A real graphile-worker in its own process, for the killed-worker test: it runs run_execution
 * with the OpenAI executor against FAKE_OPENAI_URL until the test kills it with SIGKILL.
 */
import { run } from "graphile-worker";
import { makeOpenAIExecutor } from "../../src/agent/openaiExecutor.js";
import { makeRunExecution } from "../../tasks/run_execution.js";

const executor = makeOpenAIExecutor({
  apiKey: "sk-test",
  baseURL: process.env.FAKE_OPENAI_URL!,
  defaultModel: "gpt-4o",
  requestTimeoutMs: 60_000,
  maxSteps: 6,
  maxTotalTokens: 100_000,
  mcp: { servers: {}, allowedHosts: [] },
});
await run({
  connectionString: process.env.TEST_OWNER_URL!,
  concurrency: 1,
  pollInterval: 100,
  taskList: { run_execution: makeRunExecution({ executor, webhook: null, defaultModel: "gpt-4o", runTimeoutMs: 60_000, cancelPollMs: 500 }) },
});
