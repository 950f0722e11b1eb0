/**
 * The REST error shape and the one table from error codes to HTTP statuses.
 *
 * Every REST error is `{ "error": { "code", "message", "field"? } }`. The code is the one the
 * GraphQL API would have given (README "Error codes": `ST…`, SQLSTATEs, `UNAUTHENTICATED`,
 * `RATE_LIMITED`, `DATABASE_UNAVAILABLE`, …) or one of the few HTTP-level codes below; the
 * message is passed through unchanged. Nothing here decides whether something is allowed: that
 * happened in SQL (or in the GraphQL plugins); this only chooses the status line.
 */
import type { Response } from "express";

export interface RestErrorBody {
  error: { code: string; message: string; field?: string };
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Seconds for the Retry-After header, when known. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "RestError";
  }

  get body(): RestErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/** HTTP status of each project code (README "Error codes"). */
const STATUS_OF_CODE: Record<string, number> = {
  ST001: 404, // not found / not yours
  ST002: 409, // invalid status transition
  ST003: 422, // invalid input (extensions.field)
  ST004: 403, // membership rule / owners only
  ST005: 422, // nothing to export
  ST006: 409, // prompt not ready
  ST007: 409, // prompt awaiting review
  ST008: 429, // executions per month used up
  ST009: 409, // an execution is already pending or running
  ST010: 429, // tokens per month used up
  ST011: 403, // model not allowed by the plan
  ST012: 403, // max_tokens above the plan's ceiling
  ST013: 429, // prompt generations per hour
  ST401: 401, // must be signed in
  "42501": 403, // row-level security: not your account
  "23505": 409, // unique violation
  NOT_FOUND: 404, // update/delete matched no visible row
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  LIMIT_EXCEEDED: 400,
  DATABASE_UNAVAILABLE: 503,
  TOO_MANY_CONNECTIONS: 503,
};

export function statusOfCode(code: string): number {
  const known = STATUS_OF_CODE[code];
  if (known) return known;
  if (/^2[23]/.test(code)) return 422; // data exceptions and other constraint violations: the input is at fault
  return 500;
}

/** Seconds until the next calendar month (UTC), when the monthly allowances start again (ST008, ST010). */
function secondsToNextMonth(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** ST013's message says "the next one is possible at YYYY-MM-DD HH:MM:SS UTC". */
function secondsUntilStated(message: string, now: Date): number | undefined {
  const m = /possible at (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC/.exec(message);
  if (!m) return undefined;
  const at = Date.parse(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - now.getTime()) / 1000));
}

export function retryAfterOf(code: string, message: string, now = new Date()): number | undefined {
  if (code === "ST008" || code === "ST010") return secondsToNextMonth(now);
  if (code === "ST013") return secondsUntilStated(message, now);
  if (code === "DATABASE_UNAVAILABLE" || code === "TOO_MANY_CONNECTIONS") return 5;
  return undefined;
}

/**
 * The column a check constraint guards, for `field` (PostgreSQL names an inline check
 * `<table>_<column>_check`).
 */
function fieldOfConstraint(message: string): string | undefined {
  return /violates check constraint "scheduled_tasks_(\w+?)_check"/.exec(message)?.[1];
}

export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown> | undefined;
}

/** A GraphQL error (already masked by the server's maskError) as a REST error. */
export function fromGraphQLError(error: GraphQLErrorLike, fieldNames: Record<string, string> = {}): RestError {
  const ext = error.extensions ?? {};
  const code = typeof ext.code === "string" ? ext.code : "INTERNAL";
  const rawField =
    typeof ext.field === "string"
      ? ext.field
      : code.startsWith("23")
        ? fieldOfConstraint(error.message)
        : code === "ST003"
          ? /^([a-z][a-z_]*) must /.exec(error.message)?.[1] // the SQL functions' messages start with the field: "task_name must be …"
          : undefined;
  const field = rawField ? (fieldNames[rawField] ?? rawField) : undefined;
  // The GraphQL page-size refusal names first/last and after: <endCursor>; a REST client sent limit and pages with offset.
  if (ext.limit === "GRAPHQL_MAX_PAGE_SIZE" && typeof ext.max === "number") {
    return new RestError(
      422,
      code,
      `${field ?? "limit"} must be between 0 and ${ext.max}; fetch further pages with offset`,
      field ?? "limit",
    );
  }
  // Errors without a code were masked by the server (their message carries the log hash): pass it on as a 500.
  return new RestError(statusOfCode(code), code, error.message, field, retryAfterOf(code, error.message));
}

export function sendError(res: Response, err: RestError): void {
  if (err.retryAfter !== undefined) res.set("Retry-After", String(err.retryAfter));
  if (err.status === 401) res.set("WWW-Authenticate", 'Bearer error="invalid_token"');
  res.status(err.status).json(err.body);
}
