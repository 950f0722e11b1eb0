/**
 * Tenant-indexed RLS, proven by the planner at a realistic size and skew: 10,000 small accounts,
 * 2,000 of them with 100 tasks each (the issue's measured deployment: ~110 tasks per account), one
 * team account with 20,000, 4 in 5 tasks active, an execution per task, 100,000 messages, an agent
 * and an invitation per account; generated set-based in one transaction that rolls back.
 *
 * Two checks per SQL shape the API issues (lists in every default and offered order, counts,
 * keyset pages, a task's history, a thread's messages) on every exposed table of app_public:
 *  - the plan (as the team member): the big tables are read through an index whose Index Cond
 *    carries the tenant (account_id = ANY(InitPlan)) or the parent key; never a Seq Scan, never a
 *    walk of a global index that filters out other tenants' rows, never a BitmapAnd with a global
 *    index (it reads every entry of, say, `status = 'active'`);
 *  - what it reads (EXPLAIN ANALYZE, as a small tenant and as the team member): every scan of every
 *    app_public table reads at most as many rows or index entries as the visitor can see there.
 * Then the same checks are shown to catch the old `account_id in (select …)` policy shape and the
 * row estimate before migration 000017 (n_distinct(account_id) measured: the planner expected
 * ~1,100 of a tenant's tasks and walked the primary key or next_execution_at index for a page).
 */
import type pg from "pg";
import { as, asRoot, createUser, superuserPool, closePools, type TestUser } from "../helpers/db.js";

const BIG_TABLES = ["scheduled_tasks", "task_executions", "messages"];
const EXPOSED_TABLES = [
  "users",
  "accounts",
  "account_memberships",
  "account_invitations",
  "agents",
  "agent_runs",
  "threads",
  "messages",
  "scheduled_tasks",
  "task_executions",
];
// What decides the plan is the planner's estimate of a tenant's rows: 10 (its fixed guess for the
// policy's array) x rows per account. 10,000 accounts as in the issue's deployment; tasks in 2,000
// of them at the deployment's ~100 per account (1,000,000 tasks would take a minute to generate).
const ACCOUNTS = 10_000;
const TASK_ACCOUNTS = 2_000; // including the visitor's personal account
const TASKS_PER_ACCOUNT = 100;
const BIG_ACCOUNT_TASKS = 20_000;
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
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
}

/** Whose eyes a shape is planned through, and the keys of their own rows it asks for. */
interface Viewer {
  name: string;
  userId: string;
  accountId: string; // the account the `condition: {accountId}` shapes ask for
  taskId: string; // a task of theirs with executions
  threadId: string; // a thread of theirs with messages
  cursor: { createdAt: string; taskId: string }; // page 50 (or the middle) of accountId's tasks by created_at
  visible: Record<string, number>; // rows they can see, per exposed table
}

let client: pg.PoolClient;
let visitor: TestUser;
let team: Viewer; // member of the 20,000-task team account, with a personal account of 100 tasks
let small: Viewer; // one personal account with 100 tasks

async function cursorOf(accountId: string, offset: number) {
  const { rows } = await client.query(
    `select created_at, task_id from app_public.scheduled_tasks where account_id = $1
      order by created_at desc, task_id desc offset $2 limit 1`,
    [accountId, offset],
  );
  return { createdAt: rows[0].created_at.toISOString(), taskId: rows[0].task_id };
}

