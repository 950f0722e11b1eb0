/**
 * Notifications at the SQL level: what the end of a run writes (by the task's policy), the inbox under RLS, the
 * circuit breaker, refusals told once, change detection, the per-account hourly limit with its digest, overdue
 * alerts and run memory. Runs end by an UPDATE of the execution's status, as any run-stage function ends them.
 */
import type pg from "pg";
import { as, asRoot, closePools, createUser, errorOf, withRollback } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";

afterAll(closePools);

async function run(
  client: pg.ClientBase,
  taskId: string,
  accountId: string,
  status: "completed" | "failed",
  text: string,
  extra: object = {},
): Promise<string> {
  const { rows } = await client.query(
    `insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at) values ($1, $2, 'running', 'manual', now()) returning execution_id`,
    [taskId, accountId],
  );
  const id = rows[0].execution_id as string;
  await client.query(
    `update app_public.task_executions
        set status = $2::text, completed_at = clock_timestamp(), error_message = case when $2::text = 'failed' then $3::text end,
            results = case when $2::text = 'completed' then jsonb_build_object('final_answer', $3::text) else '{}'::jsonb end || $4::jsonb
      where execution_id = $1`,
    [id, status, text, JSON.stringify(extra)],
  );
  return id;
}

async function inbox(
  client: pg.ClientBase,
  taskId: string,
): Promise<Array<{ kind: string; title: string; summary: string; user_id: string; execution_id: string }>> {
  return (
    await client.query(
      "select kind, title, summary, user_id, execution_id from app_public.notifications where task_id = $1 order by created_at, kind",
      [taskId],
    )
  ).rows;
}

async function jobs(client: pg.ClientBase, task: string): Promise<Array<{ key: string; payload: Record<string, string> }>> {
  return (
    await client.query(
      "select j.key, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = $1",
      [task],
    )
  ).rows;
}

async function setup(client: pg.ClientBase, settings: Record<string, unknown> = {}) {
  await client.query("update app_private.notification_settings set max_per_hour = 1000, failure_threshold = 3, email_enabled = false");
  for (const [k, v] of Object.entries(settings)) await client.query(`update app_private.notification_settings set ${k} = $1`, [v]);
  const user = await createUser(client, "owner@example.com");
  const t = await seedTenant(client, user.personalAccountId);
  await client.query(
    "update app_public.scheduled_tasks set status = 'active', is_scheduled = true, schedule_type = 'daily', scheduled_at = now() + interval '1 day' where task_id = $1",
    [t.taskId],
  );
  return { user, ...t };
}

test("default policy (failure): a failed run tells every member, a completed one nothing; the inbox is per user under RLS", () =>
  withRollback(async (client) => {
    const { user, taskId, accountId } = await setup(client);
    const other = await createUser(client);
    expect((await client.query("select notify_on, notify_overdue from app_public.accounts where id = $1", [accountId])).rows[0]).toEqual({
      notify_on: "failure",
      notify_overdue: true,
    });
    await run(client, taskId, accountId, "completed", "All good");
    expect(await inbox(client, taskId)).toEqual([]);
    const failed = await run(client, taskId, accountId, "failed", "model said no\nsecond line\nthird\nfourth");
    const rows = await inbox(client, taskId);
    expect(rows).toEqual([
      {
        kind: "run.failed",
        title: "“Task” failed",
        summary: "Failed: model said no / second line / third",
        user_id: user.id,
        execution_id: failed,
      },
    ]);

    await as(client, user.id);
    expect((await client.query("select count(*)::int as n from app_public.notifications")).rows[0].n).toBe(1);
    expect((await client.query("select app_public.unread_notification_count() as n")).rows[0].n).toBe(1);
    const id = (await client.query("select notification_id from app_public.notifications")).rows[0].notification_id;
    await client.query("select app_public.mark_notification_read($1)", [id]);
    expect((await client.query("select app_public.unread_notification_count() as n")).rows[0].n).toBe(0);
    // the visitor cannot write the inbox directly
    expect((await errorOf(client, "update app_public.notifications set read_at = null"))?.code).toBe("42501");

    await as(client, other.id);
    expect((await client.query("select count(*)::int as n from app_public.notifications")).rows[0].n).toBe(0);
    expect((await errorOf(client, "select app_public.mark_notification_read($1)", [id]))?.message).toMatch(/not found/);
    await asRoot(client);
    expect((await client.query("select count(*)::int as n from app_public.notifications where notification_id = $1", [id])).rows[0].n).toBe(
      1,
    );
    // no foreign key to the task (see the migration), but a deleted task takes its streak and notifications with it
    const streaks = async () =>
      (await client.query("select count(*)::int as n from app_private.task_run_streaks where task_id = $1", [taskId])).rows[0].n;
    expect(await streaks()).toBe(1);
    await client.query("delete from app_public.scheduled_tasks where task_id = $1", [taskId]);
    expect(await inbox(client, taskId)).toEqual([]);
    expect(await streaks()).toBe(0);
  }));

