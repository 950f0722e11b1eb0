/**
 * generate_prompt: turns a task's exported conversation into its prompt.
 * load → generate (LLM or offline) → write back through SQL.
 *
 * Always ends the generation in `ready` or `failed` (with a readable prompt_error):
 * - provider errors (the OpenAI SDK has already retried 429 / 5xx / timeouts, LLM_MAX_RETRIES), a thread without a user
 *   message, a prompt too long, a plan limit (token allowance used up, ST010) or a configuration that cannot work
 *   (context budget too small) are recorded at once and the job ends;
 * - any other error (e.g. the database, a worker shutdown aborting the call) is thrown so graphile-worker retries the
 *   job, except on its last attempt, when the failure is recorded instead.
 *
 * Spend: before every model call (chunk and combine calls included) the billing owner's token allowance is checked;
 * after it, its tokens are recorded with app_private.record_model_usage (kind 'prompt', provider = OPENAI_BASE_URL).
 * The offline generator makes no model call and records nothing.
 *
 * Suggested schedule: the same job proposes the schedule the conversation asks for (src/schedule/suggest.ts: the
 * grammar over the user's messages; with `schedule.useModel` and a provider, one structured model call for a
 * sentence the grammar cannot read, metered as kind 'schedule') and stores it with the prompt, in one transaction
 * (app_private.suggest_schedule). It is never applied: the user confirms it with scheduleTask. A failure to suggest
 * never fails the prompt: the suggestion is then null.
 */
import type { Task } from "graphile-worker";
import {
  generateTaskPrompt,
  NoUserMessageError,
  PromptGenerationError,
  SpendLimitError,
  type ModelCallMeter,
  type ThreadMessage,
} from "../src/llm/generate.js";
import { ProviderError, providerKey, type PromptProvider } from "../src/llm/providers.js";
import { PromptTooLongError } from "../src/llm/safety.js";
import { log } from "../src/logger.js";
import { promptGenerations } from "../src/metrics.js";
import type { ScheduleMeter } from "../src/schedule/model.js";
import { suggestSchedule, type SuggestedSchedule } from "../src/schedule/suggest.js";

/** The provider's shared limits (app_private.provider_budget) leave no room now: try again at retryAt. */
export class ProviderBusyError extends Error {
  constructor(
    message: string,
    public readonly retryAt: Date,
  ) {
    super(message);
    this.name = "ProviderBusyError";
  }
}

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
  /** The suggested schedule: SCHEDULE_MIN_INTERVAL_SECONDS (default 300), and whether the model may read it (default no). */
  schedule?: { minIntervalSeconds: number; useModel: boolean };
}

/** Errors that another attempt would not fix: recorded at once. */
const isPermanent = (err: unknown): err is Error =>
  err instanceof ProviderError ||
  err instanceof NoUserMessageError ||
  err instanceof PromptTooLongError ||
  err instanceof SpendLimitError ||
  err instanceof PromptGenerationError;

