/**
 * dispatch_due_tasks: driven by the crontab every minute (id dispatch_due_tasks). Creates one
 * execution per due occurrence and enqueues its run at the occurrence's own time; see
 * src/schedule/dispatch.ts for the policies. Any number of workers may run it at once (SKIP LOCKED).
 */
import type { Task } from "graphile-worker";
import { dispatchDue } from "../src/schedule/dispatch.js";
import { log } from "../src/logger.js";

export interface DispatchSettings {
  /** Injectable clock (tests); defaults to the real one. */
  now?: () => Date;
}

export function makeDispatchDueTasks(settings: DispatchSettings = {}): Task {
  return async (_payload, helpers) => {
    await helpers.withPgClient(async (client) => {
      const { rows } = await client.query<{ lookahead_ms: number; staleness_ms: number; batch_size: number }>(
        `select extract(epoch from lookahead) * 1000 as lookahead_ms, extract(epoch from staleness) * 1000 as staleness_ms, batch_size
           from app_private.scheduler_settings`,
      );
      const s = rows[0]!;
      const result = await dispatchDue(client, {
        now: settings.now?.() ?? new Date(),
        lookaheadMs: Number(s.lookahead_ms),
        stalenessMs: Number(s.staleness_ms),
        batchSize: s.batch_size,
      });
      if (result.claimed > 0) log.info("dispatched due tasks", { ...result });
    });
  };
}
