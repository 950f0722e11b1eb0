/**
 * One fresh database per test run: on the server at TEST_ROOT_DATABASE_URL (a superuser
 * connection, e.g. the machine's PostgreSQL 15), or else on an embedded PostgreSQL started
 * in a temporary folder. Roles get a `_test` suffix so a developer's roles are never touched.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadConfig, PROJECT_ROOT } from "../../src/config.js";
import { freePort, startEmbedded, type EmbeddedServer } from "../../src/db/embedded.js";
import { ensureRolesAndDatabase, migrateDatabase, withCredentials } from "../../src/db/setup.js";
import { setLogLevel } from "../../src/logger.js";

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
  if (!rootUrl) {
    const dataDir = path.join(PROJECT_ROOT, ".test-data", `pg-${process.pid}-${Date.now()}`);
    embedded = await startEmbedded({ dataDir, port: await freePort(), persistent: false, fsync: false }); // a throw-away cluster: no need to survive power loss
    rootUrl = embedded.rootUrl;
    (globalThis as Record<string, unknown>).__embeddedDataDir = dataDir;
  }
  const database = `sat_test_${Date.now()}_${process.pid}`;
  const password = crypto.randomBytes(18).toString("base64url");
  await ensureRolesAndDatabase(rootUrl, database, config, { owner: password, authenticator: password });
  const ownerUrl = withCredentials(rootUrl, config.roles.owner, password, database);
  await migrateDatabase(ownerUrl, config);
  const u = new URL(rootUrl);
  u.pathname = "/" + database;
  process.env.TEST_DATABASE_NAME = database;
  process.env.TEST_ROOT_URL = rootUrl;
  process.env.TEST_SUPERUSER_URL = u.toString();
  process.env.TEST_OWNER_URL = ownerUrl;
  process.env.TEST_AUTH_URL = withCredentials(rootUrl, config.roles.authenticator, password, database);
  process.env.TEST_JWT_SECRET = crypto.randomBytes(32).toString("base64url");
  (globalThis as Record<string, unknown>).__embedded = embedded;
  fs.mkdirSync(path.join(PROJECT_ROOT, ".test-data"), { recursive: true });
  console.log(`\ntest database ${database} on ${embedded ? "embedded PostgreSQL" : "TEST_ROOT_DATABASE_URL"}`);
}
