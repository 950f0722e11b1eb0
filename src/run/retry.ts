/** Database writes of the run stage survive a database restart: connection-class errors are retried. */
import { isDatabaseUnavailable } from "../db/unavailable.js";
import { log } from "../logger.js";

/** Runs a result write, retrying connection-class errors (isDatabaseUnavailable) with back-off for up to about a minute. */
export async function writeWithRetry<T>(what: string, fn: () => Promise<T>, budgetMs = 60_000): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await fn();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + delay > deadline) throw err;
      log.warn("database unavailable; retrying the write", { what, error: String(err), retry_in_ms: delay });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
