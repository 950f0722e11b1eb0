/**
 * The worker's task list: one file per task in this folder, file name = task identifier.
 */
import type { TaskList } from "graphile-worker";
import type { Config } from "../src/config.js";
import { makeOpenAIProvider } from "../src/llm/providers.js";
import { makeGeneratePrompt } from "./generate_prompt.js";

/** max_tokens for prompt generation (the plan's value). */
export const PROMPT_MAX_TOKENS = 2000;

export function taskList(config: Config): TaskList {
  const provider = config.llm.apiKey
    ? makeOpenAIProvider({
        apiKey: config.llm.apiKey,
        baseURL: config.llm.baseUrl,
        model: config.llm.model,
        timeoutMs: config.llm.timeoutMs,
        maxRetries: config.llm.maxRetries,
      })
    : null;
  return {
    generate_prompt: makeGeneratePrompt({
      provider,
      contextBudgetTokens: config.llm.contextBudgetTokens,
      maxTokens: PROMPT_MAX_TOKENS,
    }),
  };
}
