/**
 * The run pool's write batcher: the messages and outcomes of many runs go to Postgres together,
 * one statement and one transaction per batch (app_private.apply_run_writes), instead of one
 * transaction per message. A herd of runs finishing at the same second then costs a few commits,
 * not thousands (each commit waits for the WAL flush, and commits that NOTIFY are serialised).
 *
 * A batch is sent when it holds `maxBatch` writes or `delayMs` after its first write. Each caller
 * awaits its own write's result, so a run still continues only once its message is stored. A
 * batch that fails for a connection-class reason is retried whole (it is one transaction); one
 * that fails otherwise is re-applied write by write, so a bad write fails only its own run. Each write
 * names the lease epoch its run holds: a stale holder's write is refused (false), never applied.
 */
import type pg from "pg";
import { writeWithRetry } from "./retry.js";
import { withoutLogContext } from "../logger.js";

export type RunWrite =
  | { op: "append"; execution_id: string; lease_epoch: number; role: string; content: string; metadata: Record<string, unknown> }
  | {
      op: "finish";
      execution_id: string;
      lease_epoch: number;
      status: "completed" | "failed";
      results: Record<string, unknown>;
      error: string | null;
    };

interface Pending {
  write: RunWrite;
  resolve(ok: boolean): void;
  reject(err: unknown): void;
}

export class RunWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: pg.Pool,
    private readonly opts: { maxBatch: number; delayMs: number } = { maxBatch: 500, delayMs: 5 },
  ) {}

  /** Queues one write; resolves with its result (false: the execution was no longer running under this lease epoch). */
  write(write: RunWrite): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.queue.length >= this.opts.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.delayMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue.splice(0, this.opts.maxBatch);
    if (this.queue.length > 0) this.timer = setTimeout(() => this.flush(), 0);
    if (batch.length > 0) void withoutLogContext(() => this.send(batch)); // a batch serves many runs: not the first one's log ids
  }

  private async send(batch: Pending[]): Promise<void> {
    try {
      const results = await writeWithRetry("run writes", () => this.apply(batch.map((p) => p.write)));
      batch.forEach((p, i) => p.resolve(results[i] ?? false));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // isolate the write that failed: each on its own
      await Promise.all(
        batch.map((p) =>
          writeWithRetry("run write", () => this.apply([p.write])).then(
            (r) => p.resolve(r[0] ?? false),
            (e: unknown) => p.reject(e),
          ),
        ),
      );
    }
  }

  private async apply(writes: RunWrite[]): Promise<boolean[]> {
    const { rows } = await this.db.query<{ r: boolean[] }>("select app_private.apply_run_writes($1::jsonb) as r", [JSON.stringify(writes)]);
    return rows[0]!.r;
  }
}
