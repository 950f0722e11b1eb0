/**
 * The run stage's shared types: a prepared run as the run pool hands it to its executor, why a run was stopped, and
 * how runs are executed. One module, so the pool and the executor depend on it and not on each other.
 */
import type { AgentConfig, AgentExecutor, HistoryMessage } from "../agent/types.js";
import type { WebhookSettings } from "../agent/webhookRuntime.js";
import type { McpRegistry } from "../mcpRegistry.js";

/** Why the pool stopped a run: the user cancelled it (or it was taken over), the process is stopping, or its lease was lost. */
export type StopReason = "cancelled" | "shutdown" | "lost";

export interface StartedRun {
  execution_id: string;
  task_id: string;
  account_id: string;
  thread_id: string;
  agent_run_id: string;
  attempts: number;
  /** Fencing token of this holder's lease: every write of the run names it, and a stale one is refused. */
  lease_epoch: number;
  /** manual | schedule: set by the run pool (metrics labels); absent when a caller does not know it. */
  trigger_type?: string;
  /** Run memory (app_private.run_memory_for_execution): the previous run's answer, told to the agent, not stored in the thread. */
  memory?: string | null;
  /** The occurrence's second (scheduled runs). */
  scheduled_for?: string | null;
  /** When it was due: its second, or when a manual run was asked for (the start lateness metric). */
  due_at?: string;
  /**
   * The plan's max_tokens ceiling read when the run started, right after the start checked the plan (check_run_allowed):
   * the first model call needs no second check. Absent: the executor asks before its first call too.
   */
  max_tokens_ceiling?: number | null;
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
  maxAttempts: number;
  /** Provider key for the shared limits (same as the pool's). */
  provider: string;
  /** First retry delay; doubles per attempt, at most 10 minutes. */
  retryBaseMs?: number;
  /** Back-off after a 429 without Retry-After. */
  rateLimitBackoffMs?: number;
  /** The operator's MCP registry (MCP_SERVERS, MCP_ALLOWED_HOSTS); default: the executor's, else empty. */
  mcp?: McpRegistry;
}
