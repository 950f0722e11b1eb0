/**
 * Tenant-indexed RLS, proven by the planner at a realistic size: ~2,000 accounts, 200,000 tasks,
 * 200,000 executions and 100,000 messages, generated set-based in one transaction that rolls back.
 * As the visitor, the SQL shapes the API issues (lists, counts, keyset pages, a task's history,
 * a thread's messages) must read the big tables through an index whose Index Cond carries the
 * tenant (account_id = ANY(InitPlan)) or the parent key — never a Seq Scan, never a walk of a
 * global index that filters out other tenants' rows. A last test puts the old policy shape
 * (`account_id in (select …)`) back inside the transaction and shows the same checks catch it.
 */
import type pg from "pg";
import { as, asRoot, createUser, superuserPool, closePools, type TestUser } from "../helpers/db.js";

const BIG_TABLES = ["scheduled_tasks", "task_executions", "messages"];
// The issue's deployment had 10,001 users and ~100 tasks each. The number of accounts is what
// decides whether the planner may walk a global index (see README, "Accounts and isolation"),
// so it is kept at that scale; tasks per account are fewer to keep the test at a few seconds.
const ACCOUNTS = 10_000;
const TASKS_PER_ACCOUNT = 19; // + 10,000 in the visitor's team account: ~200k
const BIG_ACCOUNT_TASKS = 10_000;
const THREADS_PER_ACCOUNT = 2;
const MESSAGES_PER_THREAD = 5;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  "Recheck Cond"?: string;
  "Parent Relationship"?: string;
  Plans?: PlanNode[];
}

let client: pg.PoolClient;
let visitor: TestUser;
let teamAccountId: string;
let bigTaskId: string;
let threadId: string;
let cursor: { createdAt: string; taskId: string };

beforeAll(async () => {
  client = await superuserPool().connect();
  await client.query("begin");
  visitor = await createUser(client, "planner@example.com");
  // Set-based generation as the superuser; triggers (audit, notify, timestamps) and FK checks
  // are skipped for the bulk insert only, the rows are consistent by construction.
  await client.query("set local session_replication_role = replica");
  await client.query(
    `create temp table plan_accounts on commit drop as
       select g as n, gen_random_uuid() as account_id, gen_random_uuid() as user_id from generate_series(1, $1::int) g`,
    [ACCOUNTS],
  );
  await client.query(`insert into app_public.users (id, email) select user_id, 'u' || n || '@example.com' from plan_accounts`);
  await client.query(
    `insert into app_public.accounts (id, name, personal_account, primary_owner_user_id)
     select account_id, 'Account ' || n, n > 1, user_id from plan_accounts`,
  );
  await client.query(`insert into app_public.account_memberships (account_id, user_id, account_role) select account_id, user_id, 'owner' from plan_accounts`);
  // Account n = 1 is a team account the visitor is a member of, and the big one.
  teamAccountId = (await client.query(`select account_id from plan_accounts where n = 1`)).rows[0].account_id;
  await client.query(`insert into app_public.account_memberships (account_id, user_id, account_role) values ($1, $2, 'member')`, [teamAccountId, visitor.id]);
  await client.query(`insert into plan_accounts values (0, $1, $2)`, [visitor.personalAccountId, visitor.id]);

  await client.query(
    `create temp table plan_threads on commit drop as
       select a.n, a.account_id, k, gen_random_uuid() as thread_id from plan_accounts a, generate_series(1, $1::int) k`,
    [THREADS_PER_ACCOUNT],
  );
  await client.query(`insert into app_public.threads (thread_id, account_id, title) select thread_id, account_id, 'Thread ' || k from plan_threads`);
  await client.query(
    `insert into app_public.messages (thread_id, account_id, role, content)
     select t.thread_id, t.account_id, case when m % 2 = 1 then 'user' else 'assistant' end, 'message ' || m
       from plan_threads t, generate_series(1, $1::int) m`,
    [MESSAGES_PER_THREAD],
  );
  // Tasks are created over time by all accounts at once (interleaved on disk, as in production);
  // the big account's 10,000 come on top. 3 in 5 are active.
  await client.query(
    `insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages,
                                             status, prompt_status, is_scheduled, schedule_type, next_execution_at, created_at)
     select t.account_id, t.thread_id, 'Task ' || g, 'Do the thing', '[]',
            s.status, 'ready', s.status = 'active', 'daily',
            case when s.status = 'active' then now() + (g % 1440) * interval '1 minute' end,
            now() - g * interval '1 second'
       from (select g, case when g <= $3::int then g % ($1::int + 1) else 1 end as n
               from generate_series(1, $3::int + $2::int) g) x
       join plan_threads t on t.n = x.n and t.k = 1
       cross join lateral (select (array['active', 'active', 'active', 'paused', 'draft'])[1 + (g % 5)] as status) s`,
    [ACCOUNTS, BIG_ACCOUNT_TASKS, (ACCOUNTS + 1) * TASKS_PER_ACCOUNT],
  );
  await client.query(
    `insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at, completed_at, created_at)
     select task_id, account_id, 'completed', 'manual', created_at, created_at, created_at + interval '1 minute'
       from app_public.scheduled_tasks`,
  );
  bigTaskId = (await client.query(
    `select task_id from app_public.scheduled_tasks where account_id = $1 order by created_at desc limit 1`, [teamAccountId])).rows[0].task_id;
  await client.query(
    `insert into app_public.task_executions (task_id, account_id, status, trigger_type, created_at)
     select $1, $2, 'completed', 'manual', now() - g * interval '1 hour' from generate_series(1, 200) g`,
    [bigTaskId, teamAccountId],
  );
  threadId = (await client.query(`select thread_id from plan_threads where n = 1 and k = 2`)).rows[0].thread_id;
  const { rows: page } = await client.query(
    `select created_at, task_id from app_public.scheduled_tasks where account_id = $1
      order by created_at desc, task_id desc offset 979 limit 1`,
    [teamAccountId],
  );
  cursor = { createdAt: page[0].created_at.toISOString(), taskId: page[0].task_id };
  await client.query("set local session_replication_role = origin");
  await client.query(`analyze app_public.users, app_public.accounts, app_public.account_memberships, app_public.threads,
                              app_public.messages, app_public.scheduled_tasks, app_public.task_executions`);
}, 120_000);

