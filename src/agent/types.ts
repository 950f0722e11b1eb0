/**
 * The agent executor layer: runs an AI agent on a stored prompt and reports each message it produces.
 * No database code lives here; the worker job persists messages through `onMessage` and records the result.
 */

/** Used when an agent has no system prompt of its own. */
export const DEFAULT_AGENT_SYSTEM_PROMPT = [
  "You are an autonomous agent carrying out a scheduled task on behalf of a user.",
  "No one is watching while you work and no one can answer questions: do not ask for clarification or confirmation.",
  "If something is ambiguous, make a reasonable assumption and state it in your answer.",
  "Use the available tools when they help; check their results, and never invent tool output or facts.",
  "If a tool fails or the task cannot be completed, say so plainly and explain what is missing.",
  "When you are done, reply with the final result of the task, written for the user who scheduled it.",
].join("\n");

export interface AgentConfig {
  /** null (or blank) → DEFAULT_AGENT_SYSTEM_PROMPT. */
  systemPrompt: string | null;
  /** null → the executor's default model. */
  model: string | null;
  /** null → omitted from the request (the model's default). */
  temperature: number | null;
  /** Per model call; null → 4096. */
  maxTokens: number | null;
  /** Allow-list of tool names the agent may use; empty = every tool of its MCP servers. */
  tools: string[];
  mcpServers: McpServerRef[];
}

/** `{name}` names an operator-configured server (MCP_SERVERS); `{url}` is a streamable-HTTP server on an allowed host. */
export type McpServerRef = { name: string; url?: undefined } | { name?: string; url: string };

export interface HistoryMessage {
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  metadata?: Record<string, unknown>;
}

/**
 * A message produced by a run, in the order produced.
 * assistant: metadata `{tool_calls: [{id, name, arguments}]}` (arguments = the model's raw JSON string) or `{final: true}`;
 *   the offline executor's single message has `{dry_run: true}`.
 * tool: metadata `{tool_call_id, name, arguments, is_error}`.
 */
export interface RunMessage {
  role: "assistant" | "tool";
  content: string;
  metadata: Record<string, unknown>;
}

import type { McpRegistry } from "../mcpRegistry.js";

/** Token usage; one type shared with prompt generation (src/llm/openaiClient.ts). */
export type { Usage } from "../llm/openaiClient.js";
import type { Usage } from "../llm/openaiClient.js";

export interface AgentRunInput {
  /** The thread so far: starts with the task prompt as a user message; on a resumed run it also holds the assistant/tool messages already written. */
  history: HistoryMessage[];
  agent: AgentConfig;
  /** Aborted on cancel or wall-clock timeout: the run stops promptly with AgentError code "aborted". */
  signal: AbortSignal;
  /** Called (and awaited) as each message is produced, in order. Errors it throws propagate unchanged. */
  onMessage(msg: RunMessage): Promise<void>;
  /**
   * The plan was checked as the run started, moments ago (app_private.start_execution / start_prepared_runs): the first
   * model call uses this max_tokens ceiling instead of asking again. Later calls always ask.
   */
  checkedAtStart?: ModelCallGate;
}

export interface AgentRunResult {
  finalAnswer: string;
  /** Messages produced by this run (calls to onMessage). */
  messageCount: number;
  usage: Usage;
  model: string | null;
  /** Model calls made by this run. */
  steps: number;
  dryRun: boolean;
  /** Dry run only: the request that would have been sent. */
  request?: unknown;
}

export interface AgentExecutor {
  readonly kind: "openai" | "offline";
  /** The operator's MCP registry this executor connects through (runs are checked against it before they start). */
  readonly mcp?: McpRegistry;
  run(input: AgentRunInput): Promise<AgentRunResult>;
  /**
   * Executors that call a model ask the plan before every call (the OpenAI executor): the run pool binds the check to
   * its database (src/worker.ts createRunPool).
   */
  bindModelCallCheck?: (check: ModelCallCheck) => void;
}

/** The plan's answer before a model call (app_private.check_model_call). */
export interface ModelCallGate {
  /** A readable refusal ending with its code ("… (ST010)"), or null. */
  refusal: string | null;
  /** The plan's max_tokens ceiling per model call, or null (none). */
  maxTokensCeiling: number | null;
}
/** Asks the plan before a model call of a run: its execution, the model and the agent's own max_tokens (null: none set). */
export type ModelCallCheck = (executionId: string, model: string, maxTokens: number | null) => Promise<ModelCallGate>;

/**
 * A failed run. `transient` = the cause may go away on its own (rate limit, 5xx, timeout, network), so the worker job
 * may retry the whole run. Codes: "provider" (model API), "max_steps", "max_tokens" (run-level token cap or output cut
 * off at max_tokens), "aborted" (cancel / wall-clock timeout), "tool" (MCP server could not be used), "plan" (refused by
 * the plan before a model call: allowance, model, max_tokens ceiling), "database" (the plan could not be asked),
 * "mcp_config" (agent refers to an MCP server the operator has not allowed), "input" (unusable history).
 */
export class AgentError extends Error {
  /** Tokens the run had used when it failed, if any model call completed (for cost accounting). */
  usage?: Usage;
  /** The provider's Retry-After (429/503…), in ms: a transient failure must not be retried earlier. */
  retryAfterMs?: number;
  /** The model API's HTTP status, when it answered with an error (a 429 slows the whole provider down). */
  status?: number;
  constructor(
    message: string,
    public readonly transient: boolean,
    public readonly code?: string,
  ) {
    super(message);
    this.name = "AgentError";
  }
}