test("policies: never is silent, always tells completions with the answer's first lines; bad values are refused naming the field", () =>
  withRollback(async (client) => {
    const { user, taskId, accountId } = await setup(client);
    await client.query("update app_public.scheduled_tasks set notify_on = 'never' where task_id = $1", [taskId]);
    await run(client, taskId, accountId, "failed", "boom");
    expect(await inbox(client, taskId)).toEqual([]);

    await as(client, user.id);
    await client.query("update app_public.scheduled_tasks set notify_on = 'always' where task_id = $1", [taskId]);
    const bad = await errorOf(client, "update app_public.scheduled_tasks set notify_on = 'sometimes' where task_id = $1", [taskId]);
    expect(bad).toMatchObject({ code: "ST003", message: expect.stringMatching(/^notify_on: must be never, failure, always or change/) });
    expect(
      (await errorOf(client, "update app_public.scheduled_tasks set failure_threshold = -1 where task_id = $1", [taskId]))?.message,
    ).toMatch(/^failure_threshold:/);
    expect((await errorOf(client, "update app_public.accounts set notify_on = 'loud' where id = $1", [accountId]))?.code).toBe("ST003");
    await client.query("update app_public.accounts set notify_overdue = false where id = $1", [accountId]);
    await asRoot(client);

    await run(client, taskId, accountId, "completed", "Revenue up 3%\nTop deal: ACME");
    expect((await inbox(client, taskId)).map((r) => [r.kind, r.summary])).toEqual([
      ["run.completed", "Completed: Revenue up 3% / Top deal: ACME"],
    ]);
  }));

test("change: the first answer and a changed one tell (with a diff job), a materially equal one does not", () =>
  withRollback(async (client) => {
    const { taskId, accountId } = await setup(client);
    await client.query("update app_public.scheduled_tasks set notify_on = 'change' where task_id = $1", [taskId]);
    await run(client, taskId, accountId, "completed", "Three new items: A, B, C");
    await run(client, taskId, accountId, "completed", "  three new items:   a, b, c ");
    const changed = await run(client, taskId, accountId, "completed", "Four new items: A, B, C, D");
    const rows = await inbox(client, taskId);
    expect(rows.map((r) => [r.kind, r.summary])).toEqual([
      ["run.changed", "First answer: Three new items: A, B, C"],
      ["run.changed", "Changed: Four new items: A, B, C, D"],
    ]);
    const fp = (
      await client.query(
        "select answer_fingerprint from app_public.task_executions where task_id = $1 and status = 'completed' order by completed_at",
        [taskId],
      )
    ).rows;
    expect(fp[0].answer_fingerprint).toBe(fp[1].answer_fingerprint);
    expect(fp[2].answer_fingerprint).not.toBe(fp[1].answer_fingerprint);
    // only the second has something to diff against: its fan-out waits for the worker's diff
    const diffJobs = await jobs(client, "notification_diff");
    const event = (await client.query("select event_id from app_public.notifications where execution_id = $1", [changed])).rows[0].event_id;
    expect(diffJobs.map((j) => j.payload.event_id)).toEqual([event]);
    expect((await client.query("select app_private.notification_diff_input($1) as d", [event])).rows[0].d).toEqual({
      previous: "  three new items:   a, b, c ",
      current: "Four new items: A, B, C, D",
    });
    // a failure is a change too
    await run(client, taskId, accountId, "failed", "timeout");
    expect((await inbox(client, taskId)).at(-1)?.kind).toBe("run.failed");
  }));