async function visibleTo(userId: string): Promise<Record<string, number>> {
  await client.query("savepoint visible");
  try {
    await as(client, userId);
    const out: Record<string, number> = {};
    for (const t of EXPOSED_TABLES) out[t] = (await client.query(`select count(*)::int as n from app_public.${t}`)).rows[0].n;
    return out;
  } finally {
    await client.query("rollback to savepoint visible");
    await client.query("release savepoint visible");
  }
}

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
  await client.query(
    `insert into app_public.account_memberships (account_id, user_id, account_role) select account_id, user_id, 'owner' from plan_accounts`,
  );
  // Account n = 1 is a team account the visitor is a member of, and the big one.
  const teamAccountId = (await client.query(`select account_id from plan_accounts where n = 1`)).rows[0].account_id as string;
  await client.query(`insert into app_public.account_memberships (account_id, user_id, account_role) values ($1, $2, 'member')`, [
    teamAccountId,
    visitor.id,
  ]);
  await client.query(`insert into plan_accounts values (0, $1, $2)`, [visitor.personalAccountId, visitor.id]);
  // an agent and a pending invitation per account
  await client.query(`insert into app_public.agents (account_id, name) select account_id, 'Agent ' || n from plan_accounts`);
  await client.query(
    `insert into app_public.account_invitations (account_id, account_name, email, invited_by)
     select account_id, 'Account ' || n, 'invitee' || n || '@example.com', user_id from plan_accounts`,
  );

  await client.query(
    `create temp table plan_threads on commit drop as
       select a.n, a.account_id, k, gen_random_uuid() as thread_id from plan_accounts a, generate_series(1, $1::int) k`,
    [THREADS_PER_ACCOUNT],
  );
  await client.query(
    `insert into app_public.threads (thread_id, account_id, title) select thread_id, account_id, 'Thread ' || k from plan_threads`,
  );
  await client.query(
    `insert into app_public.messages (thread_id, account_id, role, content)
     select t.thread_id, t.account_id, case when m % 2 = 1 then 'user' else 'assistant' end, 'message ' || m
       from plan_threads t, generate_series(1, $1::int) m`,
    [MESSAGES_PER_THREAD],
  );
  await client.query(
    `insert into app_public.agent_runs (account_id, thread_id, status) select account_id, thread_id, 'completed' from plan_threads`,
  );
  // Tasks are created over time by all accounts at once (interleaved on disk, as in production):
  // accounts n = 0 (the visitor's personal one) and 2..TASK_ACCOUNTS take turns; the big
  // account's 20,000 come on top. 4 in 5 are active.
  await client.query(
    `insert into app_public.scheduled_tasks (account_id, source_thread_id, name, generated_prompt, original_messages,
                                             status, prompt_status, is_scheduled, schedule_type, next_execution_at, created_at)
     select t.account_id, t.thread_id, 'Task ' || g, 'Do the thing', '[]',
            s.status, 'ready', s.status = 'active', 'daily',
            case when s.status = 'active' then now() + (g % 1440) * interval '1 minute' end,
            now() - g * interval '1 second'
       from (select g, case when g > $2::int then 1 when g % $1::int = 0 then 0 else g % $1::int + 1 end as n
               from generate_series(1, $2::int + $3::int) g) x
       join plan_threads t on t.n = x.n and t.k = 1
       cross join lateral (select (array['active', 'active', 'active', 'active', 'paused'])[1 + (g / $1::int) % 5] as status) s
      order by g`,
    [TASK_ACCOUNTS, TASK_ACCOUNTS * TASKS_PER_ACCOUNT, BIG_ACCOUNT_TASKS],
  );
  await client.query(
    `insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at, completed_at, created_at)
     select task_id, account_id, 'completed', 'manual', created_at, created_at, created_at + interval '1 minute'
       from app_public.scheduled_tasks`,
  );
  const viewerKeys = async (n: number, accountId: string) => {
    const taskId = (
      await client.query(`select task_id from app_public.scheduled_tasks where account_id = $1 order by created_at desc limit 1`, [
        accountId,
      ])
    ).rows[0].task_id as string;
    const {
      rows: [acc],
    } = await client.query(`select account_id from plan_accounts where n = $1`, [n]);
    await client.query(
      `insert into app_public.task_executions (task_id, account_id, status, trigger_type, created_at)
       select $1, $2, 'completed', 'manual', now() - g * interval '1 hour' from generate_series(1, 200) g`,
      [taskId, accountId],
    );
    const threadId = (await client.query(`select thread_id from plan_threads where n = $1 and k = 2`, [n])).rows[0].thread_id as string;
    return { taskId, threadId, ownAccount: acc.account_id as string };
  };
  const teamKeys = await viewerKeys(1, teamAccountId);
  const smallUser = (await client.query(`select user_id from plan_accounts where n = 2`)).rows[0].user_id as string;
  const smallAccount = (await client.query(`select account_id from plan_accounts where n = 2`)).rows[0].account_id as string;
  const smallKeys = await viewerKeys(2, smallAccount);
  await client.query("set local session_replication_role = origin");
  await client.query(`analyze app_public.users, app_public.accounts, app_public.account_memberships, app_public.account_invitations,
                              app_public.agents, app_public.agent_runs, app_public.threads, app_public.messages,
                              app_public.scheduled_tasks, app_public.task_executions`);
  team = {
    name: "team member (20,000 + 100 tasks)",
    userId: visitor.id,
    accountId: teamAccountId,
    taskId: teamKeys.taskId,
    threadId: teamKeys.threadId,
    cursor: await cursorOf(teamAccountId, 979),
    visible: await visibleTo(visitor.id),
  };
  small = {
    name: "small tenant (100 tasks)",
    userId: smallUser,
    accountId: smallAccount,
    taskId: smallKeys.taskId,
    threadId: smallKeys.threadId,
    cursor: await cursorOf(smallAccount, 49),
    visible: await visibleTo(smallUser),
  };
}, 180_000);

