/**
 * POST /hooks/agent-runs/:id — the external agent runtime's signed callback.
 * Body (JSON), one event per request, each with an `event_id` unique within the run (1-200 characters):
 *   {"event_id": "…", "type": "message",   "role": "assistant" | "tool", "content": "…", "metadata": {…}}
 *   {"event_id": "…", "type": "completed", "final_answer": "…", "usage": {"promptTokens": n, "completionTokens": n, "totalTokens": n}}
 *   {"event_id": "…", "type": "failed",    "error": "…"}
 * Header x-agent-signature: t=<unix seconds>,v2=<hex HMAC-SHA256 of "<t>.POST./hooks/agent-runs/<id>.<raw body>"> with
 * AGENT_WEBHOOK_SECRET (src/agent/webhookSignature.ts). The signed path binds the request to its run: a signature made
 * for run A is refused on run B. A missing, wrong or stale signature gets 401 and changes nothing; a body over 2 MB
 * gets 413. An event id already applied to the run is answered 200 {"duplicate": true} and not applied again.
 *
 * Spend: the `usage` of a `completed` (or `failed`) event is recorded in the ledger (app_private.record_run_usage, kind
 * "agent") in the same transaction as the outcome, billed under the model the run was handed over with (agent_runs.model,
 * set by start_execution) — never a model the runtime names. A message's own `metadata.usage` / `metadata.model` are
 * kept as `runtime_usage` / `runtime_model` and not billed, so a run is billed once, from its final event.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type pg from "pg";
import { SIGNATURE_HEADER, verifyRequestSignature } from "../agent/webhookSignature.js";
import { log, errorFields } from "../logger.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TOKENS_PER_EVENT = 2_147_483_647; // the ledger's integer columns

/** A reported token count: a non-negative whole number (capped to the ledger's integer), anything else 0. */
function tokens(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.min(Math.floor(value), MAX_TOKENS_PER_EVENT) : 0;
}

/** Input and output tokens of the runtime's `usage` ({promptTokens, completionTokens, totalTokens}; snake_case too). */
export function reportedUsage(usage: unknown): { input: number; output: number } {
  if (typeof usage !== "object" || usage === null) return { input: 0, output: 0 };
  const u = usage as Record<string, unknown>;
  const input = tokens(u.promptTokens ?? u.prompt_tokens ?? u.input_tokens);
  let output = tokens(u.completionTokens ?? u.completion_tokens ?? u.output_tokens);
  const total = tokens(u.totalTokens ?? u.total_tokens);
  if (total > input + output) output = total - input; // only a total reported: bill it all
  return { input, output: Math.min(output, MAX_TOKENS_PER_EVENT - input) }; // the ledger's total is an integer too
}
export const CALLBACK_PATH_PREFIX = "/hooks/agent-runs/";
export const MAX_CALLBACK_BYTES = 2 * 1024 * 1024;

/** The run's results.usage (the OpenAPI Usage shape), from what the runtime reported; null when it reported none. */
function webhookUsage(usage: unknown): { promptTokens: number; completionTokens: number; totalTokens: number } | null {
  if (typeof usage !== "object" || usage === null) return null;
  const { input, output } = reportedUsage(usage);
  return { promptTokens: input, completionTokens: output, totalTokens: input + output };
}