afterAll(async () => {
  await client.query("rollback").catch(() => undefined);
  client.release();
  await closePools();
});

interface Shape {
  name: string;
  sql: string;
  params: () => unknown[];
  /** What the scan of each big table must be bounded by (in its Index Cond). */
  cond: RegExp;
  /** The shape lists or counts a whole tenant (the old policy shape scanned globally for these). */
  tenantWide: boolean;
}

// The InitPlan's result: `$0` up to PostgreSQL 15, `(InitPlan 1).col1` from 16 (embedded 17; CI also runs 15).
const INITPLAN = String.raw`(?:\$\d+|\(InitPlan \d+\)\.col\d+)`;
const TENANT = new RegExp(String.raw`account_id = ANY \(${INITPLAN}\)`);

// The SQL PostGraphile issues for these fields (tie-breaker on the primary key, same direction).
const shapes: Shape[] = [
  {
    name: "allScheduledTasks(condition: {status: active}, orderBy: NEXT_EXECUTION_AT_ASC, first: 20)",
    sql: `select __t__."task_id", __t__."name", __t__."status", __t__."next_execution_at"
            from "app_public"."scheduled_tasks" as __t__
           where (__t__."status" = $1::"text")
           order by __t__."next_execution_at" asc, __t__."task_id" asc limit 21`,
    params: () => ["active"],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allScheduledTasks(condition: {status: active}) { totalCount }",
    sql: `select (count(*))::text as "0" from "app_public"."scheduled_tasks" as __t__ where (__t__."status" = $1::"text")`,
    params: () => ["active"],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allScheduledTasks { totalCount }",
    sql: `select (count(*))::text as "0" from "app_public"."scheduled_tasks" as __t__`,
    params: () => [],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allScheduledTasks(condition: {accountId}, orderBy: CREATED_AT_DESC, first: 20, after: cursor)",
    sql: `select __t__."task_id", __t__."name", __t__."created_at"
            from "app_public"."scheduled_tasks" as __t__
           where (__t__."account_id" = $1::"uuid")
             and ((__t__."created_at", __t__."task_id") < ($2::"timestamptz", $3::"uuid"))
           order by __t__."created_at" desc, __t__."task_id" desc limit 21`,
    params: () => [teamAccountId, cursor.createdAt, cursor.taskId],
    cond: new RegExp(String.raw`account_id = ANY \(${INITPLAN}\).*created_at, task_id\) < |created_at, task_id\) < .*account_id = ANY`),
    tenantWide: true,
  },
  {
    name: "allScheduledTasks(condition: {accountId}, orderBy: NAME_ASC, first: 20)",
    sql: `select __t__."task_id", __t__."name" from "app_public"."scheduled_tasks" as __t__
           where (__t__."account_id" = $1::"uuid") order by __t__."name" asc, __t__."task_id" asc limit 21`,
    params: () => [teamAccountId],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allTaskExecutions(orderBy: CREATED_AT_DESC, first: 20) { totalCount }",
    sql: `select __e__."execution_id", __e__."status", __e__."created_at"
            from "app_public"."task_executions" as __e__
           order by __e__."created_at" desc, __e__."execution_id" desc limit 21`,
    params: () => [],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "scheduledTaskByTaskId { taskExecutionsByTaskId(orderBy: CREATED_AT_DESC, first: 10) }",
    sql: `select __e__."execution_id", __e__."status", __e__."created_at"
            from "app_public"."task_executions" as __e__
           where (__e__."task_id" = $1::"uuid")
           order by __e__."created_at" desc, __e__."execution_id" desc limit 11`,
    params: () => [bigTaskId],
    cond: /task_id = /,
    tenantWide: false,
  },
  {
    name: "threadByThreadId { messagesByThreadId(orderBy: SEQ_ASC) }",
    sql: `select __m__."message_id", __m__."role", __m__."content"
            from "app_public"."messages" as __m__
           where (__m__."thread_id" = $1::"uuid")
           order by __m__."seq" asc, __m__."message_id" asc`,
    params: () => [threadId],
    cond: /thread_id = /,
    tenantWide: false,
  },
  {
    name: "allMessages { totalCount }",
    sql: `select (count(*))::text as "0" from "app_public"."messages" as __m__`,
    params: () => [],
    cond: TENANT,
    tenantWide: true,
  },
];

