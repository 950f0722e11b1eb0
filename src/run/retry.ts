/** Database writes of the run stage survive a database restart: connection-class errors are retried. */
import { log } from "../logger.js";

/** Connection-class errors (database restarting or unreachable): worth retrying the write. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (typeof e.code === "string" && (/^08/.test(e.code) || ["57P01", "57P02", "57P03", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"].includes(e.code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message ?? "");
}

/** Runs a result write, retrying connection-class errors with back-off for up to about a minute. */
export async function writeWithRetry<T>(what: string, fn: () => Promise<T>, budgetMs = 60_000): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await fn();
    } catch (err) {
      if (!isConnectionError(err) || Date.now() + delay > deadline) throw err;
      log.warn("database unavailable; retrying the write", { what, error: String(err), retry_in_ms: delay });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
