/**
 * Once per test run: a migrated TEMPLATE database on the server at TEST_ROOT_DATABASE_URL (a superuser connection,
 * e.g. the machine's PostgreSQL 15), or else on an embedded PostgreSQL started in a temporary folder. Every test file
 * then gets its own copy of it (tests/helpers/databaseEnvironment.js). Roles get a `_test` suffix so a developer's
 * roles are never touched; they are shared by the run's databases (roles belong to the server).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { loadConfig, PROJECT_ROOT } from "../../src/config.js";
import { freePort, startEmbedded, type EmbeddedServer } from "../../src/db/embedded.js";
import { ensureRolesAndDatabase, migrateDatabase, withCredentials } from "../../src/db/setup.js";
import { setLogLevel } from "../../src/logger.js";
import { waitFor } from "./waitFor.js";

export default async function globalSetup(): Promise<void> {
  process.env.DATABASE_OWNER = "sat_test_owner";
  process.env.DATABASE_AUTHENTICATOR = "sat_test_authenticator";
  process.env.DATABASE_VISITOR = "sat_test_visitor";
  process.env.GRAPHILE_ENV = "test";
  process.env.LOG_LEVEL ??= "warn";
  const config = loadConfig({ ...process.env, DATABASE_URL: undefined });
  setLogLevel(config.logLevel);
  let rootUrl = process.env.TEST_ROOT_DATABASE_URL;
  let embedded: EmbeddedServer | undefined;
  fs.mkdirSync(path.join(PROJECT_ROOT, ".test-data"), { recursive: true });
  if (!rootUrl) {
    const dataDir = path.join(PROJECT_ROOT, ".test-data", `pg-${process.pid}-${Date.now()}`);
    embedded = await startEmbedded({ dataDir, port: await freePort(), persistent: false, fsync: false }); // a throw-away cluster: no need to survive power loss
    rootUrl = embedded.rootUrl;
    (globalThis as Record<string, unknown>).__embeddedDataDir = dataDir;
  }
  const template = `sat_test_${Date.now()}_${process.pid}`;
  const password = crypto.randomBytes(18).toString("base64url");
  await ensureRolesAndDatabase(rootUrl, template, config, { owner: password, authenticator: password });
  const ownerUrl = withCredentials(rootUrl, config.roles.owner, password, template);
  await migrateDatabase(ownerUrl, config);
  // No session may stay on a template while it is copied (graphile-migrate ends its pool ~200 ms after use);
  // refusing connections from then on makes a stray one fail loudly.
  const root = new pg.Client({ connectionString: rootUrl });
  await root.connect();
  try {
    await waitFor(
      async () => (await root.query("select count(*)::int as n from pg_stat_activity where datname = $1", [template])).rows[0].n === 0,
      {
        timeoutMs: 10_000,
        what: `no session left on ${template}`,
      },
    );
    await root.query(`alter database ${pg.escapeIdentifier(template)} with allow_connections false`);
  } finally {
    await root.end();
  }
  process.env.TEST_TEMPLATE_DATABASE = template;
  process.env.TEST_ROOT_URL = rootUrl;
  process.env.TEST_TEMPLATE_OWNER_URL = ownerUrl;
  process.env.TEST_TEMPLATE_AUTH_URL = withCredentials(rootUrl, config.roles.authenticator, password, template);
  process.env.TEST_JWT_SECRET = crypto.randomBytes(32).toString("base64url");
  (globalThis as Record<string, unknown>).__embedded = embedded;
  console.log(`\ntest databases ${template}_* on ${embedded ? "embedded PostgreSQL" : "TEST_ROOT_DATABASE_URL"}`);
}
