/**
 * Database helpers for tests: each test body runs in a transaction that rolls back.
 * `as(client, userId)` switches to the visitor role with that user's claims, exactly as
 * the server does for a verified JWT; `asRoot(client)` switches back.
 */
import crypto from "node:crypto";
import pg from "pg";

export const VISITOR = "sat_test_visitor";
let pool: pg.Pool | undefined;

export function superuserPool(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: process.env.TEST_SUPERUSER_URL, max: 4 });
  return pool;
}

export async function closePools(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

export async function withRollback<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await superuserPool().connect();
  try {
    await client.query("begin");
    return await fn(client);
  } finally {
    await client.query("rollback").catch(() => undefined);
    client.release();
  }
}

export async function as(client: pg.ClientBase, userId: string | null, email?: string): Promise<void> {
  await client.query(
    "select set_config('role', $1, true), set_config('jwt.claims.sub', $2, true), set_config('jwt.claims.email', $3, true)",
    [VISITOR, userId ?? "", email ?? ""],
  );
}

export async function asRoot(client: pg.ClientBase): Promise<void> {
  await client.query("select set_config('role', 'none', true), set_config('jwt.claims.sub', '', true)");
  await client.query("reset role");
}

export interface TestUser {
  id: string;
  personalAccountId: string;
}

/** Provisions a user the way the server does on their first request. Leaves the session as root. */
export async function createUser(client: pg.ClientBase, email?: string): Promise<TestUser> {
  const id = crypto.randomUUID();
  await as(client, id, email);
  await client.query("select app_hidden.provision_current_user()");
  const { rows } = await client.query("select app_hidden.current_user_personal_account_id() as id");
  await asRoot(client);
  return { id, personalAccountId: rows[0].id };
}

/** Runs `sql` inside a savepoint and returns the error it raised (or null), keeping the transaction usable. */
export async function errorOf(client: pg.ClientBase, sql: string, params: unknown[] = []): Promise<(Error & { code?: string }) | null> {
  await client.query("savepoint expect_error");
  try {
    await client.query(sql, params);
    await client.query("release savepoint expect_error");
    return null;
  } catch (err) {
    await client.query("rollback to savepoint expect_error");
    return err as Error & { code?: string };
  }
}
