/**
 * Jest's node environment plus one database per test FILE, so files run in parallel without seeing each other's
 * committed rows, jobs or executions. Before the file is loaded, its database is cloned from the template that
 * globalSetup migrated once (`create database … template …`: a file copy, no migrations) and TEST_DATABASE_NAME,
 * TEST_SUPERUSER_URL, TEST_OWNER_URL and TEST_AUTH_URL point at it; after the file's last afterAll, it is dropped.
 * A test file needs nothing for this: the helpers (superuserPool, ownerPool, startTestServer…) read those variables.
 *
 * Plain JavaScript: jest loads test environments outside its transform.
 */
import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";
import { TestEnvironment } from "jest-environment-node";

const ident = (s) => pg.escapeIdentifier(s);

async function asRoot(fn) {
  const client = new pg.Client({ connectionString: process.env.TEST_ROOT_URL });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = "/" + database;
  return u.toString();
}

export default class DatabaseEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const template = process.env.TEST_TEMPLATE_DATABASE;
    if (!template) return; // globalSetup did not run (e.g. a single file run with --globalSetup unset)
    const file = path.relative(config.projectConfig.rootDir, context.testPath);
    // Keyed by worker and file (63-byte identifier limit: the file is hashed); unique within this run.
    const hash = crypto.createHash("sha1").update(file).digest("hex").slice(0, 10);
    this.database = `${template}_w${process.env.JEST_WORKER_ID ?? "0"}_${hash}`;
  }

  async setup() {
    await super.setup();
    if (!this.database) return;
    const template = process.env.TEST_TEMPLATE_DATABASE;
    const owner = process.env.DATABASE_OWNER;
    const authenticator = process.env.DATABASE_AUTHENTICATOR;
    await asRoot(async (root) => {
      await root.query(`drop database if exists ${ident(this.database)} with (force)`);
      // Two workers cloning the same template at once is fine; a stray session on the template (55006) is retried.
      for (let attempt = 1; ; attempt++) {
        try {
          await root.query(`create database ${ident(this.database)} template ${ident(template)} owner ${ident(owner)}`);
          break;
        } catch (err) {
          if (err.code !== "55006" || attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
      // Database-level privileges are not copied from the template: the same ones src/db/setup.ts grants.
      await root.query(`revoke all on database ${ident(this.database)} from public`);
      await root.query(`grant connect on database ${ident(this.database)} to ${ident(authenticator)}`);
    });
    const vars = {
      TEST_DATABASE_NAME: this.database,
      TEST_SUPERUSER_URL: withDatabase(process.env.TEST_ROOT_URL, this.database),
      TEST_OWNER_URL: withDatabase(process.env.TEST_TEMPLATE_OWNER_URL, this.database),
      TEST_AUTH_URL: withDatabase(process.env.TEST_TEMPLATE_AUTH_URL, this.database),
    };
    // The test file sees its own copy of process.env; child processes spawned without `env` see the real one.
    Object.assign(this.global.process.env, vars);
    Object.assign(process.env, vars);
  }

  async teardown() {
    try {
      if (this.database) await this.dropDatabase();
    } finally {
      await super.teardown();
    }
  }

  /**
   * Drops the file's database once its connections are gone (pools end asynchronously). Not `with (force)`: a pool the
   * file forgot to end would then emit an unhandled 'error' in this worker; such a database is left to globalTeardown.
   */
  async dropDatabase() {
    const database = this.database;
    await asRoot(async (root) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await root.query(`drop database if exists ${ident(database)}`);
          return;
        } catch (err) {
          if (err.code !== "55006" || attempt >= 10) {
            console.warn(`test database ${database} still in use after the file ended; globalTeardown drops it`);
            return;
          }
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    });
  }
}
