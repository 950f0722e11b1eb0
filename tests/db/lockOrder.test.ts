/**
 * No deadlocks in the run stage: claims (with lost-run recovery and overlap decisions), preparation of claimed runs,
 * heartbeats with reconcile, dispatch of new occurrences and run writes, all at once on a real PostgreSQL, on the
 * same tasks. One lock order (task rows in task_id order, then execution rows) keeps the run stage's own statements
 * apart; the deadlock that can remain (a dispatch batch's over-allowance refusals and run ends writing the same tasks'
 * notification streaks in different orders) is retried as a statement, by the dispatcher and by the run writer, as in
 * production: no 40P01 escapes.
 */
import pg from "pg";
import { closePools, createUser, superuserPool } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";
import { writeWithRetry } from "../../src/run/retry.js";

afterAll(closePools);

const PROVIDER = "test-provider-locks";

test("claim, prepare, reconcile, dispatch and finish running concurrently never deadlock", async () => {
  const root = superuserPool();
  await root.query("update app_private.plan_limits set max_concurrent_executions = null");
  const taskIds: string[] = [];
  const users = await Promise.all(
    [0, 1, 2].map(() =>
      root.connect().then(async (c) => {
        try {
          await c.query("begin");
          const u = await createUser(c);
          await c.query("commit");
          return u;
        } finally {
          c.release();
        }
      }),
    ),
  );
  for (const u of users) {
    for (let i = 0; i < 8; i++) {
      const c = await root.connect();
      try {
        const t = await seedTenant(c, u.personalAccountId);
        await c.query("update app_public.scheduled_tasks set overlap_policy = $2, status = 'active' where task_id = $1", [
          t.taskId,
          i % 2 ? "allow_all" : "cancel_other",
        ]);
        taskIds.push(t.taskId);
      } finally {
        c.release();
      }
    }
  }
  const deadline = Date.now() + 6000;
  const errors: Array<{ who: string; code?: string; message: string; detail?: string; where?: string }> = [];
  let seq = 0;
  const loop = (who: string, fn: (c: pg.Client) => Promise<void>) =>
    (async () => {
      const c = new pg.Client({ connectionString: process.env.TEST_SUPERUSER_URL });
      await c.connect();
      try {
        while (Date.now() < deadline) {
          try {
            await fn(c);
          } catch (err) {
            const e = err as Error & { code?: string };
            errors.push({
              who,
              code: e.code,
              message: e.message,
              ...(e.code === "40P01" ? { detail: (e as { detail?: string }).detail, where: (e as { where?: string }).where } : {}),
            });
          }
        }
      } finally {
        await c.end();
      }
    })();

  const workers = ["lw1", "lw2", "lw3"];
  await Promise.all([
    // new occurrences of every task, due now (the dispatcher's look-ahead would make them due a little later); like
    // src/schedule/dispatch.ts, a batch that meets a deadlock is retried (its over-allowance refusals and the run ends
    // of the same tasks write each task's run streak), so no 40P01 escapes
    loop("dispatch", async (c) => {
      const at = new Date(Date.now() - 1000 + (seq++ % 1000));
      await writeWithRetry(
        "dispatch",
        () =>
          c.query(
            `select * from app_private.dispatch_occurrences(
           array(select row(t, $2::timestamptz + make_interval(secs => random() * 0.001), null, 0, $2::timestamptz + interval '1 hour')::app_private.dispatch_decision
                   from unnest($1::uuid[]) t order by random()), now())`,
            [taskIds, at],
          ),
        10_000,
      );
    }),
    // manual runs too (executeTask's path: task row first)
    ...workers.map((w) =>
      loop(`claim+prepare ${w}`, async (c) => {
        await c.query("select app_private.reconcile_run_worker($1, 100, $2, 30, '{}'::jsonb)", [w, PROVIDER]);
        const { rows } = await c.query("select app_private.claim_runs($1, 50, $2) as r", [w, PROVIDER]);
        const ids: string[] = rows[0].r.ids;
        if (ids.length === 0) return;
        // two chunks at once, like the run pool
        const half = Math.ceil(ids.length / 2);
        const c2 = new pg.Client({ connectionString: process.env.TEST_SUPERUSER_URL });
        await c2.connect();
        try {
          const [a, b] = await Promise.all([
            c.query("select app_private.start_claimed_runs($1::uuid[], 'offline', 'gpt-4o', $2) as s", [ids.slice(0, half), w]),
            c2.query("select app_private.start_claimed_runs($1::uuid[], 'offline', 'gpt-4o', $2) as s", [ids.slice(half), w]),
          ]);
          const started = [...a.rows[0].s, ...b.rows[0].s] as Array<{ execution_id: string; lease_epoch: number }>;
          const ops = started.flatMap((s) => [
            { op: "append", execution_id: s.execution_id, lease_epoch: s.lease_epoch, role: "assistant", content: "done", metadata: {} },
            { op: "finish", execution_id: s.execution_id, lease_epoch: s.lease_epoch, status: "completed", results: {}, error: null },
          ]);
          // as the run pool's RunWriter does: a deadlock rolls back only this statement, which is retried
          if (ops.length > 0)
            await writeWithRetry(
              "run writes",
              () => c.query("select app_private.apply_run_writes($1::jsonb)", [JSON.stringify(ops)]),
              10_000,
            );
        } finally {
          await c2.end();
        }
      }),
    ),
  ]);
  const deadlocks = errors.filter((e) => e.code === "40P01");
  expect(deadlocks).toEqual([]);
  expect(errors).toEqual([]);
  const { rows } = await root.query(
    "select count(*)::int as n from app_public.task_executions where task_id = any($1) and status = 'completed'",
    [taskIds],
  );
  expect(rows[0].n).toBeGreaterThan(0); // the loops did real work
}, 60_000);
