/**
 * The run pool: one per worker process, holding many agent runs in flight at once. An agent run
 * waits on a model for seconds to minutes, so it costs a promise and a socket here, not a job slot
 * or a database connection. Durable state stays in Postgres (task_executions + run_workers):
 *
 * - claim:   app_private.claim_runs chooses which due runs start (round-robin across accounts,
 *            plan caps per paying owner, the model provider's shared limits) and leases them to
 *            this process; app_private.start_claimed_runs prepares their threads. Several processes
 *            claim at the same time: each takes the runs of billing owners the others do not hold.
 * - ahead:   with prepareAheadMs, runs due within it are reserved (pending, leased here) and prepared
 *            at once (app_private.prepare_reserved_runs: thread, prompt, everything the request needs);
 *            at their second app_private.start_prepared_runs flips them to running in one statement
 *            and the requests go out. A preparation the task no longer matches is redone then.
 * - wake-up: NOTIFY sat_runs_ready (new, released or retried runs), a timer for the next due run
 *            (each run starts at its own second), and a fallback poll (RUN_POLL_MS).
 * - lease:   one heartbeat row per process (RUN_HEARTBEAT_MS); a process that stops heartbeating
 *            for RUN_LEASE_SECONDS loses its runs, which the next claim anywhere resumes. Each claim
 *            carries a fencing token (lease epoch) that every write of the run names, so a holder
 *            that stalled past its lease cannot write once another took the run over.
 * - reconcile: the heartbeat (app_private.reconcile_run_worker) compares both ways: runs the database
 *            says this process holds but the pool no longer runs are handed back at once; runs the
 *            pool runs but no longer holds are stopped. Claims and heartbeats take turns, so neither
 *            sees the other half done.
 * - single flight: a run id this process already runs is never started a second time.
 * - cancel:  NOTIFY sat_run_stopped reaches the loop at once; the heartbeat's list of held runs is
 *            the fallback.
 * - stop:    in-flight runs are aborted and handed back (pending) at once, then the lease goes.
 */
import os from "node:os";
import crypto from "node:crypto";
import pg from "pg";
import { log, withLogContext } from "../logger.js";
import { executionStartLateness, runLeaseEvents, trackRunPool, untrackRunPool } from "../metrics.js";
import { writeWithRetry } from "./retry.js";
import type { StartedRun, StopReason } from "./types.js";

export interface RunPoolOptions {
  /** Owner connections for claims and run writes (shared by every run of this process). */
  db: pg.Pool;
  /** Connection string for the LISTEN connection. */
  connectionString: string;
  capacity: number;
  claimBatch: number;
  /** Runs due within this many ms are reserved and prepared ahead of their second (0: at their second). */
  prepareAheadMs?: number;
  leaseSeconds: number;
  heartbeatMs: number;
  pollMs: number;
  /** Provider key (OPENAI_BASE_URL, or "offline"), for the shared provider limits. */
  provider: string;
  executorKind: string;
  defaultModel: string;
  /** Runs one prepared execution to its end (completed, failed, retry later); must not throw. */
  execute(run: StartedRun, signal: AbortSignal, stopReason: () => StopReason | null): Promise<void>;
  /** How long stop() waits for runs to hand back. */
  stopTimeoutMs?: number;
  workerId?: string;
}

/** A reserved run, prepared ahead of its second (app_private.prepare_reserved_runs). */
interface Prepared {
  run: StartedRun | null;
  /** Date.now() at its second. */
  startAt: number;
}

/** What start_prepared_runs returns for a prepared run (the rest the pool already has); an unprepared one comes whole. */
type Flipped =
  | (Pick<StartedRun, "execution_id" | "agent_run_id" | "attempts" | "lease_epoch"> & { prepared: true })
  | (StartedRun & { prepared: false });

interface InFlight {
  controller: AbortController;
  reason: StopReason | null;
  done: Promise<void>;
}

/** Reserved runs due within the same window of this many ms start together (one timer; statements of 250 runs). */
const START_TICK_MS = 10;

