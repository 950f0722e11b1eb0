/** Structured JSON logs, one line per event. Never pass JWTs, API keys or full prompts here. */
import { isDatabaseUnavailable } from "./db/unavailable.js";
type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** LOG_LEVEL is validated by loadConfig (src/config.ts); entry points pass it to setLogLevel. */
let threshold: Level = "info";

export function setLogLevel(level: Level): void {
  threshold = level;
}

function write(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (order[level] < order[threshold]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};

/** An error reduced to what is safe to log. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: err.message, ...(typeof code === "string" ? { code } : {}) };
  }
  return { error: String(err) };
}

/**
 * For pg pools' "error" events (an idle connection broke). A connection closed by the server
 * itself (57P01, e.g. during a shutdown or pg_terminate_backend) or lost with the database (reset, refused) is expected
 * during an outage: a warning, not an error; the pool reconnects on the next query.
 */
export function logPoolError(err: unknown): void {
  (isDatabaseUnavailable(err) ? log.warn : log.error)("idle database client error", errorFields(err));
}
