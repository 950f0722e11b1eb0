/**
 * Database writes of the run stage survive a database outage of any length: connection-class errors
 * (isDatabaseUnavailable) are retried with back-off, capped at 5 s between tries, until the write goes
 * through — a run whose result could not be written stays owned by its process and is written when the
 * database returns (its lease epoch decides, then, whether it still may). A deadlock or serialisation
 * failure (40P01, 40001) rolled back only the statement: it is retried too.
 */
import { isDatabaseUnavailable } from "../db/unavailable.js";
import { log } from "../logger.js";

/** A statement rolled back by a lock conflict that a retry of the same statement resolves. */
export function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

/**
 * Runs a write, retrying connection-class errors and lock conflicts with back-off for up to `budgetMs`
 * (default: for as long as it takes). Logs once when it starts waiting, not once per try.
 */
export async function writeWithRetry<T>(what: string, fn: () => Promise<T>, budgetMs = Number.POSITIVE_INFINITY): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let warned = false;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await fn();
    } catch (err) {
      if (!(isDatabaseUnavailable(err) || isRetryableConflict(err)) || Date.now() + delay > deadline) throw err;
      if (!warned) log.warn("database unavailable or busy; retrying the write until it goes through", { what, error: String(err) });
      warned = true;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