export function makeGeneratePrompt(settings: PromptSettings): Task {
  return async (payload, helpers) => {
    const { task_id, generation } = assertGeneratePromptPayload(payload);
    const { rows } = await helpers.query<{
      original_messages: ThreadMessage[];
      prompt_generation: number;
      account_id: string;
      timezone: string;
    }>("select original_messages, prompt_generation, account_id, timezone from app_public.scheduled_tasks where task_id = $1", [task_id]);
    const task = rows[0];
    if (!task || task.prompt_generation !== generation) return; // deleted, or superseded by a regeneration

    const provider = settings.provider;
    const endpoint = provider?.endpoint ?? providerKey(null);
    const generator = provider?.name ?? "offline";
    const meter: ModelCallMeter | undefined = provider
      ? {
          async beforeCall() {
            const { rows: r } = await helpers.query<{
              refusal: string | null;
              available: number | null;
              reason: string | null;
              retry_at: Date | null;
            }>(
              "select app_private.check_token_allowance($1) as refusal, b.available, b.reason, b.retry_at from app_private.provider_budget($2) b",
              [task.account_id, endpoint],
            );
            if (r[0]?.refusal) throw new SpendLimitError(r[0].refusal);
            // the provider's shared limits (all workers; agent runs too): wait rather than fail
            if (r[0]?.available === 0)
              throw new ProviderBusyError(r[0].reason ?? "model provider busy", r[0].retry_at ?? new Date(Date.now() + 5000));
          },
          async afterCall({ model, usage }) {
            await recordUsage(helpers, "prompt", { account_id: task.account_id, task_id, endpoint }, model, usage);
          },
        }
      : undefined;

    try {
      const result = await generateTaskPrompt(task.original_messages, {
        provider,
        contextBudgetTokens: settings.contextBudgetTokens,
        maxTokens: settings.maxTokens,
        signal: helpers.abortSignal,
        meter,
      });
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
      const suggestion = await suggest(task, task_id, endpoint, helpers, settings);
      await helpers.withPgClient(async (client) => {
        await client.query("begin");
        try {
          await client.query("select app_private.complete_prompt_generation($1, $2, $3, $4, $5, $6)", [
            task_id,
            generation,
            result.prompt,
            result.source,
            JSON.stringify(info),
            result.injectionReasons,
          ]);
          await client.query("select app_private.suggest_schedule($1, $2, $3)", [
            task_id,
            generation,
            suggestion ? JSON.stringify(suggestion) : null,
          ]);
          await client.query("commit");
        } catch (err) {
          await client.query("rollback").catch(() => undefined);
          throw err;
        }
      });
      promptGenerations.inc({ outcome: "ready", generator });
      log.info("prompt generated", {
        task_id,
        generation,
        provider: result.provider,
        chunks: result.chunks,
        flagged: result.injectionReasons.length > 0,
      });
    } catch (caught) {
      let err = caught;
      if (err instanceof ProviderError && err.status === 429 && err.transient) {
        // a 429 slows the whole provider down (every worker, agent runs too), honouring Retry-After
        const retryAt = new Date(Date.now() + (err.retryAfterMs ?? 10_000));
        await helpers.query("select app_private.back_off_provider($1, $2, $3)", [endpoint, retryAt, err.message]);
        err = new ProviderBusyError(`model provider rate limited (429)`, retryAt);
      }
      if (err instanceof ProviderBusyError) {
        // not the task's fault: run again when the provider has room, without using up an attempt
        promptGenerations.inc({ outcome: "waiting", generator });
        log.info("prompt generation waits for the model provider", {
          task_id,
          generation,
          reason: err.message,
          retry_at: err.retryAt.toISOString(),
        });
        await helpers.query(
          "update app_public.scheduled_tasks set prompt_error = $3 where task_id = $1 and prompt_generation = $2 and prompt_status = 'pending'",
          [task_id, generation, `waiting: ${err.message}`],
        );
        await helpers.addJob("generate_prompt", { task_id, generation }, { runAt: err.retryAt, jobKey: `generate_prompt:${task_id}` });
        return;
      }
      const { attempts, max_attempts } = helpers.job;
      const lastAttempt = attempts >= max_attempts;
      const shuttingDown = helpers.abortSignal?.aborted === true;
      if (!lastAttempt && (shuttingDown || !isPermanent(err))) {
        promptGenerations.inc({ outcome: "retry", generator });
        log.warn("prompt generation failed, will retry", { task_id, generation, attempt: attempts, max_attempts, error: String(err) });
        throw err;
      }
      const detail = err instanceof Error ? err.message : String(err);
      const message = isPermanent(err) ? detail : `prompt generation failed after ${attempts} attempts: ${detail}`;
      promptGenerations.inc({ outcome: "failed", generator });
      log.warn("prompt generation failed", { task_id, generation, attempt: attempts, error: message });
      await helpers.query("select app_private.fail_prompt_generation($1, $2, $3)", [task_id, generation, message]);
    }
  };
}

/** One model call of this job in the spend ledger (app_private.record_model_usage), as prompt generation or a schedule reading. */
async function recordUsage(
  helpers: Parameters<Task>[1],
  kind: "prompt" | "schedule",
  at: { account_id: string; task_id: string; endpoint: string },
  model: string,
  usage: { promptTokens: number; completionTokens: number },
): Promise<void> {
  await helpers.query("select app_private.record_model_usage($1, $2, $3, $4, $5, $6, $7, null)", [
    at.account_id,
    kind,
    at.endpoint,
    model,
    usage.promptTokens,
    usage.completionTokens,
    at.task_id,
  ]);
}

/** The schedule the conversation asks for, or null (see the file comment); never throws for the model's sake. */
async function suggest(
  task: { original_messages: ThreadMessage[]; account_id: string; timezone: string },
  task_id: string,
  endpoint: string,
  helpers: Parameters<Task>[1],
  settings: PromptSettings,
): Promise<SuggestedSchedule | null> {
  const provider = settings.schedule?.useModel ? settings.provider : null;
  const meter: ScheduleMeter = {
    async before() {
      const { rows } = await helpers.query<{ refusal: string | null; available: number | null; reason: string | null }>(
        "select app_private.check_token_allowance($1) as refusal, b.available, b.reason from app_private.provider_budget($2) b",
        [task.account_id, endpoint],
      );
      return rows[0]?.refusal ?? (rows[0]?.available === 0 ? (rows[0].reason ?? "model provider busy") : null);
    },
    async after({ model, usage }) {
      await recordUsage(helpers, "schedule", { account_id: task.account_id, task_id, endpoint }, model, usage);
    },
  };
  try {
    return await suggestSchedule(task.original_messages, {
      timezone: task.timezone || "UTC",
      now: new Date(),
      minIntervalSeconds: settings.schedule?.minIntervalSeconds ?? 300,
      model: provider ? { provider, meter, signal: helpers.abortSignal } : null,
    });
  } catch (err) {
    log.warn("no schedule suggested: reading the conversation failed", { task_id, error: String(err) });
    return null;
  }
}