/** Every way a plan reads a big table other than through an index bounded by `cond`. */
function violations(plan: PlanNode, cond: RegExp): string[] {
  const found: string[] = [];
  // A bitmap is bounded when its index scans are: any input of a BitmapAnd, every input of a BitmapOr.
  // (InitPlans and SubPlans hang off a node too; they are not its input.)
  const inputs = (node: PlanNode) => (node.Plans ?? []).filter((p) => !/^(InitPlan|SubPlan)$/.test(p["Parent Relationship"] ?? ""));
  const bounded = (node: PlanNode): boolean => {
    if (node["Node Type"] === "Bitmap Index Scan") return cond.test(node["Index Cond"] ?? "");
    if (node["Node Type"] === "BitmapAnd") return inputs(node).some(bounded);
    return inputs(node).length > 0 && inputs(node).every(bounded);
  };
  const indexConds = (node: PlanNode): string[] =>
    node["Node Type"] === "Bitmap Index Scan" ? [node["Index Cond"] ?? ""] : inputs(node).flatMap(indexConds);
  const walk = (node: PlanNode) => {
    const rel = node["Relation Name"];
    if (rel && BIG_TABLES.includes(rel)) {
      const type = node["Node Type"];
      const where = `${type} on ${rel}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""}`;
      if (type === "Index Scan" || type === "Index Only Scan") {
        if (!cond.test(node["Index Cond"] ?? "")) {
          found.push(`${where}: Index Cond ${JSON.stringify(node["Index Cond"] ?? null)}, Filter ${JSON.stringify(node.Filter ?? null)}`);
        }
      } else if (type === "Bitmap Heap Scan") {
        const conds = indexConds(node);
        if (!bounded(node)) found.push(`${where}: bitmap Index Conds ${JSON.stringify(conds)}`);
      } else {
        found.push(`${where}${node.Filter ? `: Filter ${node.Filter}` : ""}`);
      }
    }
    node.Plans?.forEach(walk);
  };
  walk(plan);
  return found;
}

async function planOf(shape: Shape): Promise<PlanNode> {
  await client.query("savepoint plan");
  try {
    await as(client, visitor.id);
    const { rows } = await client.query(`explain (format json) ${shape.sql}`, shape.params());
    return rows[0]["QUERY PLAN"][0].Plan as PlanNode;
  } finally {
    await client.query("rollback to savepoint plan");
    await client.query("release savepoint plan");
  }
}

test("the data set is the realistic size, and the visitor sees only their accounts' share", async () => {
  const { rows: [root] } = await client.query(
    `select (select count(*) from app_public.scheduled_tasks)::int as tasks,
            (select count(*) from app_public.task_executions)::int as executions,
            (select count(*) from app_public.messages)::int as messages`);
  expect(root.tasks).toBeGreaterThanOrEqual(200_000);
  expect(root.executions).toBeGreaterThanOrEqual(200_000);
  expect(root.messages).toBeGreaterThanOrEqual(100_000);
  await client.query("savepoint count");
  await as(client, visitor.id);
  const { rows: [mine] } = await client.query(`select count(*)::int as n from app_public.scheduled_tasks`);
  await client.query("rollback to savepoint count");
  expect(mine.n).toBe(BIG_ACCOUNT_TASKS + 2 * TASKS_PER_ACCOUNT); // the team account and the personal one
});

test.each(shapes)("$name reads the big tables through a tenant (or parent) index condition", async (shape) => {
  const plan = await planOf(shape);
  expect(violations(plan, shape.cond)).toEqual([]);
});

test("the same checks catch the old `account_id in (select …)` policy shape", async () => {
  await client.query("savepoint old_shape");
  try {
    for (const table of BIG_TABLES) {
      await client.query(`drop policy select_member on app_public.${table}`);
      await client.query(`create policy select_member on app_public.${table} for select
                            using (account_id in (select app_hidden.current_user_account_ids()))`);
    }
    for (const shape of shapes.filter((s) => s.tenantWide)) {
      const found = violations(await planOf(shape), shape.cond);
      expect({ shape: shape.name, caught: found.length > 0 }).toEqual({ shape: shape.name, caught: true });
    }
  } finally {
    await client.query("rollback to savepoint old_shape");
    await asRoot(client);
  }
});
