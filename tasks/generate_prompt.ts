/**
 * generate_prompt: turns a task's exported conversation into its prompt.
 * load → generate (LLM or offline) → write back through SQL.
 *
 * Retries: the OpenAI SDK retries 429 / 5xx / timeouts with backoff (LLM_MAX_RETRIES); this
 * handler does not add its own on top. A provider error after the SDK gave up is recorded as
 * prompt_error and the job ends. Only unexpected errors (e.g. the database) make the job fail
 * and be retried by graphile-worker.
 */
import type { Task } from "graphile-worker";
import { generateTaskPrompt, NoUserMessageError, type ThreadMessage } from "../src/llm/generate.js";
import { ProviderError, type PromptProvider } from "../src/llm/providers.js";
import { PromptTooLongError } from "../src/llm/safety.js";
import { log } from "../src/logger.js";

export interface GeneratePromptPayload {
  task_id: string;
  generation: number;
}

export function assertGeneratePromptPayload(payload: unknown): GeneratePromptPayload {
  const p = payload as Partial<GeneratePromptPayload> | null;
  if (!p || typeof p.task_id !== "string" || typeof p.generation !== "number") {
    throw new Error(`generate_prompt: payload must be {task_id: uuid, generation: number}, got ${JSON.stringify(payload)}`);
  }
  return { task_id: p.task_id, generation: p.generation };
}

export interface PromptSettings {
  provider: PromptProvider | null;
  contextBudgetTokens: number;
  maxTokens: number;
}

export function makeGeneratePrompt(settings: PromptSettings): Task {
  return async (payload, helpers) => {
    const { task_id, generation } = assertGeneratePromptPayload(payload);
    const { rows } = await helpers.query<{ original_messages: ThreadMessage[]; prompt_generation: number }>(
      "select original_messages, prompt_generation from app_public.scheduled_tasks where task_id = $1",
      [task_id],
    );
    const task = rows[0];
    if (!task || task.prompt_generation !== generation) return; // deleted, or superseded by a regeneration

    let result;
    try {
      result = await generateTaskPrompt(task.original_messages, {
        provider: settings.provider,
        contextBudgetTokens: settings.contextBudgetTokens,
        maxTokens: settings.maxTokens,
        signal: helpers.abortSignal,
      });
    } catch (err) {
      if (err instanceof ProviderError || err instanceof NoUserMessageError || err instanceof PromptTooLongError) {
        log.warn("prompt generation failed", { task_id, generation, error: err.message });
        await helpers.query("select app_private.fail_prompt_generation($1, $2, $3)", [task_id, generation, err.message]);
        return;
      }
      throw err;
    }
    const info = {
      source: result.source,
      provider: result.provider,
      model: result.model,
      offline: result.source === "offline",
      template_version: result.templateVersion,
      usage: result.usage,
      duration_ms: result.durationMs,
      chunks: result.chunks,
      generated_at: new Date().toISOString(),
    };
    await helpers.query("select app_private.complete_prompt_generation($1, $2, $3, $4, $5, $6)", [
      task_id,
      generation,
      result.prompt,
      result.source,
      JSON.stringify(info),
      result.injectionReasons,
    ]);
    log.info("prompt generated", { task_id, generation, provider: result.provider, chunks: result.chunks, flagged: result.injectionReasons.length > 0 });
  };
}
