/** Runs queued graphile-worker jobs to completion with a given task list (tests only). */
import { Logger, runOnce, type TaskList } from "graphile-worker";
import pg from "pg";

let pool: pg.Pool | undefined;
export function ownerPool(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: process.env.TEST_OWNER_URL, max: 6 });
    pool.on("error", () => undefined); // a test may terminate backends on purpose
  }
  return pool;
}
export async function closeOwnerPool(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

export async function runJobs(taskList: TaskList): Promise<void> {
  const started = new Date();
  await runOnce({ pgPool: ownerPool(), taskList, logger: quietLogger });
  // graphile-worker fires a job's completion (or failure) without awaiting it, so runOnce can resolve while the last
  // job is still locked: wait until the jobs this run locked are settled (bounded, in case another run is in flight).
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const { rows } = await ownerPool().query(
      "select count(*)::int as n from graphile_worker.jobs where locked_by like 'otpool-%' and locked_at >= $1",
      [started],
    );
    if (rows[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const quietLogger = new Logger(() => () => undefined);

/** The queued or failed jobs of a task whose job key contains `key` (read through graphile-worker's public `jobs` view). */
export async function jobsFor(taskIdentifier: string, key: string): Promise<Array<{ attempts: number; last_error: string | null }>> {
  const { rows } = await ownerPool().query(
    "select attempts, last_error from graphile_worker.jobs where task_identifier = $1 and strpos(key, $2) > 0",
    [taskIdentifier, key],
  );
  return rows;
}
