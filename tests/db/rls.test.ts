/**
 * Tenant isolation, table by table and command by command: a member of account A cannot
 * read, change, delete, insert into or move rows to account B — and B's rows provably exist.
 */
import type pg from "pg";
import { as, asRoot, closePools, createUser, errorOf, withRollback, type TestUser } from "../helpers/db.js";
import { seedTenant, type TenantRows } from "../helpers/fixtures.js";

afterAll(closePools);

interface TableCase {
  table: string;
  pk: string;
  row: (t: TenantRows) => string;
  /** A harmless column change used for the update test. */
  update: string;
  /** Inserting a row into the other account (null: the table has no insert grant at all). */
  insertInto: ((other: TenantRows) => [string, unknown[]]) | null;
  /** Moving one of A's rows to B (null: account_id cannot be written). */
  movable: boolean;
}

const cases: TableCase[] = [
  { table: "accounts", pk: "id", row: (t) => t.accountId, update: "name = 'hijacked'", insertInto: null, movable: false },
  {
    table: "account_memberships",
    pk: "account_id",
    row: (t) => t.accountId,
    update: "account_role = 'member'",
    insertInto: (b) => [
      "insert into app_public.account_memberships (account_id, user_id, account_role) values ($1, app_hidden.current_user_id(), 'owner')",
      [b.accountId],
    ],
    movable: false,
  },
  {
    table: "agents",
    pk: "agent_id",
    row: (t) => t.agentId,
    update: "name = 'hijacked'",
    insertInto: (b) => ["insert into app_public.agents (account_id, name) values ($1, 'x')", [b.accountId]],
    movable: true,
  },
  {
    table: "threads",
    pk: "thread_id",
    row: (t) => t.threadId,
    update: "title = 'hijacked'",
    insertInto: (b) => ["insert into app_public.threads (account_id, title) values ($1, 'x')", [b.accountId]],
    movable: false,
  },
  {
    table: "messages",
    pk: "message_id",
    row: (t) => t.messageId,
    update: "content = 'hijacked'",
    insertInto: (b) => ["insert into app_public.messages (thread_id, role, content) values ($1, 'user', 'x')", [b.threadId]],
    movable: false,
  },
  { table: "agent_runs", pk: "id", row: (t) => t.agentRunId, update: "status = 'failed'", insertInto: null, movable: false },
  { table: "scheduled_tasks", pk: "task_id", row: (t) => t.taskId, update: "name = 'hijacked'", insertInto: null, movable: false },
  {
    table: "task_executions",
    pk: "execution_id",
    row: (t) => t.executionId,
    update: "status = 'failed'",
    insertInto: null,
    movable: false,
  },
];

async function setup(client: pg.ClientBase) {
  const alice: TestUser = await createUser(client, "alice@example.com");
  const bob: TestUser = await createUser(client, "bob@example.com");
  const a = await seedTenant(client, alice.personalAccountId);
  // B's rows live in a team account of Bob's, so membership inserts meet RLS rather than the personal-account rule.
  await as(client, bob.id);
  const { rows } = await client.query("select id from app_public.create_account('Bob team')");
  await asRoot(client);
  const b = await seedTenant(client, rows[0].id);
  return { alice, bob, a, b };
}

async function count(client: pg.ClientBase, table: string, pk: string, id: string): Promise<number> {
  const { rows } = await client.query(`select count(*)::int as n from app_public.${table} where ${pk} = $1`, [id]);
  return rows[0].n;
}

