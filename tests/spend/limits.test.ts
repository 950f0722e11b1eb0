/**
 * Spend limits at the SQL level (each test rolls back): allowances per billing owner across team accounts,
 * the model allow-list and max_tokens ceiling, check_run_allowed, and the prompt-generation rate limit.
 */
import type pg from "pg";
import { as, asRoot, closePools, createUser, errorOf, withRollback, type TestUser } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";

afterAll(closePools);

async function teamOf(client: pg.ClientBase, user: TestUser, name = "Team"): Promise<string> {
  await as(client, user.id);
  const { rows } = await client.query("select id from app_public.create_account($1)", [name]);
  await asRoot(client);
  return rows[0].id;
}

const one = async (client: pg.ClientBase, sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0];

test("monthly executions are counted per billing owner: a second team account of the same owner gets no fresh allowance (ST008)", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const teamA = await teamOf(client, alice, "A");
    const teamB = await teamOf(client, alice, "B");
    const bob = await createUser(client);
    const tA = await seedTenant(client, teamA);
    const tB = await seedTenant(client, teamB);
    const tBob = await seedTenant(client, bob.personalAccountId);
    await client.query("update app_private.plan_limits set executions_per_month = 1 where plan = 'free'");

    await as(client, alice.id);
    await client.query("select app_public.execute_task($1)", [tA.taskId]);
    const err = await errorOf(client, "select app_public.execute_task($1)", [tB.taskId]);
    expect(err?.code).toBe("ST008");
    expect(err?.message).toMatch(/free plan allows 1 executions per month for all accounts of the same owner/);
    expect(
      (
        await one(client, "select count(*)::int as n from app_public.task_executions where task_id = $1 and status = 'pending'", [
          tB.taskId,
        ])
      ).n,
    ).toBe(0);
    const seen = await one(
      client,
      `select app_public.accounts_executions_this_month(a) as own, app_public.accounts_owner_executions_this_month(a) as owner,
              app_public.accounts_execution_limit(a) as lim from app_public.accounts a where a.id = $1`,
      [teamB],
    );
    expect(seen).toEqual({ own: 0, owner: 1, lim: 1 });

    // another owner has their own allowance
    await as(client, bob.id);
    await client.query("select app_public.execute_task($1)", [tBob.taskId]);

    // the owner's plan is the highest-tier plan among their accounts: one pro account lifts them all
    await asRoot(client);
    await client.query("update app_public.accounts set plan = 'pro' where id = $1", [teamA]);
    await as(client, alice.id);
    expect(await errorOf(client, "select app_public.execute_task($1)", [tB.taskId])).toBeNull();
  }));

test("the dispatcher skips occurrences beyond the billing owner's allowance, counted over all their accounts", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const teamA = await teamOf(client, alice, "A");
    const teamB = await teamOf(client, alice, "B");
    const tA = await seedTenant(client, teamA);
    const tB = await seedTenant(client, teamB);
    await client.query("update app_private.plan_limits set executions_per_month = 1 where plan = 'free'");
    await client.query(
      "update app_public.scheduled_tasks set status = 'active', is_scheduled = true, schedule_type = 'daily' where task_id = any($1)",
      [[tA.taskId, tB.taskId]],
    );
    const res = await one(
      client,
      `select * from app_private.dispatch_occurrences(array[
         row($1::uuid, now() - interval '2 seconds', null, 0, now() + interval '1 day')::app_private.dispatch_decision,
         row($2::uuid, now() - interval '1 second', null, 0, now() + interval '1 day')::app_private.dispatch_decision], now())`,
      [tA.taskId, tB.taskId],
    );
    expect(res).toEqual({ dispatched: 1, skipped: 1 });
    const { rows } = await client.query(
      "select task_id, status, error_message from app_public.task_executions where trigger_type = 'schedule' and task_id = any($1) order by scheduled_for",
      [[tA.taskId, tB.taskId]],
    );
    expect(rows).toEqual([
      { task_id: tA.taskId, status: "pending", error_message: null },
      {
        task_id: tB.taskId,
        status: "cancelled",
        error_message: expect.stringMatching(/limit of executions per month .* all accounts of the same owner/),
      },
    ]);
    const usage = await one(
      client,
      "select executions from app_private.owner_usage where owner_user_id = $1 and period = app_private.usage_period(now())",
      [alice.id],
    );
    expect(usage.executions).toBe(1); // the skipped one was given back
  }));

