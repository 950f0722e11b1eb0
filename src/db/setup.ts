/**
 * Creates the roles and the database (needs a superuser or CREATEROLE + CREATEDB connection),
 * then brings the schema up to date: graphile-worker's schema, then our committed migrations.
 */
import path from "node:path";
import pg from "pg";
import { migrate } from "graphile-migrate";
import { runMigrations } from "graphile-worker";
import { PROJECT_ROOT, type Config } from "../config.js";
import { log } from "../logger.js";

export interface RolePasswords {
  owner: string | undefined;
  authenticator: string | undefined;
}

const ident = (s: string) => pg.escapeIdentifier(s);
const literal = (s: string) => pg.escapeLiteral(s);

async function ensureRole(client: pg.Client, name: string, options: string, password: string | undefined) {
  const { rowCount } = await client.query("select 1 from pg_roles where rolname = $1", [name]);
  const pw = password === undefined ? "" : ` password ${literal(password)}`;
  if (!rowCount) {
    await client.query(`create role ${ident(name)} ${options}${pw}`);
    log.info("created role", { role: name });
  } else if (password !== undefined) {
    await client.query(`alter role ${ident(name)} ${options}${pw}`);
  }
}

/** Idempotent: creates the three roles and the database owned by the owner role. */
export async function ensureRolesAndDatabase(rootUrl: string, database: string, config: Config, passwords: RolePasswords): Promise<void> {
  const { owner, authenticator, visitor } = config.roles;
  const root = new pg.Client({ connectionString: rootUrl });
  await root.connect();
  try {
    await ensureRole(root, owner, "login", passwords.owner);
    await ensureRole(root, authenticator, "login noinherit", passwords.authenticator);
    await ensureRole(root, visitor, "nologin", undefined);
    await root.query(`grant ${ident(visitor)} to ${ident(authenticator)}`);
    const { rowCount } = await root.query("select 1 from pg_database where datname = $1", [database]);
    if (!rowCount) {
      await root.query(`create database ${ident(database)} owner ${ident(owner)}`);
      log.info("created database", { database });
    }
    await root.query(`revoke all on database ${ident(database)} from public`);
    await root.query(`grant connect on database ${ident(database)} to ${ident(authenticator)}`);
  } finally {
    await root.end();
  }
  const inDb = new URL(rootUrl);
  inDb.pathname = "/" + database;
  const dbRoot = new pg.Client({ connectionString: inDb.toString() });
  await dbRoot.connect();
  try {
    await dbRoot.query(`alter schema public owner to ${ident(owner)}`);
    await dbRoot.query("revoke create on schema public from public");
  } finally {
    await dbRoot.end();
  }
}

/** Installs graphile-worker's schema, then runs every committed migration. Safe to repeat. */
export async function migrateDatabase(ownerUrl: string, config: Config): Promise<void> {
  await runMigrations({ connectionString: ownerUrl, logger: undefined });
  await migrate({
    connectionString: ownerUrl,
    migrationsFolder: path.join(PROJECT_ROOT, "migrations"),
    placeholders: {
      ":DATABASE_AUTHENTICATOR": config.roles.authenticator,
      ":DATABASE_VISITOR": config.roles.visitor,
    },
  });
}

/** Replaces the user, password and database of a connection string. */
export function withCredentials(baseUrl: string, user: string, password: string | undefined, database?: string): string {
  const u = new URL(baseUrl);
  u.username = user;
  u.password = password ?? "";
  if (database) u.pathname = "/" + database;
  return u.toString();
}
