/**
 * The README's `npm run db:migrate`, run as an operator would: on a fresh database (created by a
 * superuser and owned by the owner role, as "Using your own PostgreSQL" shows), then again on the
 * now-existing one; a bad setting stops it with one line before it touches the database.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PROJECT_ROOT } from "../src/config.js";

const COMMITTED = fs.readdirSync(path.join(PROJECT_ROOT, "migrations/committed")).filter((f) => f.endsWith(".sql")).length;
const created: string[] = [];

async function asRoot<T>(fn: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const u = new URL(process.env.TEST_ROOT_URL!);
  if (database) u.pathname = "/" + database;
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** An empty database owned by the test owner role; returns the owner's connection string to it. */
async function freshDatabase(tag: string): Promise<{ name: string; url: string }> {
  const name = `${process.env.TEST_DATABASE_NAME}_${tag}`;
  await asRoot((c) => c.query(`create database ${pg.escapeIdentifier(name)} owner ${pg.escapeIdentifier(process.env.DATABASE_OWNER!)}`));
  created.push(name);
  const url = new URL(process.env.TEST_OWNER_URL!);
  url.pathname = "/" + name;
  return { name, url: url.toString() };
}

/** Runs `npm run db:migrate` in a child process with only DATABASE_URL (plus `extra`) pointing it at the database. */
function dbMigrate(databaseUrl: string, extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", ...extra };
  for (const k of ["ROOT_DATABASE_URL", "AUTH_DATABASE_URL", "OPENAI_API_KEY", "MCP_SERVERS", "MCP_ALLOWED_HOSTS"])
    if (!(k in extra)) delete env[k];
  // The npm that runs this suite (npm_execpath), else the one on PATH.
  const [file, args] = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath, "run", "-s", "db:migrate"]]
    : ["npm", ["run", "-s", "db:migrate"]];
  return new Promise((resolve) => {
    execFile(file, args, { cwd: PROJECT_ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function state(database: string) {
  return asRoot(async (c) => {
    const { rows } = await c.query(
      `select to_regnamespace('graphile_worker') is not null as worker_schema,
              to_regclass('graphile_worker.jobs') is not null as jobs_view,
              to_regclass('app_public.scheduled_tasks') is not null as tasks_table,
              (select count(*)::int from pg_catalog.pg_tables where schemaname = 'graphile_migrate' and tablename = 'migrations') as migrate_table`,
    );
    const row = rows[0] as { worker_schema: boolean; jobs_view: boolean; tasks_table: boolean; migrate_table: number };
    const migrations = row.migrate_table
      ? ((await c.query("select count(*)::int as n from graphile_migrate.migrations")).rows[0] as { n: number }).n
      : 0;
    // The placeholders were filled with the configured roles: the visitor may use the API schema.
    const visitor = row.tasks_table
      ? (
          (await c.query("select has_schema_privilege($1, 'app_public', 'usage') as ok", [process.env.DATABASE_VISITOR])).rows[0] as {
            ok: boolean;
          }
        ).ok
      : false;
    return { workerSchema: row.worker_schema, jobsView: row.jobs_view, tasksTable: row.tasks_table, migrations, visitor };
  }, database);
}

afterAll(async () => {
  await asRoot(async (c) => {
    for (const name of created) await c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  });
});

test("db:migrate migrates a fresh database, then finds the existing one up to date", async () => {
  const db = await freshDatabase("migrate");
  expect(await state(db.name)).toEqual({ workerSchema: false, jobsView: false, tasksTable: false, migrations: 0, visitor: false });

  const first = await dbMigrate(db.url);
  expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: "" });
  expect(first.stdout).toContain(`${COMMITTED} committed migrations executed`);
  expect(await state(db.name)).toEqual({ workerSchema: true, jobsView: true, tasksTable: true, migrations: COMMITTED, visitor: true });

  const again = await dbMigrate(db.url);
  expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: "" });
  expect(again.stdout).toContain("Already up to date");
  expect(await state(db.name)).toEqual({ workerSchema: true, jobsView: true, tasksTable: true, migrations: COMMITTED, visitor: true });
});

// Every variable's checks are in tests/config.test.ts; these two show the command stops before the database.
test.each([
  ["MCP_SERVERS", "{not json", /^configuration error: MCP_SERVERS: must be a JSON object/],
  ["ROOT_DATABASE_URL", "mysql://root@localhost/x", /^configuration error: ROOT_DATABASE_URL: must use postgres: or postgresql:/],
])("a bad %s stops db:migrate with one line, before it touches the database", async (variable, value, message) => {
  const db = await freshDatabase(`bad_${variable.toLowerCase()}`);
  const res = await dbMigrate(db.url, { [variable]: value });
  expect(res.code).toBe(1);
  expect(res.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(message)]);
  expect(await state(db.name)).toEqual({ workerSchema: false, jobsView: false, tasksTable: false, migrations: 0, visitor: false });
});