afterAll(async () => {
  await client.query("rollback").catch(() => undefined);
  client.release();
  await closePools();
});

interface Shape {
  name: string;
  sql: string;
  params: (v: Viewer) => unknown[];
  /** What the scan of each big table must be bounded by (in its Index Cond). */
  cond: RegExp;
  /** The shape lists or counts a whole tenant (the old policy shape scanned globally for these). */
  tenantWide: boolean;
}

// The InitPlan's result: `$0` up to PostgreSQL 15, `(InitPlan 1).col1` from 16 (embedded 17; CI also runs 15).
const INITPLAN = String.raw`(?:\$\d+|\(InitPlan \d+\)\.col\d+)`;
const TENANT = new RegExp(String.raw`account_id = ANY \(${INITPLAN}\)`);

// The SQL PostGraphile issues for these fields (tie-breaker on the primary key, same direction;
// the default order is the primary key).
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
    name: "allScheduledTasks(first: 20) (primary key order)",
    sql: `select __t__."task_id", __t__."name" from "app_public"."scheduled_tasks" as __t__ order by __t__."task_id" asc limit 21`,
    params: () => [],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allScheduledTasks(orderBy: CREATED_AT_DESC, first: 20)",
    sql: `select __t__."task_id", __t__."name", __t__."created_at" from "app_public"."scheduled_tasks" as __t__
           order by __t__."created_at" desc, __t__."task_id" desc limit 21`,
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
    params: (v) => [v.accountId, v.cursor.createdAt, v.cursor.taskId],
    cond: new RegExp(String.raw`account_id = ANY \(${INITPLAN}\).*created_at, task_id\) < |created_at, task_id\) < .*account_id = ANY`),
    tenantWide: true,
  },
  {
    name: "allScheduledTasks(condition: {accountId}, orderBy: NAME_ASC, first: 20)",
    sql: `select __t__."task_id", __t__."name" from "app_public"."scheduled_tasks" as __t__
           where (__t__."account_id" = $1::"uuid") order by __t__."name" asc, __t__."task_id" asc limit 21`,
    params: (v) => [v.accountId],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allTaskExecutions(orderBy: CREATED_AT_DESC, first: 20)",
    sql: `select __e__."execution_id", __e__."status", __e__."created_at"
            from "app_public"."task_executions" as __e__
           order by __e__."created_at" desc, __e__."execution_id" desc limit 21`,
    params: () => [],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allTaskExecutions(first: 20) (primary key order)",
    sql: `select __e__."execution_id", __e__."status" from "app_public"."task_executions" as __e__ order by __e__."execution_id" asc limit 21`,
    params: () => [],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allTaskExecutions { totalCount }",
    sql: `select (count(*))::text as "0" from "app_public"."task_executions" as __e__`,
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
    params: (v) => [v.taskId],
    // by the parent key; a BitmapAnd of it with the tenant index is bounded too
    cond: new RegExp(String.raw`task_id = |${TENANT.source}`),
    tenantWide: false,
  },
  {
    name: "threadByThreadId { messagesByThreadId(orderBy: SEQ_ASC) }",
    sql: `select __m__."message_id", __m__."role", __m__."content"
            from "app_public"."messages" as __m__
           where (__m__."thread_id" = $1::"uuid")
           order by __m__."seq" asc, __m__."message_id" asc`,
    params: (v) => [v.threadId],
    cond: new RegExp(String.raw`thread_id = |${TENANT.source}`),
    tenantWide: false,
  },
  {
    name: "allMessages { totalCount }",
    sql: `select (count(*))::text as "0" from "app_public"."messages" as __m__`,
    params: () => [],
    cond: TENANT,
    tenantWide: true,
  },
  {
    name: "allMessages(first: 20) (primary key order)",
    sql: `select __m__."message_id", __m__."content" from "app_public"."messages" as __m__ order by __m__."message_id" asc limit 21`,
    params: () => [],
    cond: TENANT,
    tenantWide: true,
  },
  // the other exposed tables: a count and the default first page each
  ...(
    [
      ["users", "id"],
      ["accounts", "id"],
      ["account_memberships", 'account_id", __x__."user_id'],
      ["account_invitations", "invitation_id"],
      ["agents", "agent_id"],
      ["agent_runs", "id"],
      ["threads", "thread_id"],
    ] as const
  ).flatMap(([table, pk]): Shape[] => [
    {
      name: `${table}: totalCount`,
      sql: `select (count(*))::text as "0" from "app_public"."${table}" as __x__`,
      params: () => [],
      cond: /./,
      tenantWide: false,
    },
    {
      name: `${table}: first 20 (primary key order)`,
      sql: `select __x__.* from "app_public"."${table}" as __x__ order by __x__."${pk}" asc limit 21`,
      params: () => [],
      cond: /./,
      tenantWide: false,
    },
  ]),
];
const bigTableShapes = shapes.filter((s) => BIG_TABLES.some((t) => s.sql.includes(`"app_public"."${t}"`)));

