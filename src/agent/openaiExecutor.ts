/**
 * Runs an agent against an OpenAI-compatible chat-completions API: a loop of streamed model calls ("steps"), with the
 * tools of the agent's MCP servers offered as function tools, until the model answers without calling a tool.
 */
import type OpenAI from "openai";
import type pg from "pg";
import { classifyOpenAIError, makeOpenAIClient, makeRedactor } from "../llm/openaiClient.js";
import { providerKey } from "../config.js";
import { countModelCall } from "../metrics.js";
import { connectMcpTools, type McpRegistry, type McpToolset } from "./mcp.js";
import {
  AgentError,
  DEFAULT_AGENT_SYSTEM_PROMPT,
  type AgentConfig,
  type AgentExecutor,
  type AgentRunInput,
  type AgentRunResult,
  type HistoryMessage,
  type ModelCallCheck,
  type ModelCallGate,
  type RunMessage,
  type Usage,
} from "./types.js";

type MessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type ToolCallParam = OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
type StreamParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;

export const DEFAULT_MAX_TOKENS = 4096;

/** The max_tokens of a model call: the agent's own, else the default clamped to the plan's ceiling (null: none). */
export function resolveMaxTokens(agentMaxTokens: number | null, planCeiling: number | null): number {
  return agentMaxTokens ?? (planCeiling === null ? DEFAULT_MAX_TOKENS : Math.min(DEFAULT_MAX_TOKENS, planCeiling));
}
export const DEFAULT_MAX_STEPS = 10;

/** The check of app_private.check_model_call on a database pool (the run pool's). */
export function modelCallCheck(db: pg.Pool): ModelCallCheck {
  return async (executionId, model, maxTokens) => {
    const { rows } = await db.query<{ r: { refusal: string | null; max_tokens_ceiling: number | null } }>(
      "select app_private.check_model_call($1, $2, $3) as r",
      [executionId, model, maxTokens],
    );
    return { refusal: rows[0]?.r.refusal ?? null, maxTokensCeiling: rows[0]?.r.max_tokens_ceiling ?? null };
  };
}

/** The execution a run belongs to: start_execution writes it into the task prompt message's metadata. */
function executionIdOf(history: HistoryMessage[]): string | null {
  const id = history.find((m) => typeof m.metadata?.execution_id === "string")?.metadata?.execution_id;
  return typeof id === "string" ? id : null;
}

export interface OpenAIExecutorConfig {
  apiKey: string;
  baseURL?: string;
  defaultModel: string;
  /** SDK timeout until the response headers arrive; also the longest silence tolerated inside a stream. */
  requestTimeoutMs: number;
  /** Model calls per run (default 10). */
  maxSteps: number;
  /** Run-level cap on total tokens (prompt + completion, summed over steps). */
  maxTotalTokens: number;
  mcp: McpRegistry;
  /**
   * Asked before every model call (the monthly token allowance, model allow-list and max_tokens ceiling); its ceiling
   * clamps the default max_tokens. Also settable later with bindModelCallCheck (the run pool binds its database).
   */
  checkModelCall?: ModelCallCheck;
}

interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Behaviour worth knowing:
 * - maxRetries is 0 ON PURPOSE: transient failures (429, 5xx, timeouts, connection errors) surface at once as
 *   AgentError(transient=true) and the worker job retries the whole run, so every attempt is visible on the execution
 *   instead of being hidden (and multiplied) inside the SDK.
 * - A step that asks for tools is recorded (assistant message), then each tool runs and its result is recorded (tool
 *   message) before the next step. When the step or token budget is exhausted the assistant message is still
 *   recorded but its tools are not run; the error says which budget.
 * - The token cap stops the loop; a final answer that arrives while over the cap is still accepted (it is paid for).
 * - If the last history message is already a final assistant answer (a retried run that had finished), it is
 *   returned without calling the model.
 * - A stream that ends without a finish_reason, goes silent for requestTimeoutMs, or breaks while being read
 *   (connection reset, undici "terminated", socket closed) fails transiently.
 * - A 429/5xx with Retry-After / retry-after-ms carries it as `AgentError.retryAfterMs`: retry no earlier.
 * - Output cut off at max_tokens fails with code "max_tokens" (non-transient); a content-filter stop with "provider".
 * - Failed runs carry the tokens they used in `AgentError.usage` when any model call completed.
 */