test("tokens are counted per account and per owner; deleting a team account gives nothing back; an owner over the allowance is refused (ST010)", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const team = await teamOf(client, alice);
    const t = await seedTenant(client, alice.personalAccountId);
    await client.query("update app_private.plan_limits set tokens_per_month = 1000 where plan = 'free'");
    await client.query("select app_private.record_model_usage($1, 'agent', 'http://llm.test/v1', 'gpt-4o', 600, 100, null, null)", [team]);
    await client.query("select app_private.record_model_usage($1, 'prompt', 'http://llm.test/v1', 'gpt-4o', 200, 50, $2, null)", [
      alice.personalAccountId,
      t.taskId,
    ]);
    const ledger = await client.query(
      "select account_id, billing_owner_id, kind, input_tokens, output_tokens, total_tokens from app_private.model_usage where billing_owner_id = $1 order by id",
      [alice.id],
    );
    expect(ledger.rows).toEqual([
      { account_id: team, billing_owner_id: alice.id, kind: "agent", input_tokens: 600, output_tokens: 100, total_tokens: 700 },
      {
        account_id: alice.personalAccountId,
        billing_owner_id: alice.id,
        kind: "prompt",
        input_tokens: 200,
        output_tokens: 50,
        total_tokens: 250,
      },
    ]);
    await as(client, alice.id);
    const seen = await client.query(
      `select a.id, app_public.accounts_tokens_this_month(a) as own, app_public.accounts_owner_tokens_this_month(a) as owner,
              app_public.accounts_token_limit(a) as lim from app_public.accounts a order by a.personal_account`,
    );
    expect(seen.rows).toEqual([
      { id: team, own: "700", owner: "950", lim: "1000" },
      { id: alice.personalAccountId, own: "250", owner: "950", lim: "1000" },
    ]);
    expect(await errorOf(client, "select * from app_private.model_usage")).toMatchObject({ code: "42501" });
    await client.query("delete from app_public.accounts where id = $1", [team]);
    await asRoot(client);
    expect((await one(client, "select tokens from app_private.owner_usage where owner_user_id = $1", [alice.id])).tokens).toBe("950");

    expect((await one(client, "select app_private.check_run_allowed($1, 'gpt-4o', 1000) as r", [alice.personalAccountId])).r).toBeNull();
    await client.query("select app_private.record_model_usage($1, 'agent', 'http://llm.test/v1', 'gpt-4o', 50, 0, null, null)", [
      alice.personalAccountId,
    ]);
    const refusal = (await one(client, "select app_private.check_run_allowed($1, 'gpt-4o', 1000) as r", [alice.personalAccountId])).r;
    expect(refusal).toMatch(/monthly token allowance of the free plan is used up: 1000 of 1000 tokens .*\(ST010\)$/);
    await as(client, alice.id);
    expect((await errorOf(client, "select app_public.execute_task($1)", [t.taskId]))?.code).toBe("ST010");
  }));