test("circuit breaker: the third failure in a row pauses the task with pausedReason and tells the owner; resuming resets the count", () =>
  withRollback(async (client) => {
    const { user, taskId, accountId } = await setup(client);
    await run(client, taskId, accountId, "failed", "e1");
    await run(client, taskId, accountId, "completed", "ok"); // a completed run resets the count
    await run(client, taskId, accountId, "failed", "e2");
    await run(client, taskId, accountId, "failed", "e3");
    let task = (
      await client.query(
        "select status, paused_reason, app_public.scheduled_tasks_consecutive_failures(t) as n from app_public.scheduled_tasks t where task_id = $1",
        [taskId],
      )
    ).rows[0];
    expect(task).toEqual({ status: "active", paused_reason: null, n: 2 });
    await run(client, taskId, accountId, "failed", "e4: provider down");
    task = (
      await client.query(
        "select status, paused_reason, next_execution_at, app_public.scheduled_tasks_consecutive_failures(t) as n from app_public.scheduled_tasks t where task_id = $1",
        [taskId],
      )
    ).rows[0];
    expect(task.status).toBe("paused");
    expect(task.next_execution_at).toBeNull();
    expect(task.paused_reason).toMatch(/^paused by the circuit breaker after 3 failed runs in a row \(last error: e4: provider down\)/);
    const rows = await inbox(client, taskId);
    expect(rows.map((r) => r.kind)).toEqual(["run.failed", "run.failed", "run.failed", "run.failed", "task.paused"]);
    expect(rows.at(-1)?.user_id).toBe(user.id);

    await as(client, user.id);
    await client.query("select app_public.resume_task($1)", [taskId]);
    await asRoot(client);
    task = (
      await client.query(
        "select status, paused_reason, app_public.scheduled_tasks_consecutive_failures(t) as n from app_public.scheduled_tasks t where task_id = $1",
        [taskId],
      )
    ).rows[0];
    expect(task).toEqual({ status: "active", paused_reason: null, n: 0 });
    // a per-task threshold of 0 turns the breaker off
    await client.query("update app_public.scheduled_tasks set failure_threshold = 0 where task_id = $1", [taskId]);
    for (let i = 0; i < 4; i++) await run(client, taskId, accountId, "failed", "again");
    expect((await client.query("select status from app_public.scheduled_tasks where task_id = $1", [taskId])).rows[0].status).toBe(
      "active",
    );
  }));

test("refused runs are told once (not at every occurrence) until a run completes; plan skips count as refusals", () =>
  withRollback(async (client) => {
    const { taskId, accountId } = await setup(client);
    for (let i = 0; i < 3; i++)
      await run(client, taskId, accountId, "failed", "refused by the plan: tokens used up (ST010)", {
        refused: true,
        reason: "tokens used up (ST010)",
      });
    await client.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, completed_at, results)
       values ($1, $2, 'cancelled', 'schedule', now() - interval '1 minute', now(), '{"skipped": true, "reason": "the plan''s limit of executions per month is reached"}')`,
      [taskId, accountId],
    );
    // the review gate's cancellation is a refusal too, told once with the others
    await client.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type) values ($1, $2, 'pending', 'manual')`,
      [taskId, accountId],
    );
    await client.query(
      "update app_public.task_executions set status = 'cancelled', error_message = 'cancelled: the task''s prompt was flagged for review' where task_id = $1 and status = 'pending'",
      [taskId],
    );
    let rows = await inbox(client, taskId);
    expect(rows.map((r) => r.kind)).toEqual(["run.refused"]);
    expect(rows[0]!.summary).toMatch(/^Refused: tokens used up \(ST010\)/);
    // refusals do not trip the breaker
    expect((await client.query("select status from app_public.scheduled_tasks where task_id = $1", [taskId])).rows[0].status).toBe(
      "active",
    );
    await run(client, taskId, accountId, "completed", "ok");
    await client.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type) values ($1, $2, 'pending', 'manual')`,
      [taskId, accountId],
    );
    await client.query(
      "update app_public.task_executions set status = 'cancelled', error_message = 'cancelled: the task''s prompt is awaiting review: x' where task_id = $1 and status = 'pending'",
      [taskId],
    );
    await run(client, taskId, accountId, "failed", "refused again", { refused: true });
    rows = await inbox(client, taskId);
    expect(rows.map((r) => [r.kind, r.summary.slice(0, 60)])).toEqual([
      ["run.refused", "Refused: tokens used up (ST010) (told once; later refusals a"],
      ["run.refused", "Refused: cancelled: the task's prompt is awaiting review: x "],
    ]);
    // a user's cancellation is not a refusal
    await client.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type) values ($1, $2, 'pending', 'manual')`,
      [taskId, accountId],
    );
    await client.query(
      "update app_public.task_executions set status = 'cancelled', error_message = 'cancelled by the user' where task_id = $1 and status = 'pending'",
      [taskId],
    );
    expect((await inbox(client, taskId)).length).toBe(2);
  }));

