/**
 * One claiming process of bench:runs section 5 (claim throughput). Registers its worker id (heartbeat_run_worker),
 * prints "ready", waits for a line on stdin, then claims (app_private.claim_runs, CLAIM_BATCH at a time) until nothing
 * is left to claim; with CLAIM_PREPARE=1 it also prepares each claim's runs (start_claimed_runs, 100 at a time, with its
 * worker id), as the run pool does before running them. Then prints one JSON line: its counts, and when its first claim
 * began and its last claim (or preparation) ended, in epoch milliseconds, so the parent can take the wall clock over
 * all processes. Env: DATABASE_URL, CLAIM_WORKER, CLAIM_PROVIDER, CLAIM_BATCH, CLAIM_PREPARE.
 */
import readline from "node:readline";
import pg from "pg";

const worker = process.env.CLAIM_WORKER ?? `bench-claimer-${process.pid}`;
const provider = process.env.CLAIM_PROVIDER ?? "bench-claim";
const batch = Number(process.env.CLAIM_BATCH ?? 500);
const prepare = process.env.CLAIM_PREPARE === "1";
const PREPARE_CHUNK = 100;
const LEASE_SECONDS = 300;

export interface ClaimerResult {
  worker: string;
  claimed: number;
  prepared: number;
  claims: number;
  emptyClaims: number;
  claimMs: number[];
  startedAt: number;
  endedAt: number;
}

const now = () => performance.timeOrigin + performance.now();

const client = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: `bench:claimer ${worker}` });
await client.connect();
const heartbeat = () =>
  client.query("select app_private.heartbeat_run_worker($1, $2, $3, $4)", [worker, 1_000_000, provider, LEASE_SECONDS]);
await heartbeat();
process.stdout.write("ready\n");
await new Promise<void>((resolve) => {
  const rl = readline.createInterface({ input: process.stdin });
  rl.once("line", () => {
    rl.close(); // stdin would keep the process alive
    resolve();
  });
});

const result: ClaimerResult = { worker, claimed: 0, prepared: 0, claims: 0, emptyClaims: 0, claimMs: [], startedAt: now(), endedAt: 0 };
result.endedAt = result.startedAt;
let lastBeat = now();
let emptyInARow = 0;
for (;;) {
  if (now() - lastBeat > 10_000) {
    await heartbeat();
    lastBeat = now();
  }
  const t = now();
  const { rows } = await client.query<{ r: { ids: string[]; next_due_at: string | null } }>(
    "select app_private.claim_runs($1, $2, $3) as r",
    [worker, batch, provider],
  );
  result.claimMs.push(now() - t);
  result.claims++;
  const { ids, next_due_at } = rows[0]!.r;
  if (ids.length === 0) {
    result.emptyClaims++;
    // done when nothing is pending any more; an empty claim while runs are still due (other claimers hold their
    // owners' locks) is tried again
    if (next_due_at === null || ++emptyInARow >= 1000) break;
    continue;
  }
  emptyInARow = 0;
  result.claimed += ids.length;
  if (prepare) {
    for (let i = 0; i < ids.length; i += PREPARE_CHUNK) {
      const { rows: s } = await client.query<{ n: number }>(
        "select jsonb_array_length(app_private.start_claimed_runs($1::uuid[], 'offline', 'gpt-4o', $2)) as n",
        [ids.slice(i, i + PREPARE_CHUNK), worker],
      );
      result.prepared += s[0]!.n;
    }
  }
  result.endedAt = now();
}
await client.end();
process.stdout.write(JSON.stringify(result) + "\n");