export function makeOpenAIExecutor(cfg: OpenAIExecutorConfig): AgentExecutor {
  // maxRetries 0 is deliberate: see above; the worker job owns retries.
  const client = makeOpenAIClient({ apiKey: cfg.apiKey, baseURL: cfg.baseURL, timeoutMs: cfg.requestTimeoutMs, maxRetries: 0 });
  const maxSteps = cfg.maxSteps > 0 ? cfg.maxSteps : DEFAULT_MAX_STEPS;
  const redact = makeRedactor(cfg.apiKey);
  const provider = providerKey(cfg.baseURL); // metrics label, as metered in app_private.model_usage
  let checkModelCall = cfg.checkModelCall;

  return {
    kind: "openai",
    mcp: cfg.mcp,
    bindModelCallCheck(check: ModelCallCheck) {
      checkModelCall = check;
    },
    async run(input: AgentRunInput): Promise<AgentRunResult> {
      const { agent, signal } = input;
      const model = agent.model ?? cfg.defaultModel;
      let maxTokens = agent.maxTokens ?? DEFAULT_MAX_TOKENS;
      const executionId = executionIdOf(input.history);
      const aborted = () => new AgentError("run aborted", false, "aborted");
      if (signal.aborted) throw aborted();

      const last = input.history.at(-1);
      if (last?.role === "assistant" && last.metadata?.final === true) {
        return { finalAnswer: last.content, messageCount: 0, usage: zero(), model, steps: 0, dryRun: false };
      }

      const messages = buildChatMessages(input.history, agent);
      const usage = zero();
      let messageCount = 0;
      let reportedModel: string | null = null;
      const emit = async (msg: RunMessage) => {
        messageCount++;
        await input.onMessage(msg);
      };
      const fail = (err: AgentError): AgentError => {
        if (usage.totalTokens > 0) err.usage = { ...usage };
        return err;
      };

      const toolset: McpToolset =
        agent.mcpServers.length > 0 ? await connectMcpTools(agent.mcpServers, cfg.mcp, agent.tools, { signal }) : NO_TOOLS;
      try {
        for (let step = 1; ; step++) {
          if (signal.aborted) throw fail(aborted());
          // The plan, before every model call: one run stops at its owner's monthly allowance, and max_tokens never
          // exceeds the ceiling (the agent's own value is checked, the default is clamped to it).
          if (step === 1 && input.checkedAtStart) {
            maxTokens = resolveMaxTokens(agent.maxTokens, input.checkedAtStart.maxTokensCeiling);
          } else if (checkModelCall && executionId) {
            let gate: ModelCallGate;
            try {
              gate = await checkModelCall(executionId, model, agent.maxTokens);
            } catch (err) {
              throw fail(
                new AgentError(
                  `could not check the plan before model call ${step}: ${err instanceof Error ? err.message : String(err)}`,
                  true,
                  "database",
                ),
              );
            }
            if (gate.refusal) throw fail(new AgentError(`refused by the plan before model call ${step}: ${gate.refusal}`, false, "plan"));
            maxTokens = resolveMaxTokens(agent.maxTokens, gate.maxTokensCeiling);
          }
          const params: StreamParams = {
            model,
            messages,
            max_tokens: maxTokens,
            stream: true,
            stream_options: { include_usage: true },
          };
          if (agent.temperature !== null) params.temperature = agent.temperature;
          if (toolset.tools.length > 0) params.tools = toolset.tools;

          const t0 = performance.now();
          const out = await streamStep(client, params, signal, cfg.requestTimeoutMs, redact, model).catch((e: unknown) => {
            if (!signal.aborted) countModelCall(provider, "agent", (performance.now() - t0) / 1000, { error: e as AgentError });
            throw e instanceof AgentError ? fail(e) : e;
          });
          reportedModel = out.model ?? reportedModel;
          const stepUsage = out.usage ?? estimateUsage(messages, out);
          countModelCall(provider, "agent", (performance.now() - t0) / 1000, { usage: stepUsage });
          usage.promptTokens += stepUsage.promptTokens;
          usage.completionTokens += stepUsage.completionTokens;
          usage.totalTokens += stepUsage.totalTokens;

          if (out.finishReason === "length") {
            throw fail(
              new AgentError(`model output was cut off at max_tokens (${maxTokens}); raise the agent's max_tokens`, false, "max_tokens"),
            );
          }
          if (out.finishReason === "content_filter") {
            throw fail(new AgentError("model output was blocked by the content filter", false, "provider"));
          }

          if (out.toolCalls.length === 0) {
            await emit({ role: "assistant", content: out.text, metadata: { final: true, ...meterOf(stepUsage, out.model ?? model) } });
            return { finalAnswer: out.text, messageCount, usage, model: reportedModel ?? model, steps: step, dryRun: false };
          }

          messages.push({
            role: "assistant",
            content: out.text === "" ? null : out.text,
            tool_calls: out.toolCalls.map(toParam),
          });
          await emit({
            role: "assistant",
            content: out.text,
            metadata: {
              ...meterOf(stepUsage, out.model ?? model),
              tool_calls: out.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
            },
          });
          if (usage.totalTokens > cfg.maxTotalTokens) {
            throw fail(
              new AgentError(
                `agent stopped after using ${usage.totalTokens} tokens (limit ${cfg.maxTotalTokens}) without a final answer`,
                false,
                "max_tokens",
              ),
            );
          }
          if (step >= maxSteps) {
            throw fail(new AgentError(`agent stopped after ${maxSteps} steps without a final answer`, false, "max_steps"));
          }

          for (const call of out.toolCalls) {
            if (signal.aborted) throw fail(aborted());
            const result = await runTool(toolset, call, signal);
            if (signal.aborted) throw fail(aborted());
            messages.push({ role: "tool", tool_call_id: call.id, content: result.text });
            await emit({
              role: "tool",
              content: result.text,
              metadata: { tool_call_id: call.id, name: call.name, arguments: call.arguments, is_error: result.isError },
            });
          }
        }
      } finally {
        await toolset.close();
      }
    },
  };
}

