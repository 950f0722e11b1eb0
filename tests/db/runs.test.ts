/**
 * The run queue at the SQL level (app_private.claim_runs and friends): which due run starts next
 * (round-robin across accounts), plan caps per paying owner, the model provider's shared limits,
 * leases of worker processes and their recovery.
 */
import type pg from "pg";
import { closePools, createUser, withRollback } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";

afterAll(closePools);

const PROVIDER = "test-provider-sql";

async function pendingRuns(client: pg.ClientBase, accountId: string, n: number, dueSecondsAgo = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = await seedTenant(client, accountId);
    const { rows } = await client.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for)
       values ($1, $2, 'pending', 'schedule', now() - make_interval(secs => $3 + $4 * 0.001)) returning execution_id`,
      [t.taskId, accountId, dueSecondsAgo, n - i],
    );
    ids.push(rows[0].execution_id);
  }
  return ids;
}

async function claim(
  client: pg.ClientBase,
  max: number,
  worker = "w1",
): Promise<{ ids: string[]; next_due_at: string | null; waiting_reason: string | null }> {
  await client.query("select app_private.heartbeat_run_worker($1, 100, $2, 30)", [worker, PROVIDER]);
  return (await client.query("select app_private.claim_runs($1, $2, $3) as r", [worker, max, PROVIDER])).rows[0].r;
}

async function teamAccount(client: pg.ClientBase, ownerId: string): Promise<string> {
  const { rows } = await client.query(
    "insert into app_public.accounts (name, primary_owner_user_id, personal_account) values ('Team', $1, false) returning id",
    [ownerId],
  );
  await client.query("insert into app_public.account_memberships (account_id, user_id, account_role) values ($1, $2, 'owner')", [
    rows[0].id,
    ownerId,
  ]);
  return rows[0].id;
}

test("fair share: every account's oldest due run starts before any account's second one", () =>
  withRollback(async (client) => {
    await client.query("update app_private.plan_limits set max_concurrent_executions = null");
    const big = await createUser(client);
    const small1 = await createUser(client);
    const small2 = await createUser(client);
    const bigRuns = await pendingRuns(client, big.personalAccountId, 20, 60); // due a minute ago
    const [s1] = await pendingRuns(client, small1.personalAccountId, 1, 1);
    const [s2] = await pendingRuns(client, small2.personalAccountId, 1, 1);
    const first = await claim(client, 3);
    expect(new Set(first.ids)).toEqual(new Set([bigRuns[0], s1, s2]));
    const second = await claim(client, 3);
    // claim_runs returns the claimed ids unordered (array_agg over UPDATE … RETURNING): compare as sets
    expect(new Set(second.ids)).toEqual(new Set(bigRuns.slice(1, 4)));
  }));

test("plan concurrency caps count every account of the paying owner; the waiting reason is visible", () =>
  withRollback(async (client) => {
    await client.query("update app_private.plan_limits set max_concurrent_executions = 2 where plan = 'free'");
    const owner = await createUser(client);
    const team = await teamAccount(client, owner.id);
    const personal = await pendingRuns(client, owner.personalAccountId, 2);
    const teamRuns = await pendingRuns(client, team, 2);
    const got = await claim(client, 10);
    expect(got.ids).toHaveLength(2); // not 2 per account
    const { rows } = await client.query(
      "select execution_id, status, wait_reason from app_public.task_executions where execution_id = any($1)",
      [[...personal, ...teamRuns]],
    );
    const waiting = rows.filter((r) => r.status === "pending");
    expect(waiting).toHaveLength(2);
    for (const w of waiting) expect(w.wait_reason).toMatch(/plan allows 2 runs at a time/);
    // one finishes: the next starts
    await client.query("update app_public.task_executions set status = 'completed', lease_owner = null where execution_id = $1", [
      got.ids[0],
    ]);
    expect((await claim(client, 10)).ids).toHaveLength(1);
  }));

test("a run due in the future is not claimed; claim_runs says when to look again", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const [id] = await pendingRuns(client, alice.personalAccountId, 1, -30); // due in 30 s
    const got = await claim(client, 10);
    expect(got.ids).not.toContain(id);
    const { rows } = await client.query("select scheduled_for from app_public.task_executions where execution_id = $1", [id]);
    // the pool's timer wakes at that second (a null here left scheduled runs to the 1 s fallback poll)
    expect(got.next_due_at).not.toBeNull();
    expect(new Date(got.next_due_at!).getTime()).toBe(new Date(rows[0].scheduled_for).getTime());
  }));

test("provider limits: max concurrent requests across workers, a 429 back-off pauses every claim with the reason shown", () =>
  withRollback(async (client) => {
    await client.query("update app_private.plan_limits set max_concurrent_executions = null");
    await client.query("select app_private.configure_provider($1, 2, null, null)", [PROVIDER]);
    const users = [await createUser(client), await createUser(client), await createUser(client)];
    const runs: string[] = [];
    for (const u of users) runs.push(...(await pendingRuns(client, u.personalAccountId, 1)));
    expect((await claim(client, 10, "w1")).ids).toHaveLength(2);
    const other = await claim(client, 10, "w2"); // another worker process: the limit is shared
    expect(other.ids).toHaveLength(0);
    expect(other.waiting_reason).toMatch(/2 runs at a time/);
    // a 429: nothing starts until the back-off ends, whatever the capacity
    await client.query("update app_public.task_executions set status = 'completed', lease_owner = null where execution_id = any($1)", [
      runs,
    ]);
    const [late] = await pendingRuns(client, users[0]!.personalAccountId, 1);
    await client.query("select app_private.back_off_provider($1, now() + interval '30 seconds', 'OpenAI rate limit (429)')", [PROVIDER]);
    const paused = await claim(client, 10);
    expect(paused.ids).toHaveLength(0);
    expect(paused.waiting_reason).toMatch(/rate limited: waiting until .*429/);
    const { rows } = await client.query("select wait_reason from app_public.task_executions where execution_id = $1", [late]);
    expect(rows[0].wait_reason).toMatch(/rate limited/);
    expect(new Date(paused.next_due_at!).getTime()).toBeGreaterThan(Date.now() + 20_000);
  }));

test("provider requests per minute: claims stop when the minute's budget is spent", () =>
  withRollback(async (client) => {
    await client.query("update app_private.plan_limits set max_concurrent_executions = null");
    await client.query("select app_private.configure_provider($1, null, 3, null)", [PROVIDER]);
    const u = await createUser(client);
    await pendingRuns(client, u.personalAccountId, 5);
    await client.query("select app_private.record_model_usage(null, 'prompt', $1, 'gpt-4o', 400, 100)", [PROVIDER]); // one call this minute
    expect((await claim(client, 10)).ids).toHaveLength(2);
    const none = await claim(client, 10);
    expect(none.ids).toHaveLength(0);
    expect(none.waiting_reason).toMatch(/3 requests per minute/);
  }));

test("leases: runs of a worker whose lease expired go back to pending and are claimed by another, same thread", () =>
  withRollback(async (client) => {
    await client.query("update app_private.plan_limits set max_concurrent_executions = null");
    const u = await createUser(client);
    const [id] = await pendingRuns(client, u.personalAccountId, 1);
    expect((await claim(client, 10, "dead-worker")).ids).toEqual([id]);
    const { rows: started } = await client.query("select app_private.start_claimed_runs($1::uuid[], 'offline', 'gpt-4o') as s", [[id]]);
    const threadId = started[0].s[0].thread_id;
    // the live worker still holds it: nobody else gets it
    expect((await claim(client, 10, "w2")).ids).toEqual([]);
    // the dead worker stops heartbeating: its lease runs out
    await client.query("update app_private.run_workers set lease_expires_at = now() - interval '1 second' where worker_id = 'dead-worker'");
    expect((await claim(client, 10, "w2")).ids).toEqual([id]);
    const { rows: again } = await client.query("select app_private.start_claimed_runs($1::uuid[], 'offline', 'gpt-4o') as s", [[id]]);
    expect(again[0].s[0]).toMatchObject({ thread_id: threadId, attempts: 1 }); // a lease loss costs no attempt
    // a graceful stop hands back at once
    const { rows: released } = await client.query("select app_private.release_run_worker('w2', 'stopping') as n");
    expect(released[0].n).toBe(1);
    const { rows } = await client.query("select status, lease_owner, wait_reason from app_public.task_executions where execution_id = $1", [
      id,
    ]);
    expect(rows[0]).toEqual({ status: "pending", lease_owner: null, wait_reason: "stopping" });
  }));

test("pick_runs (the claim's fair-share and cap step) chooses without claiming: round-robin across accounts, within the owner's cap", () =>
  withRollback(async (client) => {
    await client.query("update app_private.plan_limits set max_concurrent_executions = 2 where plan = 'free'");
    const big = await createUser(client);
    const small = await createUser(client);
    const bigRuns = await pendingRuns(client, big.personalAccountId, 5, 60);
    const [s1] = await pendingRuns(client, small.personalAccountId, 1, 1);
    const { rows } = await client.query("select app_private.pick_runs(clock_timestamp(), clock_timestamp(), 3) as ids");
    // the big account's oldest, the small account's only run, then the big account's second (its cap is 2)
    expect(new Set(rows[0].ids)).toEqual(new Set([bigRuns[0], s1, bigRuns[1]]));
    const { rows: still } = await client.query(
      "select count(*)::int as n from app_public.task_executions where execution_id = any($1) and status = 'pending'",
      [[...bigRuns, s1]],
    );
    expect(still[0].n).toBe(6); // nothing claimed
    const { rows: waiting } = await client.query("select wait_reason from app_public.task_executions where execution_id = $1", [
      bigRuns[2],
    ]);
    expect(waiting[0].wait_reason).toMatch(/plan allows 2 runs at a time/);
  }));

test("provider limits have one home: a worker's MODEL_* seed them once, a second worker's different values do not overwrite them", () =>
  withRollback(async (client) => {
    const key = "test-provider-seed";
    const first = await client.query("select max_concurrent, requests_per_minute from app_private.seed_provider_limits($1, 5, 100, null)", [
      key,
    ]);
    expect(first.rows[0]).toEqual({ max_concurrent: 5, requests_per_minute: 100 });
    const second = await client.query(
      "select max_concurrent, requests_per_minute from app_private.seed_provider_limits($1, 50, 1000, null)",
      [key],
    );
    expect(second.rows[0]).toEqual({ max_concurrent: 5, requests_per_minute: 100 }); // the database wins
    await client.query("select app_private.configure_provider($1, 7, null, null)", [key]); // the operator's change, for the whole fleet
    const after = await client.query("select max_concurrent from app_private.seed_provider_limits($1, 50, 1000, null)", [key]);
    expect(after.rows[0].max_concurrent).toBe(7);
  }));
