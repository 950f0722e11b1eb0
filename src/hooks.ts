/**
 * POST /hooks/agent-runs/:id — the external agent runtime's signed callback.
 * Body (JSON), one event per request:
 *   {"type": "message",   "role": "assistant" | "tool", "content": "…", "metadata": {…}}
 *   {"type": "completed", "final_answer": "…", "usage": {"promptTokens": n, "completionTokens": n, "totalTokens": n}}
 *   {"type": "failed",    "error": "…"}
 * Header x-agent-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> with AGENT_WEBHOOK_SECRET.
 * A missing, wrong or stale signature gets 401 and changes nothing.
 */
import express, { type Router } from "express";
import type pg from "pg";
import { SIGNATURE_HEADER, verifySignature } from "./agent/webhookSignature.js";
import { log, errorFields } from "./logger.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function agentRunHooks(opts: { ownerPool: pg.Pool; secret: string; toleranceSeconds?: number }): Router {
  const router = express.Router();
  router.post("/hooks/agent-runs/:id", express.raw({ type: "*/*", limit: "2mb" }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    const check = verifySignature(opts.secret, raw, req.header(SIGNATURE_HEADER), { toleranceSeconds: opts.toleranceSeconds ?? 300 });
    if (!check.ok) {
      log.info("rejected agent-run callback", { reason: check.reason });
      return void res.status(401).json({ error: `invalid signature: ${check.reason}` });
    }
    const id = String(req.params.id);
    if (!UUID.test(id)) return void res.status(404).json({ error: "unknown agent run" });
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return void res.status(400).json({ error: "body must be JSON" });
    }
    try {
      const { rows } = await opts.ownerPool.query<{ execution_id: string; status: string }>(
        "select execution_id, status from app_public.task_executions where agent_run_id = $1",
        [id],
      );
      const execution = rows[0];
      if (!execution) return void res.status(404).json({ error: "unknown agent run" });
      if (execution.status !== "running") return void res.status(409).json({ error: `execution is ${execution.status}` });
      switch (event.type) {
        case "message": {
          if ((event.role !== "assistant" && event.role !== "tool") || typeof event.content !== "string") {
            return void res.status(400).json({ error: 'message needs role "assistant" or "tool" and a string content' });
          }
          const metadata = typeof event.metadata === "object" && event.metadata ? event.metadata : {};
          await opts.ownerPool.query("select app_private.append_run_message($1, $2, $3, $4)", [
            execution.execution_id, event.role, event.content, JSON.stringify({ ...metadata, via: "webhook" }),
          ]);
          break;
        }
        case "completed": {
          const results = {
            final_answer: typeof event.final_answer === "string" ? event.final_answer : "",
            usage: typeof event.usage === "object" && event.usage ? event.usage : null,
            executor: "webhook",
          };
          await opts.ownerPool.query("select app_private.finish_execution($1, 'completed', $2, null)", [execution.execution_id, JSON.stringify(results)]);
          await opts.ownerPool.query("select graphile_worker.remove_job('expire_execution:' || $1)", [execution.execution_id]);
          break;
        }
        case "failed": {
          const error = typeof event.error === "string" && event.error ? event.error : "the agent runtime reported a failure";
          await opts.ownerPool.query("select app_private.finish_execution($1, 'failed', $2, $3)", [execution.execution_id, JSON.stringify({ executor: "webhook" }), error]);
          await opts.ownerPool.query("select graphile_worker.remove_job('expire_execution:' || $1)", [execution.execution_id]);
          break;
        }
        default:
          return void res.status(400).json({ error: 'type must be "message", "completed" or "failed"' });
      }
      res.json({ ok: true });
    } catch (err) {
      log.error("agent-run callback failed", errorFields(err));
      res.status(500).json({ error: "internal error" });
    }
  });
  return router;
}