/** A model call's outcome, accumulated from the stream. */
interface StepOutput {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string;
  usage: Usage | null;
  model: string | null;
}

async function streamStep(
  client: OpenAI,
  params: StreamParams,
  signal: AbortSignal,
  idleMs: number,
  redact: (s: string) => string,
  model: string,
): Promise<StepOutput> {
  // Own controller: aborted by the run's signal (cancel / wall-clock timeout) or by the idle timer.
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) ctrl.abort();
  let stalled = false;
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      stalled = true;
      ctrl.abort();
    }, idleMs);
  };
  const mapped = (err: unknown, readingBody: boolean) => {
    if (signal.aborted) return new AgentError("run aborted", false, "aborted");
    if (stalled) return stallError(idleMs);
    return mapError(err, idleMs, redact, model, readingBody);
  };

  let text = "";
  let finishReason: string | null = null;
  let usage: Usage | null = null;
  let reportedModel: string | null = null;
  const calls: Array<{ id: string; name: string; arguments: string } | undefined> = [];
  try {
    let stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>;
    try {
      stream = await client.chat.completions.create(params, { signal: ctrl.signal });
    } catch (err) {
      throw mapped(err, false);
    }
    armIdle(); // the SDK timeout covered the wait for headers; from here on, guard against a stalled body.
    try {
      // NB: when its signal is aborted the SDK ends this iteration quietly instead of throwing; checked below.
      for await (const chunk of stream) {
        armIdle();
        if (typeof chunk.model === "string" && chunk.model) reportedModel = chunk.model;
        if (chunk.usage) {
          usage = {
            promptTokens: chunk.usage.prompt_tokens ?? 0,
            completionTokens: chunk.usage.completion_tokens ?? 0,
            totalTokens: chunk.usage.total_tokens ?? (chunk.usage.prompt_tokens ?? 0) + (chunk.usage.completion_tokens ?? 0),
          };
        }
        const choice = chunk.choices?.find((c) => c.index === 0) ?? chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta ?? {};
        if (typeof delta.content === "string") text += delta.content;
        if (typeof delta.refusal === "string") text += delta.refusal;
        for (const tc of delta.tool_calls ?? []) {
          if (!Number.isSafeInteger(tc.index) || tc.index < 0 || tc.index >= 128) continue;
          const acc = (calls[tc.index] ??= { id: "", name: "", arguments: "" });
          if (tc.id) acc.id = tc.id;
          if (tc.function?.name) acc.name = tc.function.name;
          if (tc.function?.arguments) acc.arguments += tc.function.arguments;
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    } catch (err) {
      throw mapped(err, true); // any failure while reading the stream is transient (except malformed JSON)
    }
  } finally {
    clearTimeout(idle);
    signal.removeEventListener("abort", onAbort);
  }
  if (signal.aborted) throw new AgentError("run aborted", false, "aborted");
  if (stalled) throw stallError(idleMs);
  if (finishReason === null) throw new AgentError("OpenAI stream ended before the model finished (no finish_reason)", true, "provider");

  const toolCalls: ToolCall[] = [];
  calls.forEach((c, i) => {
    if (c && c.name) toolCalls.push({ id: c.id || `call_${Date.now().toString(36)}_${i}`, name: c.name, arguments: c.arguments });
  });
  return { text, toolCalls, finishReason, usage, model: reportedModel };
}

async function runTool(toolset: McpToolset, call: ToolCall, signal: AbortSignal): Promise<{ text: string; isError: boolean }> {
  let args: unknown;
  try {
    args = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch {
    return { text: `Tool "${call.name}" was not run: its arguments are not valid JSON.`, isError: true };
  }
  try {
    return await toolset.call(call.name, args, signal);
  } catch (err) {
    if (signal.aborted) return { text: "Tool call aborted.", isError: true };
    return { text: `Tool "${call.name}" failed: ${err instanceof Error ? err.message : String(err)}`, isError: true };
  }
}

const NO_TOOLS: McpToolset = {
  tools: [],
  async call(name) {
    return { text: `Tool "${name}" is not available to this agent: it has no tools.`, isError: true };
  },
  async close() {},
};

/**
 * History → chat messages. The agent's system prompt comes first. Also used by the offline executor.
 * - system messages in the history are dropped (the agent's system prompt is the only instruction source);
 * - assistant messages with metadata.tool_calls become assistant messages with OpenAI `tool_calls`;
 *   dry-run assistant messages (metadata.dry_run) are dropped;
 * - a tool message is kept only if its metadata.tool_call_id answers a call of the latest assistant tool_calls message
 *   not answered yet (otherwise the request would be invalid); calls left unanswered (an interrupted run) get a
 *   placeholder result, so the request stays valid and the model knows the outcome is unknown.
 */
export function buildChatMessages(history: HistoryMessage[], agent: Pick<AgentConfig, "systemPrompt">): MessageParam[] {
  const system = agent.systemPrompt?.trim() ? agent.systemPrompt : DEFAULT_AGENT_SYSTEM_PROMPT;
  const out: MessageParam[] = [{ role: "system", content: system }];
  let pending: string[] = [];
  const flushPending = () => {
    for (const id of pending) out.push({ role: "tool", tool_call_id: id, content: UNANSWERED_TOOL_CALL });
    pending = [];
  };
  for (const m of history) {
    if (m.role === "tool") {
      const id = m.metadata?.tool_call_id;
      if (typeof id === "string" && pending.includes(id)) {
        pending = pending.filter((p) => p !== id);
        out.push({ role: "tool", tool_call_id: id, content: m.content });
      }
      continue;
    }
    if (m.role === "system") {
      // a thread's own system messages are never sent; the run stage's run memory (not stored in the thread) is
      if (m.metadata?.run_memory === true) out.push({ role: "system", content: m.content });
      continue;
    }
    if (m.role === "assistant" && m.metadata?.dry_run === true) continue;
    flushPending();
    if (m.role === "user") {
      out.push({ role: "user", content: m.content });
      continue;
    }
    const calls = parseToolCalls(m.metadata?.tool_calls);
    if (calls.length > 0) {
      out.push({ role: "assistant", content: m.content === "" ? null : m.content, tool_calls: calls.map(toParam) });
      pending = calls.map((c) => c.id);
    } else {
      out.push({ role: "assistant", content: m.content });
    }
  }
  flushPending();
  if (!out.some((m) => m.role === "user")) throw new AgentError("the thread has no user message to run", false, "input");
  return out;
}

const UNANSWERED_TOOL_CALL = "[no result recorded: the run was interrupted before this tool call completed]";

function parseToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  const calls: ToolCall[] = [];
  const seen = new Set<string>();
  for (const item of raw as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const { id, name, arguments: args } = item as Record<string, unknown>;
    if (typeof id !== "string" || id === "" || seen.has(id) || typeof name !== "string" || name === "") continue;
    seen.add(id);
    calls.push({ id, name, arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}) });
  }
  return calls;
}

