/**
 * Waits for a condition instead of sleeping a fixed time: polls `condition` until it returns a truthy value (which is
 * returned), or throws after `timeoutMs` naming what was awaited and the last value seen (or the last error thrown).
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 5000, intervalMs = 25, what = "condition" } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms (last: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
