import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface CompletionResult {
  text: string;
  model: string;
  usage: Usage | null;
}

export interface PromptProvider {
  readonly name: "openai" | "offline";
  readonly model: string;
  /** Where the calls go, as metered in app_private.model_usage.provider (see providerKey). */
  readonly endpoint?: string;
  complete(messages: ChatMessage[], opts: { maxTokens: number; signal?: AbortSignal }): Promise<CompletionResult>;
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

/** The OpenAI SDK's endpoint when OPENAI_BASE_URL is unset. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * The provider key model calls are metered under (app_private.model_usage.provider) and that per-provider limits are
 * keyed by: the configured OPENAI_BASE_URL without a trailing slash, or the SDK's default endpoint.
 */
export function providerKey(baseURL?: string | null): string {
  return (baseURL || DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, "");
}

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
 */
export function makeOpenAIProvider(cfg: OpenAIProviderConfig): PromptProvider {
  const client = new OpenAI({
    apiKey: cfg.apiKey,
    baseURL: cfg.baseURL,
    timeout: cfg.timeoutMs,
    maxRetries: cfg.maxRetries,
    fetch: realmSafeFetch,
  });
  const redact = (s: string) =>
    (cfg.apiKey ? s.split(cfg.apiKey).join("[redacted]") : s).replace(/\bsk-[A-Za-z0-9_*-]{4,}/g, "sk-…");

  return {
    name: "openai",
    model: cfg.model,
    endpoint: providerKey(cfg.baseURL),
    async complete(messages, opts) {
      let res: unknown;
      try {
        res = await client.chat.completions.create(
          { model: cfg.model, messages, max_tokens: opts.maxTokens },
          { signal: opts.signal },
        );
      } catch (err) {
        throw mapError(err, cfg, redact);
      }
      return parseCompletion(res, cfg.model, opts.maxTokens);
    },
  };
}

/**
 * global fetch, but an AbortError is re-thrown as a plain Error of this realm. Under Jest's VM realm the DOMException
 * from fetch is not `instanceof Error`, so the SDK loses its name and reports a timeout as a generic connection error.
 */
const realmSafeFetch: typeof fetch = (input, init) =>
  fetch(input, init).catch((e: unknown) => {
    if (e instanceof Error || (e as { name?: unknown } | null)?.name !== "AbortError") throw e;
    throw Object.assign(new Error(String((e as { message?: unknown }).message)), { name: "AbortError", cause: e });
  });

function mapError(err: unknown, cfg: OpenAIProviderConfig, redact: (s: string) => string): ProviderError {
  const after = `after ${cfg.maxRetries} retries`;
  if (err instanceof APIUserAbortError) return new ProviderError("OpenAI request aborted", true);
  if (err instanceof APIConnectionTimeoutError) {
    return new ProviderError(`OpenAI request timed out (${cfg.timeoutMs} ms per attempt) ${after}`, true);
  }
  if (err instanceof APIConnectionError) {
    return new ProviderError(`could not reach OpenAI (${redact(err.message)}) ${after}`, true);
  }
  if (err instanceof SyntaxError) return new ProviderError("malformed response from model (body is not valid JSON)", false);
  if (!(err instanceof APIError) || err.status === undefined) {
    return new ProviderError(`OpenAI request failed: ${redact(err instanceof Error ? err.message : String(err))}`, false);
  }
  const { status, code } = err;
  const detail = redact(err.message);
  if (status === 400 && (code === "context_length_exceeded" || /context length|maximum context/i.test(err.message))) {
    return new ProviderError("conversation exceeds the model's context window (context_length_exceeded)", false, status);
  }
  if (status === 401) return new ProviderError("OpenAI rejected the API key (401)", false, status);
  if (status === 403) return new ProviderError("OpenAI denied access to this model or project (403)", false, status);
  if (status === 404) return new ProviderError(`model "${cfg.model}" not found or not available (404)`, false, status);
  if (status === 429 && code === "insufficient_quota") {
    return new ProviderError("OpenAI quota exhausted (429 insufficient_quota); check billing", false, status);
  }
  if (status === 429) return new ProviderError(`OpenAI rate limit (429) ${after}`, true, status);
  if (status >= 500) return new ProviderError(`OpenAI server error (${status}) ${after}`, true, status);
  if (status === 408 || status === 409) return new ProviderError(`OpenAI request failed (${status}) ${after}`, true, status);
  return new ProviderError(`OpenAI rejected the request (${status}): ${detail}`, false, status);
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
  const sentences = [...new Set(user.flatMap((m) => m.split(/(?<=[.!?])\s+|\n+/)).map((s) => s.trim()).filter(Boolean))];
  const bullets = (items: string[], empty: string) =>
    items.length ? items.map((s) => `- ${s.replace(/\n/g, "\n  ")}`).join("\n") : empty;
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
    bullets(sentences.filter((s) => REQUIREMENT.test(s)), "(none stated)"),
    "",
    "## Deliverables",
    bullets(sentences.filter((s) => DELIVERABLE.test(s)), "- Complete the objective above and report the result."),
  ].join("\n");
}