describe.each(cases)("RLS on app_public.$table", (c) => {
  test("select: A sees its own row, not B's (which exists as root)", () =>
    withRollback(async (client) => {
      const { alice, a, b } = await setup(client);
      expect(await count(client, c.table, c.pk, c.row(b))).toBeGreaterThan(0);
      await as(client, alice.id);
      expect(await count(client, c.table, c.pk, c.row(a))).toBeGreaterThan(0);
      expect(await count(client, c.table, c.pk, c.row(b))).toBe(0);
      const { rows } = await client.query(
        `select count(*)::int as n from app_public.${c.table} where ${c.table === "accounts" ? "id" : "account_id"} = $1`,
        [b.accountId],
      );
      expect(rows[0].n).toBe(0);
    }));

  test("update: A cannot change B's row", () =>
    withRollback(async (client) => {
      const { alice, b } = await setup(client);
      const before = await client.query(`select to_jsonb(t) as r from app_public.${c.table} t where ${c.pk} = $1`, [c.row(b)]);
      await as(client, alice.id);
      const err = await errorOf(client, `update app_public.${c.table} set ${c.update} where ${c.pk} = $1`, [c.row(b)]);
      // 42501: no update grant on that column; P0002: the update matched no row A may change (the API's NOT_FOUND)
      if (err) expect(["42501", "P0002"]).toContain(err.code);
      await asRoot(client);
      const after = await client.query(`select to_jsonb(t) as r from app_public.${c.table} t where ${c.pk} = $1`, [c.row(b)]);
      expect(after.rows).toEqual(before.rows);
    }));

  test("delete: A cannot delete B's row", () =>
    withRollback(async (client) => {
      const { alice, b } = await setup(client);
      await as(client, alice.id);
      const err = await errorOf(client, `delete from app_public.${c.table} where ${c.pk} = $1`, [c.row(b)]);
      if (err) expect(err.code).toBe("42501");
      await asRoot(client);
      expect(await count(client, c.table, c.pk, c.row(b))).toBeGreaterThan(0);
    }));

  test("insert: A cannot insert a row into B", () =>
    withRollback(async (client) => {
      const { alice, b } = await setup(client);
      const before = await client.query(`select count(*)::int as n from app_public.${c.table}`);
      await as(client, alice.id);
      if (c.insertInto) {
        const [sql, params] = c.insertInto(b);
        const err = await errorOf(client, sql, params);
        expect(err).not.toBeNull();
        // RLS (42501) or, for messages, "thread not found" because B's thread is invisible (ST001)
        expect(["42501", "ST001"]).toContain(err!.code);
      } else {
        const err = await errorOf(client, `insert into app_public.${c.table} default values`);
        expect(err?.code).toBe("42501"); // permission denied: no insert grant
      }
      await asRoot(client);
      const after = await client.query(`select count(*)::int as n from app_public.${c.table}`);
      expect(after.rows[0].n).toBe(before.rows[0].n);
    }));

  test("move: A cannot move its own row into B", () =>
    withRollback(async (client) => {
      const { alice, a, b } = await setup(client);
      await as(client, alice.id);
      const column = c.table === "accounts" ? "id" : "account_id";
      const err = await errorOf(client, `update app_public.${c.table} set ${column} = $2 where ${c.pk} = $1`, [c.row(a), b.accountId]);
      expect(err).not.toBeNull();
      expect(err!.code).toBe("42501");
      if (c.movable) expect(err!.message).toMatch(/row-level security/);
      await asRoot(client);
      expect(await count(client, c.table, c.pk, c.row(a))).toBeGreaterThan(0);
    }));
});

test("users: A sees itself, not B", () =>
  withRollback(async (client) => {
    const { alice, bob } = await setup(client);
    await as(client, alice.id);
    const { rows } = await client.query("select id from app_public.users");
    expect(rows.map((r) => r.id)).toEqual([alice.id]);
    const err = await errorOf(client, "update app_public.users set email = 'x@y.z' where id = $1", [bob.id]);
    expect(err?.code).toBe("42501");
  }));

test("anonymous requests see no tenant data", () =>
  withRollback(async (client) => {
    await setup(client);
    await as(client, null);
    for (const c of cases) {
      const { rows } = await client.query(`select count(*)::int as n from app_public.${c.table}`);
      expect({ table: c.table, n: rows[0].n }).toEqual({ table: c.table, n: 0 });
    }
  }));

test("the visitor cannot reach app_private or graphile_worker", () =>
  withRollback(async (client) => {
    const { alice } = await setup(client);
    await as(client, alice.id);
    expect((await errorOf(client, "select * from app_private.audit_log"))?.code).toBe("42501");
    expect((await errorOf(client, "select * from graphile_worker.jobs"))?.code).toBe("42501");
    expect((await errorOf(client, "select graphile_worker.add_job('x')"))?.code).toBe("42501");
  }));
