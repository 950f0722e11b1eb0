/**
 * The one OpenAI client layer shared by prompt generation (src/llm/providers.ts) and agent runs
 * (src/agent/openaiExecutor.ts): client construction, secret redaction, the realm-safe fetch, and the
 * classification of every failure into { message, transient, status, retryAfterMs }.
 *
 * Classification rules:
 * - transient: 408/409/429 (except insufficient_quota), 5xx, timeouts, connection errors, an error event inside a
 *   stream, and ANY network error while reading a response body or stream (connection reset, undici "terminated",
 *   socket closed, premature close) — the usual symptom of a proxy cutting a long stream;
 * - permanent: 400/401/403/404/422, context-length errors, exhausted quota, malformed JSON, anything unknown.
 * - `retryAfterMs` comes from `retry-after-ms` (milliseconds) or `Retry-After` (seconds or an HTTP date) on the
 *   response; the caller must not retry earlier than that.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface OpenAIClientOptions {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
  maxRetries: number;
}

export function makeOpenAIClient(opts: OpenAIClientOptions): OpenAI {
  return new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    fetch: realmSafeFetch,
  });
}

/** Removes the API key (and anything shaped like an OpenAI key) from a message. */
export function makeRedactor(apiKey: string | undefined): (s: string) => string {
  return (s) => (apiKey ? s.split(apiKey).join("[redacted]") : s).replace(/\bsk-[A-Za-z0-9_*-]{4,}/g, "sk-…");
}

/**
 * global fetch, but an AbortError is re-thrown as a plain Error of this realm. Under Jest's VM realm the DOMException
 * from fetch is not `instanceof Error`, so the SDK loses its name and reports a timeout as a generic connection error.
 */
export const realmSafeFetch: typeof fetch = (input, init) =>
  fetch(input, init).catch((e: unknown) => {
    if (e instanceof Error || (e as { name?: unknown } | null)?.name !== "AbortError") throw e;
    throw Object.assign(new Error(String((e as { message?: unknown }).message)), { name: "AbortError", cause: e });
  });

type HeaderBag = { get?: (name: string) => string | null } | Record<string, string | string[] | undefined> | undefined | null;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How long the server asked us to wait, in ms: `retry-after-ms`, else `Retry-After` as seconds or as an HTTP date.
 * undefined when absent or unparsable. `now` is injectable for tests.
 */
export function parseRetryAfter(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const ms = header(headers, "retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const ra = header(headers, "retry-after")?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return Math.ceil(Number(ra) * 1000);
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
]);
const NETWORK_MESSAGE = /\bterminated\b|socket|other side closed|ECONNRESET|EPIPE|premature close|network|fetch failed|reset by peer/i;

/** A network-level failure (connection reset, undici "terminated", socket closed…), looking through `cause` chains. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || code.startsWith("UND_ERR_"))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && NETWORK_MESSAGE.test(message)) return true;
  }
  return false;
}

export interface ClassifiedError {
  message: string;
  transient: boolean;
  status?: number;
  /** The server's Retry-After, when it sent one: do not retry before this many ms. */
  retryAfterMs?: number;
}

export interface ClassifyContext {
  model: string;
  timeoutMs: number;
  redact: (s: string) => string;
  /** Appended to messages of transient kinds the SDK has retried (e.g. "after 2 retries"); "" when it does not retry. */
  retried?: string;
  /** The error happened while reading a response body or stream (after the headers): network errors are transient. */
  readingBody?: boolean;
}

/** Maps anything the SDK (or fetch) throws to a message and a transient flag. */
export function classifyOpenAIError(err: unknown, ctx: ClassifyContext): ClassifiedError {
  const tail = ctx.retried ? ` ${ctx.retried}` : "";
  if (err instanceof APIUserAbortError) return { message: "OpenAI request aborted", transient: true };
  if (err instanceof APIConnectionTimeoutError) {
    return { message: `OpenAI request timed out (${ctx.timeoutMs} ms per attempt)${tail}`, transient: true };
  }
  if (err instanceof APIConnectionError) return { message: `could not reach OpenAI (${ctx.redact(err.message)})${tail}`, transient: true };
  if (err instanceof SyntaxError) return { message: "malformed response from model (invalid JSON)", transient: false };
  if (err instanceof APIError && err.status === undefined) {
    // An error event inside an otherwise successful stream: the server failed mid-answer.
    return { message: `OpenAI stream error: ${ctx.redact(err.message)}`, transient: true };
  }
  if (!(err instanceof APIError)) {
    const detail = ctx.redact(err instanceof Error ? err.message : String(err));
    if (ctx.readingBody || isNetworkError(err)) {
      return { message: `connection to OpenAI lost while reading the response (${detail})`, transient: true };
    }
    return { message: `OpenAI request failed: ${detail}`, transient: false };
  }
  const status = err.status as number;
  const { code } = err;
  const retryAfterMs = parseRetryAfter(err.headers as HeaderBag);
  const withRetry = (c: ClassifiedError): ClassifiedError => (retryAfterMs !== undefined && c.transient ? { ...c, retryAfterMs } : c);
  if (status === 400 && (code === "context_length_exceeded" || /context length|maximum context/i.test(err.message))) {
    return { message: "conversation exceeds the model's context window (context_length_exceeded)", transient: false, status };
  }
  if (status === 401) return { message: "OpenAI rejected the API key (401)", transient: false, status };
  if (status === 403) return { message: "OpenAI denied access to this model or project (403)", transient: false, status };
  if (status === 404) return { message: `model "${ctx.model}" not found or not available (404)`, transient: false, status };
  if (status === 429 && code === "insufficient_quota") {
    return { message: "OpenAI quota exhausted (429 insufficient_quota); check billing", transient: false, status };
  }
  if (status === 429) return withRetry({ message: `OpenAI rate limit (429)${tail}`, transient: true, status });
  if (status >= 500) return withRetry({ message: `OpenAI server error (${status})${tail}`, transient: true, status });
  if (status === 408 || status === 409) return withRetry({ message: `OpenAI request failed (${status})${tail}`, transient: true, status });
  return { message: `OpenAI rejected the request (${status}): ${ctx.redact(err.message)}`, transient: false, status };
}
