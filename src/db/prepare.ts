/**
 * Gets a database ready to serve: either the one at DATABASE_URL, or an embedded
 * PostgreSQL started for us. Returns the owner and authenticator connection strings.
 */
import { authenticatorUrl, type Config } from "../config.js";
import { log } from "../logger.js";
import { startEmbedded, type EmbeddedServer } from "./embedded.js";
import { ensureRolesAndDatabase, migrateDatabase, withCredentials } from "./setup.js";

export interface PreparedDatabase {
  ownerUrl: string;
  authUrl: string;
  /** Set when we generated the dev JWT secret (embedded mode without JWT_SECRET/JWT_JWKS_URL). */
  generatedJwtSecret: string | undefined;
  embedded: EmbeddedServer | undefined;
}

export const EMBEDDED_DATABASE = "scheduled_tasks";

export async function prepareDatabase(config: Config, opts: { migrate: boolean }): Promise<PreparedDatabase> {
  if (config.databaseUrl) {
    const rootUrl = config.rootDatabaseUrl;
    if (rootUrl) {
      const database = new URL(config.databaseUrl).pathname.slice(1);
      await ensureRolesAndDatabase(rootUrl, database, config, {
        owner: undefined,
        authenticator: config.authenticatorPassword,
      });
    }
    if (opts.migrate) await migrateDatabase(config.databaseUrl, config);
    return {
      ownerUrl: config.databaseUrl,
      authUrl: authenticatorUrl(config, config.databaseUrl),
      generatedJwtSecret: undefined,
      embedded: undefined,
    };
  }
  const embedded = await startEmbedded({
    dataDir: config.embedded.dataDir,
    port: config.embedded.port,
    persistent: true,
    // a supervisor (systemd, Docker, Kubernetes) restarts the whole process when the database cannot be kept up
    supervise: { maxRestarts: config.embedded.maxRestarts, onGiveUp: () => process.exit(1) },
  });
  try {
    const { secrets } = embedded;
    await ensureRolesAndDatabase(embedded.rootUrl, EMBEDDED_DATABASE, config, {
      owner: secrets.ownerPassword,
      authenticator: secrets.authenticatorPassword,
    });
    const ownerUrl = withCredentials(embedded.rootUrl, config.roles.owner, secrets.ownerPassword, EMBEDDED_DATABASE);
    const authUrl = withCredentials(embedded.rootUrl, config.roles.authenticator, secrets.authenticatorPassword, EMBEDDED_DATABASE);
    if (opts.migrate) await migrateDatabase(ownerUrl, config);
    const generatedJwtSecret = config.jwt.secret || config.jwt.jwksUrl ? undefined : secrets.jwtSecret;
    if (generatedJwtSecret) {
      log.info("no JWT_SECRET or JWT_JWKS_URL set: using the development secret kept in the embedded data folder", {
        file: `${config.embedded.dataDir}/secrets.json`,
      });
    }
    return { ownerUrl, authUrl, generatedJwtSecret, embedded };
  } catch (err) {
    await embedded.stop();
    throw err;
  }
}