test("agents: the plan's model allow-list (ST011) and max_tokens ceiling (ST012) apply on insert and update, and at run time", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const team = await teamOf(client, alice);
    await client.query(
      "update app_private.plan_limits set allowed_models = '{gpt-4o-mini,gpt-4.1-mini}', max_tokens_ceiling = 1000 where plan = 'free'",
    );
    await as(client, alice.id);
    const insert = (model: string | null, maxTokens: number | null, account = team) =>
      errorOf(client, "insert into app_public.agents (account_id, name, model, max_tokens) values ($1, 'A', $2, $3)", [
        account,
        model,
        maxTokens,
      ]);
    const bad = await insert("gpt-4o", null);
    expect(bad?.code).toBe("ST011");
    expect(bad?.message).toBe('model "gpt-4o" is not allowed by the free plan; allowed models: gpt-4o-mini, gpt-4.1-mini');
    const big = await insert("gpt-4o-mini", 4000, alice.personalAccountId);
    expect(big?.code).toBe("ST012");
    expect(big?.message).toBe("max_tokens 4000 is above the free plan's ceiling of 1000 tokens per model call");
    expect(await insert("gpt-4o-mini", 1000)).toBeNull();
    expect(await insert(null, null)).toBeNull(); // the default model and max_tokens are checked when the run starts
    expect((await client.query("select count(*)::int as n from app_public.agents where account_id = $1", [team])).rows[0].n).toBe(2);
    const upd = await errorOf(client, "update app_public.agents set model = 'o3' where account_id = $1 and model = 'gpt-4o-mini'", [team]);
    expect(upd?.code).toBe("ST011");
    const limits = await one(
      client,
      "select app_public.accounts_allowed_models(a) as models, app_public.accounts_max_tokens_ceiling(a) as ceiling from app_public.accounts a where a.id = $1",
      [team],
    );
    expect(limits).toEqual({ models: ["gpt-4o-mini", "gpt-4.1-mini"], ceiling: 1000 });

    await asRoot(client);
    const check = async (model: string, maxTokens: number) =>
      (await one(client, "select app_private.check_run_allowed($1, $2, $3) as r", [team, model, maxTokens])).r;
    expect(await check("gpt-4o-mini", 1000)).toBeNull();
    expect(await check("gpt-4o", 100)).toMatch(
      /^model "gpt-4o" is not allowed by the free plan; allowed models: gpt-4o-mini, gpt-4.1-mini \(ST011\)$/,
    );
    expect(await check("gpt-4o-mini", 4096)).toMatch(/ceiling of 1000 tokens per model call \(ST012\)$/);
    // the pro plan (no allow-list) of another of the owner's accounts applies to all of them
    await client.query("update app_public.accounts set plan = 'pro' where id = $1", [alice.personalAccountId]);
    expect(await check("gpt-4o", 4096)).toBeNull();
  }));

test("exportThread / regeneratePrompt are rate-limited per billing owner (ST013), nothing half-done; the window rolls", () =>
  withRollback(async (client) => {
    const alice = await createUser(client);
    const team = await teamOf(client, alice);
    const bob = await createUser(client);
    const t = await seedTenant(client, alice.personalAccountId);
    const teamT = await seedTenant(client, team);
    const bobT = await seedTenant(client, bob.personalAccountId);
    await client.query("update app_private.plan_limits set prompt_generations_per_hour = 2 where plan = 'free'");
    const tasksOf = async (account: string) =>
      (await one(client, "select count(*)::int as n from app_public.scheduled_tasks where account_id = $1", [account])).n;

    await as(client, alice.id);
    await client.query("select app_public.export_thread($1, 'one')", [t.threadId]);
    await client.query("select app_public.export_thread($1, 'two')", [t.threadId]);
    const before = await tasksOf(alice.personalAccountId);
    const third = await errorOf(client, "select app_public.export_thread($1, 'three')", [t.threadId]);
    expect(third?.code).toBe("ST013");
    expect(third?.message).toMatch(
      /^rate limited: the free plan allows 2 prompt generations \(exportThread and regeneratePrompt\) per hour for all accounts of the same owner; the next one is possible at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
    );
    expect(await tasksOf(alice.personalAccountId)).toBe(before);
    // the team account of the same owner shares the limit; regenerate counts too and changes nothing when refused
    expect((await errorOf(client, "select app_public.export_thread($1)", [teamT.threadId]))?.code).toBe("ST013");
    const gen = async () =>
      (await one(client, "select prompt_generation as g from app_public.scheduled_tasks where task_id = $1", [t.taskId])).g;
    const g0 = await gen();
    expect((await errorOf(client, "select app_public.regenerate_prompt($1)", [t.taskId]))?.code).toBe("ST013");
    expect(await gen()).toBe(g0);
    // another owner is not affected
    await as(client, bob.id);
    expect(await errorOf(client, "select app_public.export_thread($1)", [bobT.threadId])).toBeNull();

    // an hour later the window has rolled on
    await asRoot(client);
    await client.query("update app_private.prompt_generation_requests set at = at - interval '61 minutes' where owner_user_id = $1", [
      alice.id,
    ]);
    await as(client, alice.id);
    expect(await errorOf(client, "select app_public.regenerate_prompt($1)", [t.taskId])).toBeNull();
    expect(await gen()).toBe(g0 + 1);
    await asRoot(client);
    expect(
      (await one(client, "select count(*)::int as n from app_private.prompt_generation_requests where owner_user_id = $1", [alice.id])).n,
    ).toBe(1);
  }));
