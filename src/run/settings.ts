/**
 * How this process executes agent runs, from its configuration: the OpenAI executor when a key is set, else the
 * labelled offline dry run; or the external agent runtime (AGENT_WEBHOOK_URL). The run pool's wiring, in the run stage.
 */
import { runProviderKey, type Config } from "../config.js";
import { makeOfflineExecutor } from "../agent/offlineExecutor.js";
import { makeOpenAIExecutor } from "../agent/openaiExecutor.js";
import type { AgentExecutor } from "../agent/types.js";
import type { RunSettings } from "./types.js";

/** The agent executor: OpenAI when a key is configured, else the labelled offline dry run. */
export function makeExecutor(config: Config): AgentExecutor {
  if (!config.llm.apiKey) return makeOfflineExecutor({ defaultModel: config.agent.model });
  return makeOpenAIExecutor({
    apiKey: config.llm.apiKey,
    baseURL: config.llm.baseUrl,
    defaultModel: config.agent.model,
    requestTimeoutMs: config.agent.requestTimeoutMs,
    maxSteps: config.agent.maxSteps,
    maxTotalTokens: config.agent.maxTotalTokens,
    mcp: config.agent.mcp,
  });
}

/** How agent runs are executed (the run pool's executor): OpenAI, the offline dry run, or the external webhook runtime. */
export function runSettings(config: Config): RunSettings {
  const { webhookUrl, webhookSecret, publicUrl } = config.agent;
  return {
    executor: webhookUrl ? null : makeExecutor(config),
    webhook:
      webhookUrl && webhookSecret && publicUrl
        ? { url: webhookUrl, secret: webhookSecret, publicUrl, timeoutMs: config.agent.requestTimeoutMs }
        : null,
    defaultModel: config.agent.model,
    runTimeoutMs: config.agent.runTimeoutMs,
    maxAttempts: config.run.maxAttempts,
    retryBaseMs: config.run.retryBaseMs,
    provider: runProviderKey(config),
    mcp: config.agent.mcp,
  };
}