const inputs = (node: PlanNode) => (node.Plans ?? []).filter((p) => !/^(InitPlan|SubPlan)$/.test(p["Parent Relationship"] ?? ""));

/** Every way a plan reads a big table other than through an index bounded by `cond`. */
function violations(plan: PlanNode, cond: RegExp): string[] {
  const found: string[] = [];
  // A bitmap is bounded when every index it reads is: a BitmapAnd with a global index (say, status)
  // reads all of that index's matching entries, whatever the other input bounds.
  // (InitPlans and SubPlans hang off a node too; they are not its input.)
  const bounded = (node: PlanNode): boolean => {
    if (node["Node Type"] === "Bitmap Index Scan") return cond.test(node["Index Cond"] ?? "");
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

/**
 * Every scan of an exposed table that reads more rows or index entries than the viewer can see in
 * that table (EXPLAIN ANALYZE: rows returned + removed by filter or recheck, per loop; a bitmap's
 * index scans count their entries).
 */
function overReads(plan: PlanNode, visible: Record<string, number>): string[] {
  const found: string[] = [];
  const walk = (node: PlanNode, rel?: string) => {
    const table = node["Relation Name"] ?? rel;
    const loops = node["Actual Loops"] ?? 1;
    const type = node["Node Type"];
    let read: number | undefined;
    if (type === "Bitmap Index Scan") read = (node["Actual Rows"] ?? 0) * loops;
    else if (node["Relation Name"] && EXPOSED_TABLES.includes(node["Relation Name"])) {
      read = ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0)) * loops;
    }
    if (read !== undefined && table && EXPOSED_TABLES.includes(table) && read > visible[table]!) {
      found.push(`${type} on ${table}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""}: read ${read}, visible ${visible[table]}`);
    }
    // a Bitmap Heap Scan's index scans belong to its table
    for (const child of node.Plans ?? [])
      walk(child, type === "Bitmap Heap Scan" || type === "BitmapAnd" || type === "BitmapOr" ? table : undefined);
  };
  walk(plan);
  return found;
}