export class RunPool {
  readonly workerId: string;
  private readonly runs = new Map<string, InFlight>();
  /** Every run this process holds, from its claim to its end: execution id -> lease epoch. */
  private readonly owned = new Map<string, number>();
  /** Claims and heartbeats take turns (see reconcile). */
  private turn: Promise<unknown> = Promise.resolve();
  /** The last heartbeat failed: renew the lease before the next claim. */
  private leaseStale = false;
  /** Claimed but not yet prepared (counts against capacity). */
  private preparing = 0;
  /** Reserved runs waiting for their second, by execution id (count against capacity). */
  private readonly reserved = new Map<string, Prepared>();
  /** Reserved runs being started (start_prepared_runs under way; count against capacity). */
  private starting = 0;
  private readonly startTimers = new Map<number, NodeJS.Timeout>();
  private readonly preparations = new Set<Promise<void>>();
  private listener: pg.Client | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  private stopping = false;
  private claimFailing = false;
  private lastWaitingReason: string | null = null;
  /** Runs claimed so far (drain() tells whether a claim found anything). */
  private claimed = 0;

  constructor(private readonly opts: RunPoolOptions) {
    this.workerId = opts.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
  }

  get inFlight(): number {
    return this.runs.size + this.preparing + this.reserved.size + this.starting;
  }

  private get aheadMs(): number {
    return this.opts.prepareAheadMs ?? 0;
  }

  async start(): Promise<void> {
    await this.heartbeat();
    await this.listen();
    trackRunPool(this);
    this.heartbeatTimer = setInterval(() => void this.heartbeat().catch((err) => this.heartbeatFailed(err)), this.opts.heartbeatMs);
    this.pollTimer = setInterval(() => this.wake(), this.opts.pollMs);
    this.wake();
    log.info("run pool started", { worker_id: this.workerId, capacity: this.opts.capacity, provider: this.opts.provider });
  }

  /** Asks for a claim soon (coalesced: at most one claim query at a time per process). */
  wake(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claimLoop()
      .then(() => this.databaseBack())
      .catch((err) => {
        // one line when the database goes away, one when it is back (not one per poll)
        if (!this.claimFailing) log.warn("run pool cannot reach the database; retrying every poll", { error: String(err) });
        this.claimFailing = true;
      })
      .finally(() => {
        this.claiming = null;
        if (this.claimAgain && !this.stopping) {
          this.claimAgain = false;
          this.wake();
        }
      });
  }

