/**
 * Billing limits, concurrency limits, retention and the audit trail, at the SQL level.
 */
import { as, asRoot, closePools, createUser, errorOf, withRollback } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";

afterAll(closePools);

test("executions are counted per account and month; the plan's monthly limit refuses the next (ST008), nothing half-done", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const t1 = await seedTenant(client, alice.personalAccountId);
    const t2 = await seedTenant(client, alice.personalAccountId);
    await client.query("update app_private.plan_limits set executions_per_month = 1 where plan = 'free'");
    await as(client, alice.id);
    await client.query("select app_public.execute_task($1)", [t1.taskId]);
    const err = await errorOf(client, "select app_public.execute_task($1)", [t2.taskId]);
    expect(err?.code).toBe("ST008");
    const { rows } = await client.query(
      "select a.executions_this_month, a.execution_limit from (select app_public.accounts_executions_this_month(x) as executions_this_month, app_public.accounts_execution_limit(x) as execution_limit from app_public.accounts x where x.id = $1) a",
      [alice.personalAccountId],
    );
    expect(rows[0]).toEqual({ executions_this_month: 1, execution_limit: 1 });
    const { rows: pending } = await client.query(
      "select count(*)::int as n from app_public.task_executions where task_id = $1 and status = 'pending'",
      [t2.taskId],
    );
    expect(pending[0].n).toBe(0);
  }));

test("retention: finished executions older than the window and their run threads are removed; recent ones and source threads stay", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const old = await seedTenant(client, alice.personalAccountId);
    const recent = await seedTenant(client, alice.personalAccountId);
    const { rows: th } = await client.query(
      "insert into app_public.threads (account_id, title) values ($1, 'run thread') returning thread_id",
      [alice.personalAccountId],
    );
    // backdate (the timestamps trigger keeps created_at as written: bypass triggers for this update)
    await client.query("set local session_replication_role = replica");
    await client.query(
      "update app_public.task_executions set created_at = now() - interval '100 days', thread_id = $2 where execution_id = $1",
      [old.executionId, th[0].thread_id],
    );
    await client.query("set local session_replication_role = origin");
    const { rows } = await client.query("select app_private.cleanup_executions() as n");
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
    const left = await client.query(
      "select (select count(*)::int from app_public.task_executions where execution_id = $1) as old, (select count(*)::int from app_public.task_executions where execution_id = $2) as recent, (select count(*)::int from app_public.threads where thread_id = $3) as run_thread, (select count(*)::int from app_public.threads where thread_id = $4) as source",
      [old.executionId, recent.executionId, th[0].thread_id, old.threadId],
    );
    expect(left.rows[0]).toEqual({ old: 0, recent: 1, run_thread: 0, source: 1 });
  }));

test("audit trail: status changes and prompt edits are recorded with the acting user; the visitor cannot read it", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const t = await seedTenant(client, alice.personalAccountId);
    await client.query(
      "update app_public.scheduled_tasks set status = 'active', is_scheduled = true, schedule_type = 'daily', next_execution_at = now() + interval '1 day' where task_id = $1",
      [t.taskId],
    );
    await as(client, alice.id);
    await client.query("select app_public.pause_task($1)", [t.taskId]);
    await client.query("update app_public.scheduled_tasks set generated_prompt = 'My own words' where task_id = $1", [t.taskId]);
    expect((await errorOf(client, "select * from app_private.audit_log"))?.code).toBe("42501");
    await asRoot(client);
    const { rows } = await client.query(
      "select actor_user_id, action, changes from app_private.audit_log where row_id = $1 and action = 'update' order by id",
      [t.taskId],
    );
    expect(rows.map((r) => r.changes)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: "paused" }),
        expect.objectContaining({ generated_prompt: "My own words" }),
      ]),
    );
    expect(rows.filter((r) => r.actor_user_id === alice.id).length).toBeGreaterThanOrEqual(2);
  }));
