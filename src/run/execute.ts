/**
 * One agent run, from a prepared execution to its end. Called by the run pool (src/run/pool.ts).
 *   1. the pool has claimed the execution (running, leased to this process) and prepared it
 *      (app_private.start_execution: a new thread holding the prompt, an agent_run; both reused
 *      when a run is resumed after a worker was lost);
 *   2. run the agent, writing each message into the thread as it is produced;
 *   3. finish_execution: completed with results, or failed with error_message.
 * With AGENT_WEBHOOK_URL the run is handed to the external runtime instead and finished by its
 * signed callback; expire_execution fails it if no callback arrives within the run timeout.
 *
 * Retries: a transient failure (5xx, timeout, network, a stream cut midway) puts the execution back
 * to pending with run_after = exponential back-off (or the provider's Retry-After when later), up to
 * RUN_MAX_ATTEMPTS attempts. A 429 also pauses the whole provider for every worker
 * (app_private.back_off_provider) and does not use up an attempt. Permanent errors fail at once.
 */
import type pg from "pg";
import { AgentError, type AgentConfig, type HistoryMessage, type ModelCallGate, type Usage } from "../agent/types.js";
import { dispatchToWebhook } from "../agent/webhookRuntime.js";
import { resolveMcpServers } from "../agent/mcp.js";
import { modelCallCheck, resolveMaxTokens } from "../agent/openaiExecutor.js";
import type { McpRegistry } from "../mcpRegistry.js";
import { log } from "../logger.js";
import { executionDuration, executionsTotal } from "../metrics.js";
import type { RunSettings, StartedRun, StopReason } from "./types.js";
import { writeWithRetry } from "./retry.js";
import { RunWriter } from "./writes.js";

const NO_MCP: McpRegistry = { servers: {}, allowedHosts: [] };

/** A write of the run was refused: its lease epoch is stale (taken over) or the run was cancelled. */
class RunNoLongerHeld extends Error {
  constructor() {
    super("the run is no longer held by this worker");
  }
}

function agentConfig(started: StartedRun): AgentConfig {
  const a = started.agent;
  return {
    systemPrompt: a?.system_prompt ?? null,
    model: a?.model ?? null,
    temperature: a?.temperature ?? null,
    maxTokens: a?.max_tokens ?? null,
    tools: Array.isArray(a?.tools) ? a.tools.filter((t): t is string => typeof t === "string") : [],
    mcpServers: Array.isArray(a?.mcp_servers) ? a.mcp_servers : [],
  };
}