export function agentRunHooks(opts: { ownerPool: pg.Pool; secret: string; toleranceSeconds?: number }): Router {
  const router = express.Router();
  router.post("/hooks/agent-runs/:id", express.raw({ type: "*/*", limit: MAX_CALLBACK_BYTES }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    const id = String(req.params.id);
    const check = verifyRequestSignature(
      opts.secret,
      { method: "POST", path: `${CALLBACK_PATH_PREFIX}${id}`, body: raw },
      req.header(SIGNATURE_HEADER),
      {
        toleranceSeconds: opts.toleranceSeconds ?? 300,
      },
    );
    if (!check.ok) {
      log.info("rejected agent-run callback", { reason: check.reason });
      return void res.status(401).json({ error: `invalid signature: ${check.reason}` });
    }
    if (!UUID.test(id)) return void res.status(404).json({ error: "unknown agent run" });
    let event: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      event = parsed as Record<string, unknown>;
    } catch {
      return void res.status(400).json({ error: "body must be a JSON object" });
    }
    const eventId = event.event_id;
    if (typeof eventId !== "string" || eventId.length < 1 || eventId.length > 200) {
      return void res.status(400).json({ error: "event_id must be a string of 1 to 200 characters, unique within the run" });
    }
    if (event.type !== "message" && event.type !== "completed" && event.type !== "failed") {
      return void res.status(400).json({ error: 'type must be "message", "completed" or "failed"' });
    }
    if (event.type === "message" && ((event.role !== "assistant" && event.role !== "tool") || typeof event.content !== "string")) {
      return void res.status(400).json({ error: 'message needs role "assistant" or "tool" and a string content' });
    }
    let client: pg.PoolClient | undefined;
    try {
      client = await opts.ownerPool.connect();
      await client.query("begin");
      const { rows } = await client.query<{ execution_id: string; status: string }>(
        "select execution_id, status from app_public.task_executions where agent_run_id = $1 for update",
        [id],
      );
      const execution = rows[0];
      if (!execution) {
        await client.query("rollback");
        return void res.status(404).json({ error: "unknown agent run" });
      }
      const fresh = await client.query<{ fresh: boolean }>("select app_private.record_webhook_event($1, $2, $3) as fresh", [
        id,
        eventId,
        event.type,
      ]);
      if (!fresh.rows[0]!.fresh) {
        await client.query("rollback");
        return void res.json({ ok: true, duplicate: true });
      }
      if (execution.status !== "running") {
        await client.query("rollback");
        return void res.status(409).json({ error: `execution is ${execution.status}` });
      }
      if (event.type === "completed" || event.type === "failed") {
        const { input, output } = reportedUsage(event.usage);
        if (input + output > 0) {
          // billed under the model of the hand-off (the run row start_execution wrote), not the runtime's word
          await client.query(
            "select app_private.record_run_usage($1, (select r.model from app_public.agent_runs r where r.id = $2), $3, $4)",
            [execution.execution_id, id, input, output],
          );
        }
      }
      switch (event.type) {
        case "message": {
          const { usage, model, ...metadata } = (typeof event.metadata === "object" && event.metadata ? event.metadata : {}) as Record<
            string,
            unknown
          >;
          const reported = {
            ...(usage !== undefined ? { runtime_usage: usage } : {}),
            ...(model !== undefined ? { runtime_model: model } : {}),
          };
          await client.query("select app_private.append_run_message($1, $2, $3, $4)", [
            execution.execution_id,
            event.role,
            event.content,
            JSON.stringify({ ...metadata, ...reported, via: "webhook", event_id: eventId }),
          ]);
          break;
        }
        case "completed": {
          const results = {
            final_answer: typeof event.final_answer === "string" ? event.final_answer : "",
            usage: webhookUsage(event.usage),
            executor: "webhook",
          };
          await client.query("select app_private.finish_execution($1, 'completed', $2, null)", [
            execution.execution_id,
            JSON.stringify(results),
          ]);
          await client.query("select graphile_worker.remove_job('expire_execution:' || $1)", [execution.execution_id]);
          break;
        }
        case "failed": {
          const error = typeof event.error === "string" && event.error ? event.error : "the agent runtime reported a failure";
          await client.query("select app_private.finish_execution($1, 'failed', $2, $3)", [
            execution.execution_id,
            JSON.stringify({ executor: "webhook" }),
            error,
          ]);
          await client.query("select graphile_worker.remove_job('expire_execution:' || $1)", [execution.execution_id]);
          break;
        }
      }
      await client.query("commit");
      res.json({ ok: true });
    } catch (err) {
      await client?.query("rollback").catch(() => undefined);
      log.error("agent-run callback failed", errorFields(err));
      res.status(500).json({ error: "internal error" });
    } finally {
      client?.release();
    }
  });
  // body-parser's errors carry their HTTP status (413 too large, 400 malformed, 415 charset): answer it, not a 500.
  router.use("/hooks/agent-runs", (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { status?: unknown; type?: unknown } | null;
    if (e && typeof e.status === "number" && e.status >= 400 && e.status < 500) {
      return void res
        .status(e.status)
        .json({ error: e.type === "entity.too.large" ? `body too large (at most ${MAX_CALLBACK_BYTES} bytes)` : "bad request" });
    }
    next(err);
  });
  return router;
}
