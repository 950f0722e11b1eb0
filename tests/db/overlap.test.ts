/**
 * Overlap is judged when an occurrence is due (app_private.apply_overlap_policies, a step of claim_runs), by the
 * task's overlap_policy — never at dispatch look-ahead — and every decision is in the history.
 */
import type pg from "pg";
import { closePools, createUser, withRollback } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";

afterAll(closePools);

const PROVIDER = "test-provider-overlap";

async function claim(client: pg.ClientBase, worker = "w1"): Promise<string[]> {
  await client.query("select app_private.heartbeat_run_worker($1, 100, $2, 30)", [worker, PROVIDER]);
  return (await client.query("select app_private.claim_runs($1, 100, $2) as r", [worker, PROVIDER])).rows[0].r.ids;
}

/** A task with the policy; a running execution of it (occurrence 2 minutes ago) and a due one (1 second ago). */
async function overlapping(client: pg.ClientBase, policy: string) {
  await client.query("update app_private.plan_limits set max_concurrent_executions = null");
  const u = await createUser(client);
  const t = await seedTenant(client, u.personalAccountId);
  await client.query("update app_public.scheduled_tasks set overlap_policy = $2, execution_count = 2 where task_id = $1", [
    t.taskId,
    policy,
  ]);
  const insert = async (status: string, secondsAgo: number) =>
    (
      await client.query(
        `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, lease_owner)
         values ($1, $2, $3::text, 'schedule', date_trunc('second', now()) - make_interval(secs => $4), case when $3::text = 'running' then 'w0' end) returning execution_id`,
        [t.taskId, u.personalAccountId, status, secondsAgo],
      )
    ).rows[0].execution_id as string;
  await client.query("select app_private.heartbeat_run_worker('w0', 100, $1, 30)", [PROVIDER]); // the running one's worker is alive
  const running = await insert("running", 120);
  const due = await insert("pending", 1);
  return { taskId: t.taskId, running, due };
}

const row = async (client: pg.ClientBase, id: string) =>
  (
    await client.query(
      "select status, error_message, wait_reason, results, execution_context from app_public.task_executions where execution_id = $1",
      [id],
    )
  ).rows[0];

test("the dispatcher no longer judges overlap: a prepared occurrence stays pending until it is due", () =>
  withRollback(async (client) => {
    const { due } = await overlapping(client, "skip");
    expect((await row(client, due)).status).toBe("pending");
  }));

test("skip: a due occurrence while the previous run is still going is recorded as skipped, and gives back its count", () =>
  withRollback(async (client) => {
    const { taskId, running, due } = await overlapping(client, "skip");
    expect(await claim(client)).toEqual([]);
    const r = await row(client, due);
    expect(r.status).toBe("cancelled");
    expect(r.error_message).toBe("skipped: previous execution still running (overlap policy: skip)");
    expect(r.results).toMatchObject({ skipped: true, overlap_policy: "skip", overlapped_execution_id: running });
    expect((await row(client, running)).status).toBe("running");
    const t = (await client.query("select execution_count from app_public.scheduled_tasks where task_id = $1", [taskId])).rows[0];
    expect(t.execution_count).toBe(1);
  }));

test("skip: an every-minute task whose run ended before the next is due skips nothing", () =>
  withRollback(async (client) => {
    const { running, due } = await overlapping(client, "skip");
    await client.query("select app_private.finish_execution($1, 'completed', '{}', null)", [running]);
    expect(await claim(client)).toEqual([due]);
  }));

test("buffer_one: the first due occurrence waits and runs right after the running one; a second one is skipped", () =>
  withRollback(async (client) => {
    const { taskId, running, due } = await overlapping(client, "buffer_one");
    expect(await claim(client)).toEqual([]);
    expect(await row(client, due)).toMatchObject({
      status: "pending",
      wait_reason: "waiting for the previous execution to end (overlap policy: buffer_one)",
    });
    // another occurrence comes due meanwhile: only one is buffered
    const { rows } = await client.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for)
       select task_id, account_id, 'pending', 'schedule', date_trunc('second', now()) from app_public.scheduled_tasks where task_id = $1 returning execution_id`,
      [taskId],
    );
    expect(await claim(client)).toEqual([]);
    expect(await row(client, rows[0].execution_id)).toMatchObject({
      status: "cancelled",
      error_message: expect.stringMatching(/buffer_one/),
    });
    await client.query("select app_private.finish_execution($1, 'completed', '{}', null)", [running]);
    expect(await claim(client)).toEqual([due]);
    expect((await row(client, due)).execution_context.overlap).toMatchObject({ policy: "buffer_one", waited_for: running });
  }));

test("allow_all: the due occurrence runs alongside the running one", () =>
  withRollback(async (client) => {
    const { running, due } = await overlapping(client, "allow_all");
    expect(await claim(client)).toEqual([due]);
    expect((await row(client, running)).status).toBe("running");
  }));

test("cancel_other: the running one is cancelled (its worker is told) and the due one starts", () =>
  withRollback(async (client) => {
    const { running, due } = await overlapping(client, "cancel_other");
    await client.query("listen sat_run_stopped");
    const notes: string[] = [];
    client.on("notification", (n) => notes.push(n.payload ?? ""));
    expect(await claim(client)).toEqual([due]);
    const r = await row(client, running);
    expect(r.status).toBe("cancelled");
    expect(r.error_message).toBe("cancelled: a newer occurrence replaced it (overlap policy: cancel_other)");
    expect((await row(client, due)).execution_context.overlap).toMatchObject({ policy: "cancel_other", cancelled: running });
  }));

test("a manual run is refused (ST009) while a run is going or due, but not because of a future prepared occurrence", () =>
  withRollback(async (client) => {
    const { taskId, running, due } = await overlapping(client, "skip");
    await client.query("savepoint refused");
    const err = await client.query("select app_public.execute_task($1)", [taskId]).catch((e: Error & { code?: string }) => e);
    expect((err as { code?: string }).code).toBe("ST009");
    await client.query("rollback to savepoint refused");
    await client.query("update app_public.task_executions set status = 'completed' where execution_id = any($1)", [[running, due]]);
    await client.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for)
       select task_id, account_id, 'pending', 'schedule', now() + interval '50 seconds' from app_public.scheduled_tasks where task_id = $1`,
      [taskId],
    );
    const ok = await client.query("select (app_public.execute_task($1)).status", [taskId]);
    expect(ok.rows[0].status).toBe("pending");
  }));

test("the policy is validated: an unknown one names the allowed values", () =>
  withRollback(async (client) => {
    const { taskId } = await overlapping(client, "skip");
    const err = await client
      .query("update app_public.scheduled_tasks set overlap_policy = 'queue_all' where task_id = $1", [taskId])
      .catch((e: Error & { constraint?: string }) => e);
    expect((err as { constraint?: string }).constraint).toBe("scheduled_tasks_overlap_policy_check");
  }));