function retryAfterMsOf(err: unknown): number | undefined {
  const v = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** The model provider answered 429 (not the external agent runtime: its 429 is its own, not the provider's). */
function isRateLimit(err: unknown): boolean {
  return err instanceof AgentError && err.code === "provider" && err.status === 429;
}

export function makeRunExecutor(db: pg.Pool, settings: RunSettings) {
  const executorKind = settings.webhook ? "webhook" : (settings.executor?.kind ?? "offline");
  const q = (what: string, sql: string, params: unknown[]) => writeWithRetry(what, () => db.query(sql, params));
  const writer = new RunWriter(db);

  return async function execute(started: StartedRun, signal: AbortSignal, stopReason: () => StopReason | null): Promise<void> {
    const { execution_id } = started;
    const agent = agentConfig(started);
    // what the agent is told: the thread, and the task's run memory (metered like any other input) before it
    const history: HistoryMessage[] = started.memory
      ? [{ role: "system", content: started.memory, metadata: { run_memory: true } }, ...started.history]
      : started.history;
    // the start checked the plan (start_execution / start_prepared_runs) and read its max_tokens ceiling: the first model
    // call, or the hand-off to the external runtime, needs no second check
    const checkedAtStart: ModelCallGate | undefined =
      started.max_tokens_ceiling !== undefined ? { refusal: null, maxTokensCeiling: started.max_tokens_ceiling } : undefined;
    const t0 = Date.now();
    const ctx = { execution_id, task_id: started.task_id, account_id: started.account_id };
    const rlog = log.child(ctx); // every line about this run carries its ids
    /** One count per attempt's end (src/metrics.ts sat_executions_total). */
    const count = (outcome: "completed" | "failed" | "retry" | "rate_limited" | "handed_over" | "cancelled" | "shutdown") => {
      executionsTotal.inc({ outcome, trigger: started.trigger_type ?? "unknown" });
      executionDuration.observe({ outcome }, (Date.now() - t0) / 1000);
    };

    const finish = (status: "completed" | "failed", results: Record<string, unknown>, error: string | null) =>
      writer.write({ op: "finish", execution_id, lease_epoch: started.lease_epoch, status, results, error });

    // Each step's tokens are metered as its assistant message is written (append_run_message); what a failed
    // step used without producing a message is recorded here.
    const metered = { promptTokens: 0, completionTokens: 0 };
    const recordUnmetered = async (usage: Usage | undefined) => {
      const input = (usage?.promptTokens ?? 0) - metered.promptTokens;
      const output = (usage?.completionTokens ?? 0) - metered.completionTokens;
      if (input <= 0 && output <= 0) return;
      await q("record_run_usage", "select app_private.record_run_usage($1, $2, $3, $4)", [
        execution_id,
        agent.model ?? settings.defaultModel,
        Math.max(input, 0),
        Math.max(output, 0),
      ]).catch((err) => rlog.warn("could not record the run's token usage", { error: String(err) }));
    };

    // The agent's MCP entries are resolved against the operator's registry before any executor (the external
    // runtime included) sees them. A refused run fails at once and is not billed.
    let mcpServers: AgentConfig["mcpServers"];
    try {
      mcpServers = resolveMcpServers(agent.mcpServers, settings.mcp ?? settings.executor?.mcp ?? NO_MCP).map((s) =>
        "url" in s.config ? { name: s.label, url: s.config.url } : { name: s.label },
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.warn("run refused: MCP servers not allowed", { ...ctx, error: message });
      await q("refuse_execution", "select app_private.refuse_execution($1, $2)", [
        execution_id,
        `refused before running (not billed): ${message}`,
      ]);
      return;
    }

    if (settings.webhook) {
      try {
        // the external runtime gets the max_tokens it must use: the agent's, or the default clamped to the plan's ceiling
        // (read as the run started, else asked now)
        const { maxTokensCeiling } =
          checkedAtStart ?? (await modelCallCheck(db)(execution_id, agent.model ?? settings.defaultModel, agent.maxTokens));
        const maxTokens = resolveMaxTokens(agent.maxTokens, maxTokensCeiling);
        await dispatchToWebhook(
          settings.webhook,
          {
            executionId: execution_id,
            agentRunId: started.agent_run_id,
            threadId: started.thread_id,
            prompt: started.history.find((m) => m.role === "user")?.content ?? "",
            history,
            agent: { ...agent, maxTokens, mcpServers },
            runTimeoutMs: settings.runTimeoutMs,
          },
          signal,
        );
      } catch (err) {
        return failOrRetry(err);
      }
      await q(
        "hand_over_run",
        `select app_private.hand_over_run($1),
                graphile_worker.add_job('expire_execution', json_build_object('execution_id', $1::uuid), run_at := now() + make_interval(secs => $2::float8 / 1000),
                                        job_key := 'expire_execution:' || $1)`,
        [execution_id, settings.runTimeoutMs],
      );
      count("handed_over");
      return;
    }

    const executor = settings.executor!;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error("timeout"));
    }, settings.runTimeoutMs);
    const onStop = () => controller.abort(signal.reason);
    if (signal.aborted) onStop();
    else signal.addEventListener("abort", onStop, { once: true });
    let produced = 0;
    try {
      const result = await executor.run({
        history,
        agent,
        signal: controller.signal,
        checkedAtStart,
        onMessage: async (m) => {
          produced++;
          const u = m.metadata.usage as { promptTokens?: number; completionTokens?: number } | undefined;
          if (u) {
            metered.promptTokens += u.promptTokens ?? 0;
            metered.completionTokens += u.completionTokens ?? 0;
          }
          const stored = await writer.write({
            op: "append",
            execution_id,
            lease_epoch: started.lease_epoch,
            role: m.role,
            content: m.content,
            metadata: m.metadata,
          });
          // no longer ours (cancelled, or taken over after a lost lease): stop here, the holder answers
          if (!stored) throw new RunNoLongerHeld();
        },
      });
      const finished = await finish(
        "completed",
        {
          final_answer: result.finalAnswer,
          message_count: result.messageCount,
          usage: result.usage,
          duration_ms: Date.now() - t0,
          executor: executor.kind,
          model: result.model,
          steps: result.steps,
          attempts: started.attempts,
          ...(result.dryRun ? { dry_run: true, request: result.request } : {}),
        },
        null,
      );
      count(finished === false ? "cancelled" : "completed");
      rlog.info("execution completed", { executor: executor.kind, steps: result.steps, duration_ms: Date.now() - t0 });
    } catch (err) {
      await recordUnmetered((err as AgentError).usage);
      const reason = err instanceof RunNoLongerHeld ? "lost" : stopReason();
      if (reason === "cancelled" || reason === "lost") {
        rlog.info("run stopped: cancelled or no longer held by this worker", { messages_written: produced });
        count("cancelled");
        return;
      }
      if (reason === "shutdown") return void count("shutdown"); // handed back by the pool's stop()
      if (timedOut) {
        count("failed");
        await finish(
          "failed",
          { duration_ms: Date.now() - t0, executor: executorKind, attempts: started.attempts },
          `timed out after ${Math.round(settings.runTimeoutMs / 1000)} s (AGENT_RUN_TIMEOUT_MS)`,
        );
        return;
      }
      return failOrRetry(err);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onStop);
    }

    async function failOrRetry(err: unknown): Promise<void> {
      const message = err instanceof Error ? err.message : String(err);
      const transient = err instanceof AgentError ? err.transient : !(err instanceof TypeError);
      const retryAfterMs = retryAfterMsOf(err);
      if (transient && isRateLimit(err)) {
        const waitMs = retryAfterMs ?? settings.rateLimitBackoffMs ?? 10_000;
        const until = new Date(Date.now() + waitMs);
        rlog.warn("model provider rate limited; the provider pauses for every worker", { retry_in_ms: waitMs });
        count("rate_limited");
        await q(
          "back_off_provider",
          "select app_private.back_off_provider($1, $2, $3), app_private.retry_execution_later($4, $5, $2, false, $6)",
          [settings.provider, until, message, execution_id, message, started.lease_epoch],
        );
        return;
      }
      if (transient && started.attempts < settings.maxAttempts) {
        const backoff = Math.min((settings.retryBaseMs ?? 5000) * 2 ** (started.attempts - 1), 600_000);
        const waitMs = Math.max(backoff, retryAfterMs ?? 0);
        rlog.warn("execution attempt failed, will retry", { attempt: started.attempts, retry_in_ms: waitMs, error: message });
        count("retry");
        await q("retry_execution_later", "select app_private.retry_execution_later($1, $2, $3, true, $4)", [
          execution_id,
          message,
          new Date(Date.now() + waitMs),
          started.lease_epoch,
        ]);
        return;
      }
      rlog.warn("execution failed", { error: message });
      count("failed");
      await finish(
        "failed",
        { duration_ms: Date.now() - t0, executor: executorKind, attempts: started.attempts },
        transient ? `${message} (gave up after ${started.attempts} attempts)` : message,
      );
    }
  };
}
