import type OpenAI from "openai";
import { providerKey } from "../config.js";
import { classifyOpenAIError, makeOpenAIClient, makeRedactor, type Usage } from "./openaiClient.js";
import { countModelCall, type ModelCallKind } from "../metrics.js";

export type { Usage } from "./openaiClient.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompletionResult {
  text: string;
  model: string;
  usage: Usage | null;
}

export interface CompleteOptions {
  maxTokens: number;
  signal?: AbortSignal;
  /** Structured output: the reply must be JSON matching this schema (OpenAI `response_format: json_schema`, strict). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  /** The `kind` label of the call's metrics (default "prompt"). */
  metricKind?: ModelCallKind;
}

export interface PromptProvider {
  readonly name: "openai" | "offline";
  readonly model: string;
  /** Where the calls go, as metered in app_private.model_usage.provider (see providerKey). */
  readonly endpoint?: string;
  complete(messages: ChatMessage[], opts: CompleteOptions): Promise<CompletionResult>;
}

/**
 * A provider failure, already past the SDK's own retries.
 * `transient` = the cause may go away on its own (rate limit, 5xx, timeout, network). It is informational:
 * the SDK has already retried these, so callers should record the failure rather than retry again.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    public readonly transient: boolean,
    public readonly status?: number,
    /** The server's Retry-After (429/503…), in ms: a caller that retries must not do so earlier. */
    public readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

export class NoUserMessageError extends Error {
  constructor() {
    super("thread has no user message");
    this.name = "NoUserMessageError";
  }
}

/** The key model calls are metered and limited under: src/config.ts providerKey. */
export { providerKey };

export interface OpenAIProviderConfig {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

/**
 * OpenAI chat-completions provider.
 *
 * Retry policy (deliberate): the SDK alone retries 408/409/429/5xx, timeouts and connection errors, `maxRetries` times
 * with exponential backoff honouring Retry-After. Nothing above this layer retries again, so attempts are never
 * multiplied (worst case per call: (maxRetries + 1) × timeoutMs plus backoff). Once the SDK gives up, errors become a
 * ProviderError: transient=true for the retryable kinds (message says "after N retries"), transient=false for
 * 400/401/403/404/422, context-length errors, exhausted quota, refusals, truncated output and malformed responses.
 * A connection lost while the body is read (reset, undici "terminated") is transient too. The last response's
 * Retry-After is carried as `retryAfterMs`. Classification lives in ./openaiClient.ts, shared with the agent executor.
 */
export function makeOpenAIProvider(cfg: OpenAIProviderConfig): PromptProvider {
  const client = makeOpenAIClient({ apiKey: cfg.apiKey, baseURL: cfg.baseURL, timeoutMs: cfg.timeoutMs, maxRetries: cfg.maxRetries });
  const redact = makeRedactor(cfg.apiKey);

  return {
    name: "openai",
    model: cfg.model,
    endpoint: providerKey(cfg.baseURL),
    async complete(messages, opts) {
      const endpoint = providerKey(cfg.baseURL);
      const t0 = performance.now();
      const seconds = () => (performance.now() - t0) / 1000;
      let res: unknown;
      try {
        res = await client.chat.completions.create(
          {
            model: cfg.model,
            messages,
            max_tokens: opts.maxTokens,
            ...(opts.jsonSchema
              ? { response_format: { type: "json_schema" as const, json_schema: { ...opts.jsonSchema, strict: true } } }
              : {}),
          },
          { signal: opts.signal },
        );
      } catch (err) {
        const mapped = mapError(err, cfg, redact);
        if (!opts.signal?.aborted) countModelCall(endpoint, opts.metricKind ?? "prompt", seconds(), { error: mapped });
        throw mapped;
      }
      let out: CompletionResult;
      try {
        out = parseCompletion(res, cfg.model, opts.maxTokens);
      } catch (err) {
        countModelCall(endpoint, opts.metricKind ?? "prompt", seconds(), { error: err as ProviderError });
        throw err;
      }
      countModelCall(endpoint, opts.metricKind ?? "prompt", seconds(), { usage: out.usage });
      return out;
    },
  };
}

function mapError(err: unknown, cfg: OpenAIProviderConfig, redact: (s: string) => string): ProviderError {
  const c = classifyOpenAIError(err, { model: cfg.model, timeoutMs: cfg.timeoutMs, redact, retried: `after ${cfg.maxRetries} retries` });
  return new ProviderError(c.message, c.transient, c.status, c.retryAfterMs);
}

function parseCompletion(res: unknown, model: string, maxTokens: number): CompletionResult {
  const malformed = (why: string) => new ProviderError(`malformed response from model (${why})`, false);
  if (typeof res !== "object" || res === null) throw malformed("body is not a JSON object");
  const body = res as Partial<OpenAI.Chat.Completions.ChatCompletion>;
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!choice?.message) throw malformed("no choices");
  if (choice.message.refusal) throw new ProviderError(`model refused: ${choice.message.refusal.slice(0, 200)}`, false);
  if (choice.finish_reason === "length") {
    throw new ProviderError(`model output was cut off at max_tokens (${maxTokens}); not storing a truncated prompt`, false);
  }
  if (choice.finish_reason === "content_filter") throw new ProviderError("model output was blocked by the content filter", false);
  const text = choice.message.content;
  if (typeof text !== "string" || text.trim() === "") throw malformed("empty content");
  const u = body.usage;
  return {
    text,
    model: typeof body.model === "string" ? body.model : model,
    usage: u ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens } : null,
  };
}

const REQUIREMENT = /\b(?:must|should|needs?|needed|please|always|never|only|don't|do not)\b/i;
const DELIVERABLE = /\b(?:reports?|summary|summaries|summari[sz]e|lists?|emails?|files?|tables?|send|create)\b/i;

/**
 * Deterministic fallback used when no model is configured: assembles a prompt from the USER messages only.
 * Sections: Objective (first user message), Context (other user messages, in order), Requirements (sentences with
 * must/should/need/please/always/never/only/don't), Deliverables (sentences mentioning report/summary/list/email/file/
 * table/send/create). The first line labels it as an offline draft.
 */
export function offlineGenerate(messages: Array<{ role: string; content: string }>): string {
  const user = messages.filter((m) => m.role === "user" && m.content.trim() !== "").map((m) => m.content.trim());
  const [objective, ...context] = user;
  if (objective === undefined) throw new NoUserMessageError();
  const sentences = [
    ...new Set(
      user
        .flatMap((m) => m.split(/(?<=[.!?])\s+|\n+/))
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const bullets = (items: string[], empty: string) => (items.length ? items.map((s) => `- ${s.replace(/\n/g, "\n  ")}`).join("\n") : empty);
  return [
    "[Offline draft — assembled from your messages without an LLM; review before scheduling]",
    "",
    "## Objective",
    objective,
    "",
    "## Context",
    bullets(context, "(no further messages)"),
    "",
    "## Requirements",
    bullets(
      sentences.filter((s) => REQUIREMENT.test(s)),
      "(none stated)",
    ),
    "",
    "## Deliverables",
    bullets(
      sentences.filter((s) => DELIVERABLE.test(s)),
      "- Complete the objective above and report the result.",
    ),
  ].join("\n");
}
