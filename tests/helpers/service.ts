/**
 * `npm start` as a user runs it, in a child process: no DATABASE_URL (the embedded PostgreSQL in `dataDir`), a free
 * HTTP port, info logs. Resolves once it prints "GraphQL API ready", with every line it printed so far (and later).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config.js";

export interface StartedService {
  child: ChildProcess;
  /** The GraphQL URL it printed. */
  url: string;
  lines: string[];
}

export async function startService(dataDir: string, pgPort: number, extraEnv: Record<string, string> = {}): Promise<StartedService> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EMBEDDED_PG_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    PORT: "0",
    LOG_LEVEL: "info",
    ...extraEnv,
  };
  for (const k of ["DATABASE_URL", "JWT_SECRET", "DATABASE_OWNER", "DATABASE_AUTHENTICATOR", "DATABASE_VISITOR", "TEST_ROOT_DATABASE_URL"])
    delete env[k];
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "src/main.ts"), "all"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "GraphQL API ready" within 90 s:\n${lines.join("\n")}`)), 90_000);
    const onData = (buf: Buffer) => {
      for (const line of buf.toString().split("\n").filter(Boolean)) {
        lines.push(line);
        const m = /"msg":"GraphQL API ready","graphql":"([^"]+)"/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${lines.join("\n")}`));
    });
  });
  return { child, url, lines };
}