  /** Runs fn after the previous claim or heartbeat query has settled. */
  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.turn.then(fn, fn);
    this.turn = next.catch(() => undefined);
    return next;
  }

  private heartbeatFailed(err: unknown): void {
    if (!this.leaseStale) log.warn("run pool heartbeat failed; renewing the lease before the next claim", { error: String(err) });
    this.leaseStale = true;
  }

  private async claimLoop(): Promise<void> {
    // after an outage, renew the lease (and reconcile) before claiming anything
    if (this.leaseStale) await this.heartbeat();
    for (;;) {
      this.claimAgain = false;
      const free = this.opts.capacity - this.inFlight;
      if (free <= 0 || this.stopping) return;
      const want = Math.min(free, this.opts.claimBatch);
      const { rows } = await this.inTurn(() =>
        this.opts.db.query<{
          r: {
            ids: string[];
            epochs: number[];
            start_in_ms: Array<number | null>;
            next_due_at: string | null;
            waiting_reason: string | null;
          };
        }>("select app_private.claim_runs($1, $2, $3, $4) as r", [this.workerId, want, this.opts.provider, this.aheadMs]),
      );
      const { ids: claimedIds, epochs, start_in_ms, next_due_at, waiting_reason } = rows[0]!.r;
      // single flight: a run this process already holds is never started twice (claim_runs does not return one)
      const ids: string[] = [];
      const ahead: string[] = [];
      const now = Date.now();
      claimedIds.forEach((id, i) => {
        if (this.owned.has(id)) {
          runLeaseEvents.inc({ event: "duplicate_refused" });
          log.error("a claim returned a run this process already runs; not starting a second copy", { execution_id: id });
          return;
        }
        this.owned.set(id, Number(epochs[i]));
        const startIn = start_in_ms[i];
        if (startIn === null || startIn === undefined) ids.push(id);
        else {
          this.reserved.set(id, { run: null, startAt: now + Number(startIn) });
          ahead.push(id);
        }
      });
      if (ahead.length > 0) {
        const p = this.prepareAhead(ahead).finally(() => this.preparations.delete(p));
        this.preparations.add(p);
      }
      if (waiting_reason !== this.lastWaitingReason) {
        if (waiting_reason) log.info("runs waiting", { reason: waiting_reason });
        this.lastWaitingReason = waiting_reason;
      }
      this.claimed += ahead.length;
      if (ids.length > 0) {
        this.claimed += ids.length;
        const p = this.prepare(ids).finally(() => this.preparations.delete(p));
        this.preparations.add(p);
      }
      if (ids.length + ahead.length < want) {
        this.scheduleWake(next_due_at);
        return;
      }
    }
  }

  /**
   * After an outage: say so once, and ask for a dispatch now — graphile-worker's crontab backs off while the
   * database is away, and scheduled runs should not wait for its next attempt.
   */
  private async databaseBack(): Promise<void> {
    if (!this.claimFailing) return;
    this.claimFailing = false;
    log.info("run pool reached the database again");
    await this.opts.db
      .query(
        "select graphile_worker.add_job('dispatch_due_tasks', '{}'::json, job_key := 'dispatch_due_tasks:after_outage', max_attempts := 1)",
      )
      .catch((err) => log.warn("could not ask for a dispatch after the outage", { error: String(err) }));
  }

  private scheduleWake(nextDueAt: string | null): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    if (!nextDueAt) return;
    // reserve (and prepare) runs prepareAheadMs before their second
    const ms = new Date(nextDueAt).getTime() - Date.now() - this.aheadMs;
    if (ms > this.opts.pollMs) return; // the fallback poll comes first
    this.wakeTimer = setTimeout(() => this.wake(), Math.max(ms, 0));
  }

  /** Prepares claimed runs in chunks (several chunks at once) and launches each. */
  private async prepare(ids: string[]): Promise<void> {
    this.preparing += ids.length;
    await this.inChunks<StartedRun[]>(
      ids,
      100,
      "prepare the run",
      "select app_private.start_claimed_runs($1::uuid[], $2, $3, $4) as s",
      (chunk) => [chunk, this.opts.executorKind, this.opts.defaultModel, this.workerId],
      (chunk, started) => {
        const ids = new Set(started.map((r) => r.execution_id));
        for (const id of chunk) if (!ids.has(id)) this.owned.delete(id); // cancelled, refused or no longer ours
        for (const run of started) this.launch(run);
      },
      (chunk) => (this.preparing -= chunk.length),
    );
    this.wake();
  }

  /**
   * Runs one statement per chunk of `ids` (the chunks at once) and hands its result to `use`. A deadlock or an outage
   * rolls back only that statement: it is retried (for up to 30 s). A chunk that still fails is handed back (pending,
   * no attempt used; claimed again later); if even that fails, the next heartbeat's reconcile hands back whatever this
   * process holds but does not run. `settled` runs after each chunk either way.
   */
  private async inChunks<R>(
    ids: string[],
    size: number,
    what: string,
    sql: string,
    params: (chunk: string[]) => unknown[],
    use: (chunk: string[], result: R) => void,
    settled: (chunk: string[]) => void = () => undefined,
  ): Promise<void> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const { rows } = await writeWithRetry(what, () => this.opts.db.query<{ s: R }>(sql, params(chunk)), 30_000);
          use(chunk, rows[0]!.s);
        } catch (err) {
          log.warn(`could not ${what}; handing the runs back`, { error: String(err), count: chunk.length });
          for (const id of chunk) {
            this.owned.delete(id);
            this.reserved.delete(id);
          }
          await this.opts.db
            .query("select app_private.release_runs($1, $2::uuid[], $3)", [this.workerId, chunk, `could not ${what}: ${String(err)}`])
            .catch(() => undefined);
        } finally {
          settled(chunk);
        }
      }),
    );
  }

  /**
   * Ahead of their second: the reserved runs' threads and payloads (prepare_reserved_runs, 100 at a time), and a timer
   * for each second they are due at. A chunk that cannot be prepared is handed back (claimed again later).
   */
  private async prepareAhead(ids: string[]): Promise<void> {
    await this.inChunks<StartedRun[]>(
      ids,
      100,
      "prepare the run",
      "select app_private.prepare_reserved_runs($1, $2::uuid[]) as s",
      (chunk) => [this.workerId, chunk],
      (chunk, runs) => {
        const prepared = new Map(runs.map((r) => [r.execution_id, r]));
        for (const id of chunk) {
          const slot = this.reserved.get(id);
          if (!slot) continue; // lost meanwhile (reconcile)
          const run = prepared.get(id);
          if (!run) {
            // cancelled or no longer ours
            this.reserved.delete(id);
            this.owned.delete(id);
            continue;
          }
          slot.run = run;
          this.scheduleStart(slot.startAt);
        }
      },
    );
  }

  /** One timer per START_TICK_MS window reserved runs are due in (runs due at the same second share it). */
  private scheduleStart(startAt: number): void {
    const at = Math.ceil(startAt / START_TICK_MS) * START_TICK_MS;
    if (this.startTimers.has(at) || this.stopping) return;
    const timer = setTimeout(
      () => {
        this.startTimers.delete(at);
        void this.startDue();
      },
      Math.max(at - Date.now(), 0),
    );
    this.startTimers.set(at, timer);
  }

  /**
   * At their second: every prepared run now due is flipped to running (start_prepared_runs, 250 per statement, the
   * statements at once) and launched as its statement returns. A prepared run starts with the payload read ahead;
   * one whose preparation was redone comes back whole.
   */
  private async startDue(): Promise<void> {
    const now = Date.now();
    // taken out of `reserved` at once: a timer firing meanwhile must not start them a second time
    const due = new Map([...this.reserved].filter(([, p]) => p.run && p.startAt <= now));
    for (const id of due.keys()) this.reserved.delete(id);
    // the rest keep a timer (one that fired a little early leaves its runs to the next)
    for (const p of this.reserved.values()) if (p.run) this.scheduleStart(p.startAt);
    if (due.size === 0) return;
    this.starting += due.size;
    await this.inChunks<Flipped[]>(
      [...due.keys()],
      250,
      "start the run",
      "select app_private.start_prepared_runs($1, $2::uuid[], $3, $4) as s",
      (chunk) => [this.workerId, chunk, this.opts.executorKind, this.opts.defaultModel],
      (chunk, started) => {
        const flipped = new Map(started.map((f) => [f.execution_id, f]));
        for (const id of chunk) {
          const run = due.get(id)!.run!;
          const f = flipped.get(id);
          if (!f) {
            this.owned.delete(id); // cancelled, handed back to the overlap policy, refused by the plan, or no longer ours
            continue;
          }
          this.launch(f.prepared ? { ...run, agent_run_id: f.agent_run_id, attempts: f.attempts, lease_epoch: f.lease_epoch } : f);
        }
      },
      (chunk) => (this.starting -= chunk.length),
    );
    this.wake();
  }

  private launch(run: StartedRun): void {
    if (this.stopping) return; // prepared while stopping: release_run_worker hands it back with the others
    if (run.attempts === 1 && run.due_at) {
      executionStartLateness.observe({ trigger: run.trigger_type ?? "unknown" }, Math.max((Date.now() - Date.parse(run.due_at)) / 1000, 0));
    }
    // a second guard: a run given up while preparing (reconcile) and claimed again may be prepared twice
    if (this.runs.has(run.execution_id)) {
      runLeaseEvents.inc({ event: "duplicate_refused" });
      log.error("refusing to start a second copy of a run this process already runs", { execution_id: run.execution_id });
      return;
    }
    this.owned.set(run.execution_id, Number(run.lease_epoch));
    const controller = new AbortController();
    const entry: InFlight = { controller, reason: null, done: Promise.resolve() };
    this.runs.set(run.execution_id, entry);
    const ids = { execution_id: run.execution_id, task_id: run.task_id, account_id: run.account_id };
    entry.done = withLogContext(ids, () => this.opts.execute(run, controller.signal, () => entry.reason))
      .catch((err) => log.error("run ended with an unexpected error", { execution_id: run.execution_id, error: String(err) }))
      .finally(() => {
        this.runs.delete(run.execution_id);
        this.owned.delete(run.execution_id);
        this.wake();
      });
  }

  private stopRun(executionId: string, reason: StopReason): void {
    const entry = this.runs.get(executionId);
    if (!entry || entry.reason) return;
    entry.reason = reason;
    entry.controller.abort(new Error(reason));
  }

  /**
   * Renews the lease and reconciles both ways (app_private.reconcile_run_worker): runs held here but no longer run are
   * handed back at once; runs run here but no longer held (cancelled, finished elsewhere, taken over) are stopped.
   */
  private heartbeat(): Promise<void> {
    return this.inTurn(async () => {
      const owned = Object.fromEntries(this.owned);
      const { rows } = await this.opts.db.query<{ r: { released: number; lost: string[] } }>(
        "select app_private.reconcile_run_worker($1, $2, $3, $4, $5) as r",
        [this.workerId, this.opts.capacity, this.opts.provider, this.opts.leaseSeconds, JSON.stringify(owned)],
      );
      if (this.leaseStale) log.info("run pool lease renewed", { worker_id: this.workerId });
      this.leaseStale = false;
      const { released, lost } = rows[0]!.r;
      if (released > 0) {
        runLeaseEvents.inc({ event: "released" }, released);
        log.warn("handed back runs this process held but no longer ran", { count: released });
      }
      for (const id of lost) {
        if (this.owned.get(id) !== owned[id]) continue; // re-claimed since the snapshot
        runLeaseEvents.inc({ event: "lost" });
        if (this.runs.has(id)) this.stopRun(id, "lost");
        else {
          // claimed or reserved, not started yet: start_claimed_runs / start_prepared_runs will not start it
          this.owned.delete(id);
          this.reserved.delete(id);
        }
      }
    });
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.connectionString });
    client.on("error", (err) => {
      log.warn("run pool LISTEN connection lost; reconnecting", { error: String(err) });
      this.listener = null;
      void client.end().catch(() => undefined);
      this.reconnect();
    });
    client.on("notification", (msg) => {
      if (msg.channel === "sat_runs_ready") return this.wake();
      if (msg.channel === "sat_run_stopped" && msg.payload) {
        try {
          const p = JSON.parse(msg.payload) as { execution_id: string; worker_id: string };
          if (p.worker_id === this.workerId) this.stopRun(p.execution_id, "cancelled");
        } catch {
          /* not ours */
        }
      }
    });
    await client.connect();
    await client.query("listen sat_runs_ready; listen sat_run_stopped");
    this.listener = client;
  }

  private reconnect(delayMs = 1000): void {
    if (this.stopping) return;
    this.reconnectTimer = setTimeout(() => {
      if (this.stopping) return;
      this.listen()
        .then(() => this.wake())
        .catch(() => this.reconnect(Math.min(delayMs * 2, 10_000)));
    }, delayMs).unref();
  }

  private claimsSettled(): Promise<void> {
    return this.claiming ?? Promise.resolve();
  }

  /** Tests: claims and runs until nothing runnable is left. */
  async drain(): Promise<void> {
    for (;;) {
      const before = this.claimed;
      this.wake();
      await this.claimsSettled();
      await Promise.all(this.preparations);
      await Promise.all([...this.runs.values()].map((r) => r.done));
      await this.claimsSettled(); // a finished run wakes a claim: let it settle too
      // reserved runs start at their second
      while (this.reserved.size + this.starting > 0 && !this.stopping) await new Promise((r) => setTimeout(r, 20));
      // done when a whole round claimed nothing (claim_runs found nothing runnable: none due, or all waiting on caps)
      if (this.claimed === before && this.runs.size === 0 && this.preparing === 0 && this.reserved.size + this.starting === 0) return;
    }
  }

  /** Graceful stop: abort in-flight runs, hand them back at once, drop the lease. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    untrackRunPool(this);
    for (const t of [this.heartbeatTimer, this.pollTimer]) if (t) clearInterval(t);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const t of this.startTimers.values()) clearTimeout(t);
    this.startTimers.clear();
    await this.claiming?.catch(() => undefined);
    await Promise.all(this.preparations); // claimed runs being prepared: not launched once stopping (see launch)
    this.reserved.clear(); // reserved runs go back with the others (release_run_worker)
    for (const id of this.runs.keys()) this.stopRun(id, "shutdown");
    const settled = Promise.all([...this.runs.values()].map((r) => r.done));
    await Promise.race([settled, new Promise((r) => setTimeout(r, this.opts.stopTimeoutMs ?? 5000).unref())]);
    try {
      const { rows } = await this.opts.db.query<{ n: number }>("select app_private.release_run_worker($1, $2) as n", [
        this.workerId,
        "the worker running it stopped; resuming in the same thread",
      ]);
      log.info("run pool stopped", { worker_id: this.workerId, handed_back: rows[0]!.n });
    } catch (err) {
      log.warn("run pool could not hand back its runs; another worker takes them over when the lease expires", { error: String(err) });
    }
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }
}
