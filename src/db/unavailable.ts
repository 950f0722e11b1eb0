/**
 * Is this error "the database cannot be reached right now" (as opposed to a bad query or a rule violation)?
 * Connection refused/reset/timeouts, PostgreSQL shutting down or starting up (57P01-57P03), connection exceptions
 * (class 08), too many connections (53300), and node-postgres's own "connection terminated" errors.
 * Looks through `cause` / `originalError` chains, since GraphQL and graphile wrap errors.
 */
import { errorFields, log } from "../logger.js";

const CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
  "53300", // too_many_connections
]);
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|terminating connection due to (administrator command|crash of another server process)|server closed the connection unexpectedly|Connection ended unexpectedly|Underlying pubsub channel interrupted/i; // the last: @dataplan/pg's PgSubscriber when its LISTEN connection is lost

/**
 * Whether `test` holds for the error or any error it wraps (`cause`, `originalError`, an AggregateError's `errors`):
 * GraphQL and graphile wrap errors. At most 10 errors are looked at.
 */
function anyCause(err: unknown, test: (e: { code?: unknown; message?: unknown }) => boolean): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 10) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const { cause, originalError, errors } = e as { cause?: unknown; originalError?: unknown; errors?: unknown };
    if (test(e)) return true;
    queue.push(cause, originalError, ...(Array.isArray(errors) ? errors : [])); // AggregateError (e.g. ::1 and 127.0.0.1 refused)
  }
  return false;
}

/** PostgreSQL refused the connection: max_connections are all in use (53300). A capacity problem, not an outage. */
export function isTooManyConnections(err: unknown): boolean {
  return anyCause(
    err,
    ({ code, message }) =>
      code === "53300" ||
      (typeof message === "string" && /too many clients already|remaining connection slots are reserved/i.test(message)),
  );
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return anyCause(
    err,
    ({ code, message }) =>
      (typeof code === "string" && (CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) ||
      (typeof message === "string" && MESSAGES.test(message)),
  );
}

/**
 * For pg pools' "error" events (an idle connection broke). A connection closed by the server
 * itself (57P01, e.g. during a shutdown or pg_terminate_backend) or lost with the database (reset, refused) is expected
 * during an outage: a warning, not an error; the pool reconnects on the next query.
 */
export function logPoolError(err: unknown): void {
  (isDatabaseUnavailable(err) ? log.warn : log.error)("idle database client error", errorFields(err));
}
