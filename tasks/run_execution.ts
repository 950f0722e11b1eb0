/**
 * run_execution: runs one task execution, manual or scheduled (the same job for both).
 *   1. begin_execution → start_execution: running, started_at, attempts+1, the task's last_executed_at; a new thread
 *      holding the prompt, an agent_run; all linked on the execution (reused on a retry).
 *   2. run the agent, writing each message into the thread as it is produced;
 *   3. finish_execution: completed with results, or failed with error_message.
 * With AGENT_WEBHOOK_URL the run is handed to the external runtime instead and finished by its
 * signed callback; expire_execution fails it if no callback arrives within the run timeout.
 *
 * Retries: the OpenAI client does not retry (maxRetries 0); a transient failure (429, 5xx,
 * timeout, network) puts the execution back to pending with the error shown and throws, so
 * graphile-worker retries the job with exponential backoff (max_attempts 4). Permanent errors
 * fail the execution at once. A worker killed mid-run leaves the job locked; graphile-worker
 * hands it to another worker when the lock expires, and start_execution resumes in the same
 * thread with the same agent run.
 */
import type { Task } from "graphile-worker";
import { AgentError, type AgentConfig, type AgentExecutor, type HistoryMessage } from "../src/agent/types.js";
import { dispatchToWebhook, type WebhookSettings } from "../src/agent/webhookRuntime.js";
import { log } from "../src/logger.js";

export interface RunExecutionPayload {
  execution_id: string;
}

export function assertRunExecutionPayload(payload: unknown): RunExecutionPayload {
  const p = payload as Partial<RunExecutionPayload> | null;
  if (!p || typeof p.execution_id !== "string") {
    throw new Error(`run_execution: payload must be {execution_id: uuid}, got ${JSON.stringify(payload)}`);
  }
  return { execution_id: p.execution_id };
}

interface Started {
  /** Set instead of the rest when the run must wait (the account is at its concurrency limit). */
  postponed?: string;
  execution_id: string;
  task_id: string;
  thread_id: string;
  agent_run_id: string;
  attempts: number;
  agent: {
    system_prompt: string | null;
    model: string | null;
    temperature: number | null;
    max_tokens: number | null;
    tools: string[];
    mcp_servers: AgentConfig["mcpServers"];
  } | null;
  history: HistoryMessage[];
}

export interface RunSettings {
  executor: AgentExecutor | null;
  webhook: WebhookSettings | null;
  defaultModel: string;
  runTimeoutMs: number;
  /** How often a running loop checks whether it was cancelled. */
  cancelPollMs: number;
  /** How long a run waits when its account is at its concurrency limit. */
  postponeMs?: number;
}