function toParam(c: ToolCall): ToolCallParam {
  return { id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } };
}

function zero(): Usage {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
}

/** The step's model call, carried on its assistant message so the run stage meters it (app_private.append_run_message). */
function meterOf(u: Usage, model: string): { usage: { promptTokens: number; completionTokens: number }; model: string } {
  return { usage: { promptTokens: u.promptTokens, completionTokens: u.completionTokens }, model };
}

/** When a server reports no usage: ~4 characters per token, so the run-level cap still bites. */
function estimateUsage(messages: MessageParam[], out: StepOutput): Usage {
  const promptTokens = Math.ceil(JSON.stringify(messages).length / 4);
  const completionTokens = Math.ceil((out.text.length + out.toolCalls.reduce((n, c) => n + c.name.length + c.arguments.length, 0)) / 4);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

function stallError(ms: number): AgentError {
  return new AgentError(`OpenAI stream stalled (no data for ${ms} ms)`, true, "provider");
}

function mapError(err: unknown, timeoutMs: number, redact: (s: string) => string, model: string, readingBody: boolean): AgentError {
  if (err instanceof AgentError) return err;
  const c = classifyOpenAIError(err, { model, timeoutMs, redact, readingBody });
  const out = new AgentError(c.message, c.transient, "provider");
  if (c.retryAfterMs !== undefined) out.retryAfterMs = c.retryAfterMs;
  if (c.status !== undefined) out.status = c.status;
  return out;
}
