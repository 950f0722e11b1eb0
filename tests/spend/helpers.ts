/** Committed setup for spend tests that run worker jobs (they cannot live in a rolled-back transaction). */
import { as, asRoot, createUser, superuserPool, type TestUser } from "../helpers/db.js";

/** Runs one statement as the given user (visitor role, their claims), committed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of ad-hoc test queries
export async function sqlAs<T = any>(userId: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = await superuserPool().connect();
  try {
    await client.query("begin");
    await as(client, userId);
    const { rows } = await client.query(sql, params);
    await client.query("commit");
    return rows as T[];
  } catch (err) {
    await client.query("rollback");
    throw err;
  } finally {
    client.release();
  }
}

/** Runs one statement as root (the owner role in psql), committed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of ad-hoc test queries
export async function sqlRoot<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await superuserPool().query(sql, params)).rows as T[];
}

/** A user with a personal account and `teams` team accounts of which they are the primary owner. */
export async function ownerWithTeams(teams: number): Promise<TestUser & { teamIds: string[] }> {
  const client = await superuserPool().connect();
  try {
    await client.query("begin");
    const user = await createUser(client);
    await client.query("commit");
    const teamIds: string[] = [];
    for (let i = 0; i < teams; i++) {
      await client.query("begin");
      await as(client, user.id);
      teamIds.push((await client.query("select id from app_public.create_account($1)", [`Team ${i + 1}`])).rows[0].id);
      await client.query("commit");
    }
    await asRoot(client);
    return { ...user, teamIds };
  } finally {
    client.release();
  }
}

/** A thread with user messages in an account (as root). */
export async function threadIn(accountId: string, messages: string[]): Promise<string> {
  const [t] = await sqlRoot<{ thread_id: string }>(
    "insert into app_public.threads (account_id, title) values ($1, 'Spend') returning thread_id",
    [accountId],
  );
  for (const content of messages) {
    await sqlRoot("insert into app_public.messages (thread_id, role, content) values ($1, 'user', $2)", [t!.thread_id, content]);
  }
  return t!.thread_id;
}

/** Polls `probe` until `done(value)` holds (graphile-worker may settle a job's row just after runOnce resolves). */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}