async function planOf(shape: Shape, viewer: Viewer, analyze = false): Promise<PlanNode> {
  await client.query("savepoint plan");
  try {
    await as(client, viewer.userId);
    const { rows } = await client.query(`explain (${analyze ? "analyze, " : ""}format json) ${shape.sql}`, shape.params(viewer));
    return rows[0]["QUERY PLAN"][0].Plan as PlanNode;
  } finally {
    await client.query("rollback to savepoint plan");
    await client.query("release savepoint plan");
  }
}

test("the data set is the realistic size, and the visitor sees only their accounts' share", async () => {
  const {
    rows: [root],
  } = await client.query(
    `select (select count(*) from app_public.scheduled_tasks)::int as tasks,
            (select count(*) from app_public.task_executions)::int as executions,
            (select count(*) from app_public.messages)::int as messages,
            (select count(*) filter (where status = 'active') * 100 / count(*) from app_public.scheduled_tasks)::int as active_pct`,
  );
  expect(root.tasks).toBe(TASK_ACCOUNTS * TASKS_PER_ACCOUNT + BIG_ACCOUNT_TASKS);
  expect(root.executions).toBeGreaterThanOrEqual(root.tasks);
  expect(root.messages).toBeGreaterThanOrEqual(100_000);
  expect(root.active_pct).toBeGreaterThanOrEqual(75);
  expect(team.visible.scheduled_tasks).toBe(BIG_ACCOUNT_TASKS + TASKS_PER_ACCOUNT); // the team account and the personal one
  expect(small.visible.scheduled_tasks).toBe(TASKS_PER_ACCOUNT);
  expect(small.visible.accounts).toBe(1);
  // an owner sees their account's invitation; a member does not (the team member owns their personal account)
  expect(small.visible.account_invitations).toBe(1);
  expect(team.visible.account_invitations).toBe(1);
});

// The plan is the same for every tenant (the estimate does not depend on who asks); the team
// member's keys are the ones where a bounded index matters (20,000 tasks).
test.each(bigTableShapes)("$name reads the big tables through a tenant (or parent) index condition", async (shape) => {
  expect(violations(await planOf(shape, team), shape.cond)).toEqual([]);
});

test.each(shapes)("$name reads only the visitor's rows (EXPLAIN ANALYZE, small tenant and team member)", async (shape) => {
  expect(overReads(await planOf(shape, small, true), small.visible)).toEqual([]);
  expect(overReads(await planOf(shape, team, true), team.visible)).toEqual([]);
});

test("the same checks catch the old `account_id in (select …)` policy shape", async () => {
  await client.query("savepoint old_shape");
  try {
    for (const table of BIG_TABLES) {
      await client.query(`drop policy select_member on app_public.${table}`);
      await client.query(`create policy select_member on app_public.${table} for select
                            using (account_id in (select app_hidden.current_user_account_ids()))`);
    }
    for (const shape of bigTableShapes.filter((s) => s.tenantWide)) {
      const found = violations(await planOf(shape, team), shape.cond);
      expect({ shape: shape.name, caught: found.length > 0 }).toEqual({ shape: shape.name, caught: true });
    }
  } finally {
    await client.query("rollback to savepoint old_shape");
    await asRoot(client);
  }
});

test("the same checks catch the measured row estimate of before 000017 (a page walks a global index)", async () => {
  await client.query("savepoint measured_estimate");
  try {
    for (const table of ["scheduled_tasks", "task_executions"]) {
      await client.query(`alter table app_public.${table} alter column account_id reset (n_distinct)`);
      await client.query(`analyze app_public.${table} (account_id)`);
    }
    const caught: string[] = [];
    for (const shape of bigTableShapes.filter((s) => s.tenantWide)) {
      const found = [...violations(await planOf(shape, small), shape.cond), ...overReads(await planOf(shape, small, true), small.visible)];
      if (found.length > 0) caught.push(shape.name);
    }
    expect(caught).toEqual(expect.arrayContaining(["allScheduledTasks(first: 20) (primary key order)"]));
  } finally {
    await client.query("rollback to savepoint measured_estimate");
    await asRoot(client);
  }
});