test("no floods: beyond the hourly limit notifications are held back and told as one digest when the hour has ended", () =>
  withRollback(async (client) => {
    const { taskId, accountId } = await setup(client, { max_per_hour: 2, failure_threshold: 0 });
    for (let i = 0; i < 14; i++) await run(client, taskId, accountId, "failed", `e${i}`);
    expect((await inbox(client, taskId)).length).toBe(2);
    expect(
      (
        await client.query("select kind, count(*)::int as n from app_private.notification_holdbacks where account_id = $1 group by 1", [
          accountId,
        ])
      ).rows,
    ).toEqual([{ kind: "run.failed", n: 12 }]);
    // not before the hour has ended
    expect((await client.query("select * from app_private.publish_due_digests(now())")).rows[0]).toEqual({ digests: 0, coalesced: 0 });
    const later = "now() + interval '1 hour'";
    expect((await client.query(`select * from app_private.publish_due_digests(${later})`)).rows[0]).toEqual({ digests: 1, coalesced: 12 });
    const told = (
      await client.query(
        "select kind, title, summary from app_public.notifications where account_id = $1 and kind = 'notifications.coalesced'",
        [accountId],
      )
    ).rows;
    expect(told).toHaveLength(1);
    expect(told[0].title).toMatch(/^12 more notifications in the hour from /);
    expect(told[0].summary).toBe("Held back to avoid a flood (2 told that hour): 12 run.failed.");
    // told once
    expect((await client.query(`select * from app_private.publish_due_digests(${later})`)).rows[0]).toEqual({ digests: 0, coalesced: 0 });
  }));

test("overdue: a run not started within the bound is told once; tasks with overdue alerts off are not", () =>
  withRollback(async (client) => {
    await client.query("update app_public.task_executions set status = 'cancelled' where status = 'pending'");
    await client.query("update app_public.scheduled_tasks set status = 'paused' where status = 'active'");
    const { taskId, accountId } = await setup(client);
    const quiet = await seedTenant(client, accountId);
    await client.query("update app_public.scheduled_tasks set notify_overdue = false where task_id = $1", [quiet.taskId]);
    for (const id of [taskId, quiet.taskId]) {
      await client.query(
        `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, wait_reason)
         values ($1, $2, 'pending', 'schedule', now() - interval '7 minutes', 'the model provider is backed off')`,
        [id, accountId],
      );
    }
    expect((await client.query("select app_private.alert_overdue_runs() as n")).rows[0].n).toBe(1);
    expect((await client.query("select app_private.alert_overdue_runs() as n")).rows[0].n).toBe(0);
    const rows = await inbox(client, taskId);
    expect(rows.map((r) => r.kind)).toEqual(["run.overdue"]);
    expect(rows[0]!.summary).toMatch(/not started after 00:07:\d\d — the model provider is backed off$/);
    expect(await inbox(client, quiet.taskId)).toEqual([]);
    // within the bound: nothing
    await client.query("update app_private.notification_settings set overdue_after = interval '10 minutes'");
    await client.query("delete from app_private.overdue_alerts");
    expect((await client.query("select app_private.alert_overdue_runs() as n")).rows[0].n).toBe(0);
  }));

test("run memory: off by default; on, the previous completed answer with its time in the task's zone", () =>
  withRollback(async (client) => {
    const { taskId, accountId } = await setup(client);
    await client.query("update app_public.scheduled_tasks set timezone = 'Europe/Paris' where task_id = $1", [taskId]);
    await run(client, taskId, accountId, "completed", "Old answer");
    await run(client, taskId, accountId, "completed", "Last week: 3 deals");
    await run(client, taskId, accountId, "failed", "boom");
    const { rows } = await client.query(
      "insert into app_public.task_executions (task_id, account_id, status, trigger_type) values ($1, $2, 'pending', 'manual') returning execution_id",
      [taskId, accountId],
    );
    const memory = async () =>
      (await client.query("select app_private.run_memory_for_execution($1) as m", [rows[0].execution_id])).rows[0].m;
    expect(await memory()).toBeNull();
    await client.query("update app_public.scheduled_tasks set run_memory = true where task_id = $1", [taskId]);
    expect(await memory()).toMatch(/^Last run, at \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Paris, you reported: Last week: 3 deals$/);
  }));
