/**
 * `npm start` with the embedded PostgreSQL: when the postmaster is killed (kill -9, what the OOM killer does), it is
 * restarted with crash recovery and the service is ready again; /readyz answers 503 meanwhile. When the restarts are
 * used up (EMBEDDED_PG_MAX_RESTARTS), the process exits 1 with one readable line, for its supervisor to act.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config.js";
import { freePort } from "../../src/db/embedded.js";
import { waitFor } from "../helpers/waitFor.js";
import { startService } from "../helpers/service.js";

const dataDir = fs.mkdtempSync(path.join(PROJECT_ROOT, ".test-data", "supervise-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function start(pgPort: number) {
  const { child, url, lines } = await startService(dataDir, pgPort, { EMBEDDED_PG_MAX_RESTARTS: "1" });
  return { child, base: url.replace(/\/graphql$/, ""), lines };
}

const postmasterPid = () => Number(fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
const readyz = async (base: string) => (await fetch(`${base}/readyz`).catch(() => ({ status: 0 }))).status;

test("a killed embedded postmaster is restarted (crash recovery); once the restarts are used up the process exits 1", async () => {
  const { child, base, lines } = await start(await freePort());
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    expect(await readyz(base)).toBe(200);
    const first = postmasterPid();
    process.kill(first, "SIGKILL");
    await waitFor(() => lines.some((l) => /restarting it \(crash recovery\)/.test(l)), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: "the restart line",
    });
    await waitFor(() => lines.some((l) => /embedded PostgreSQL is back after a restart/.test(l)), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: "the database to be back",
    });
    expect(postmasterPid()).not.toBe(first);
    const ready = await waitFor(async () => (await readyz(base)) === 200, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: "/readyz to be ready again",
    }).catch(async (err: Error) => {
      const body = await fetch(`${base}/readyz`).then((r) => r.text(), String);
      if (process.env.SUPERVISE_LOG) fs.writeFileSync(process.env.SUPERVISE_LOG, lines.join("\n"));
      throw new Error(`${err.message}; /readyz says ${body}; last lines:\n${lines.slice(-15).join("\n")}`);
    });
    expect(ready).toBe(true);

    // EMBEDDED_PG_MAX_RESTARTS=1: the second death is final
    process.kill(postmasterPid(), "SIGKILL");
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running"), 30_000))]);
    expect(code).toBe(1);
    const errors = lines.filter((l) => /"level":"error"/.test(l));
    expect(errors).toHaveLength(1);
    // one readable line: the supervisor giving up, or (when graphile-worker notices first) the worker stopping for good
    expect(errors[0]).toMatch(
      /stopped unexpectedly \(signal SIGKILL\) and 1 restart\(s\) did not keep it up \(EMBEDDED_PG_MAX_RESTARTS=1\)|the worker stopped unexpectedly; exiting for a supervisor to restart the process/,
    );
  } finally {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    child.stdout!.destroy();
    child.stderr!.destroy();
  }
}, 180_000);