function agentConfig(started: Started): AgentConfig {
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

export function makeRunExecution(settings: RunSettings): Task {
  const executorKind = settings.webhook ? "webhook" : (settings.executor?.kind ?? "offline");
  return async (payload, helpers) => {
    const { execution_id } = assertRunExecutionPayload(payload);
    const { rows } = await helpers.query<{ s: Started | null }>("select app_private.begin_execution($1, $2, $3) as s", [
      execution_id,
      executorKind,
      settings.defaultModel,
    ]);
    const started = rows[0]?.s;
    if (!started) return; // gone, finished or cancelled
    if (started.postponed) {
      // the account is at its plan's limit of concurrent runs: try again shortly, still pending
      await helpers.query("select app_private.postpone_execution($1, $2)", [execution_id, started.postponed]);
      await helpers.addJob("run_execution", { execution_id }, {
        jobKey: `run_execution:${execution_id}`,
        runAt: new Date(Date.now() + (settings.postponeMs ?? 15_000)),
        maxAttempts: helpers.job.max_attempts,
      });
      return;
    }
    const agent = agentConfig(started);
    const t0 = Date.now();

    if (settings.webhook) {
      try {
        await dispatchToWebhook(settings.webhook, {
          executionId: execution_id,
          agentRunId: started.agent_run_id,
          threadId: started.thread_id,
          prompt: started.history.find((m) => m.role === "user")?.content ?? "",
          history: started.history,
          agent,
          runTimeoutMs: settings.runTimeoutMs,
        }, helpers.abortSignal);
      } catch (err) {
        return failOrRetry(err);
      }
      await helpers.addJob("expire_execution", { execution_id }, {
        runAt: new Date(Date.now() + settings.runTimeoutMs),
        jobKey: `expire_execution:${execution_id}`,
      });
      return;
    }

    const executor = settings.executor!;
    const controller = new AbortController();
    let stopReason: "cancelled" | "timeout" | "shutdown" | null = null;
    const stop = (reason: "cancelled" | "timeout" | "shutdown") => {
      stopReason ??= reason;
      controller.abort(new Error(reason));
    };
    const timer = setTimeout(() => stop("timeout"), settings.runTimeoutMs);
    const poll = setInterval(() => {
      helpers
        .query<{ live: boolean }>("select app_private.execution_is_live($1) as live", [execution_id])
        .then(({ rows: r }) => {
          if (!r[0]?.live) stop("cancelled");
        })
        .catch(() => undefined);
    }, settings.cancelPollMs);
    const onShutdown = () => stop("shutdown");
    helpers.abortSignal?.addEventListener("abort", onShutdown);
    let produced = 0;
    try {
      const result = await executor.run({
        history: started.history,
        agent,
        signal: controller.signal,
        onMessage: async (m) => {
          produced++;
          await helpers.query("select app_private.append_run_message($1, $2, $3, $4)", [execution_id, m.role, m.content, JSON.stringify(m.metadata)]);
        },
      });
      await helpers.query("select app_private.finish_execution($1, 'completed', $2, null)", [
        execution_id,
        JSON.stringify({
          final_answer: result.finalAnswer,
          message_count: result.messageCount,
          usage: result.usage,
          duration_ms: Date.now() - t0,
          executor: executor.kind,
          model: result.model,
          steps: result.steps,
          attempts: started.attempts,
          ...(result.dryRun ? { dry_run: true, request: result.request } : {}),
        }),
      ]);
      log.info("execution completed", { execution_id, executor: executor.kind, steps: result.steps, duration_ms: Date.now() - t0 });
    } catch (err) {
      if (stopReason === "cancelled") {
        log.info("execution cancelled while running", { execution_id, messages_written: produced });
        return;
      }
      if (stopReason === "timeout") {
        await finish("failed", `timed out after ${Math.round(settings.runTimeoutMs / 1000)} s (AGENT_RUN_TIMEOUT_MS)`);
        return;
      }
      if (stopReason === "shutdown") {
        await helpers.query("select app_private.retry_execution_later($1, $2)", [execution_id, "worker shut down during the run"]);
        throw err;
      }
      return failOrRetry(err);
    } finally {
      clearTimeout(timer);
      clearInterval(poll);
      helpers.abortSignal?.removeEventListener("abort", onShutdown);
    }

    async function finish(status: "failed", error: string) {
      await helpers.query("select app_private.finish_execution($1, $2, $3, $4)", [
        execution_id,
        status,
        JSON.stringify({ duration_ms: Date.now() - t0, executor: executorKind, attempts: started!.attempts }),
        error,
      ]);
    }

    async function failOrRetry(err: unknown): Promise<void> {
      const message = err instanceof Error ? err.message : String(err);
      const transient = err instanceof AgentError ? err.transient : !(err instanceof TypeError);
      const lastAttempt = helpers.job.attempts >= helpers.job.max_attempts;
      if (transient && !lastAttempt) {
        log.warn("execution attempt failed, will retry", { execution_id, attempt: helpers.job.attempts, error: message });
        await helpers.query("select app_private.retry_execution_later($1, $2)", [execution_id, message]);
        throw err;
      }
      log.warn("execution failed", { execution_id, error: message });
      await finish("failed", transient ? `${message} (gave up after ${helpers.job.attempts} attempts)` : message);
    }
  };
}
