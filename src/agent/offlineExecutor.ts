/**
 * The executor used when no model is configured: a clearly labelled dry run. It calls no model and starts no MCP
 * server; it records the request it WOULD have sent and writes one assistant message summarising it.
 */
import { buildChatMessages, DEFAULT_MAX_TOKENS } from "./openaiExecutor.js";
import { AgentError, type AgentExecutor, type AgentRunInput, type AgentRunResult } from "./types.js";

export const DRY_RUN_LABEL = "[Dry run — no model configured: set OPENAI_API_KEY or AGENT_WEBHOOK_URL]";

export interface DryRunRequest {
  model: string;
  messages: ReturnType<typeof buildChatMessages>;
  temperature: number | null;
  max_tokens: number;
  /** The agent's tool allow-list (names only; empty = all tools of its MCP servers). */
  tools: string[];
  /** The agent's MCP servers, by name or URL (not started). */
  mcp_servers: string[];
}

export function makeOfflineExecutor(opts: { defaultModel: string }): AgentExecutor {
  return {
    kind: "offline",
    async run(input: AgentRunInput): Promise<AgentRunResult> {
      if (input.signal.aborted) throw new AgentError("run aborted", false, "aborted");
      const { agent } = input;
      const model = agent.model ?? opts.defaultModel;
      const request: DryRunRequest = {
        model,
        messages: buildChatMessages(input.history, agent),
        temperature: agent.temperature,
        max_tokens: agent.maxTokens ?? DEFAULT_MAX_TOKENS,
        tools: [...agent.tools],
        mcp_servers: agent.mcpServers.map((s) => s.name ?? s.url ?? "?"),
      };
      const content = summarise(request, agent.systemPrompt === null || agent.systemPrompt.trim() === "");
      await input.onMessage({ role: "assistant", content, metadata: { dry_run: true } });
      return {
        finalAnswer: content,
        messageCount: 1,
        usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
        model,
        steps: 0,
        dryRun: true,
        request,
      };
    },
  };
}

function summarise(req: DryRunRequest, defaultSystemPrompt: boolean): string {
  const count = (role: string) => req.messages.filter((m) => m.role === role).length;
  const system = req.messages[0]?.content;
  const systemChars = typeof system === "string" ? system.length : 0;
  const firstUser = req.messages.find((m) => m.role === "user")?.content;
  const task = typeof firstUser === "string" ? firstUser.replace(/\s+/g, " ").trim() : "";
  const excerpt = task.length > 80 ? `${task.slice(0, 80)}…` : task;
  const roles = ["user", "assistant", "tool"].map((r) => [r, count(r)] as const).filter(([, n]) => n > 0);
  const tools = req.tools.length > 0 ? req.tools.join(", ") : req.mcp_servers.length > 0 ? "all tools of its MCP servers" : "none";
  return [
    DRY_RUN_LABEL,
    "",
    `This run did not call a model. It would have sent to model "${req.model}":`,
    `- ${req.messages.length} messages: system prompt (${defaultSystemPrompt ? "default" : "agent's own"}, ${systemChars} characters), ${roles.map(([r, n]) => `${n} ${r}`).join(", ")}`,
    `- task prompt: "${excerpt}" (${task.length} characters)`,
    `- max_tokens ${req.max_tokens}, temperature ${req.temperature ?? "model default"}`,
    `- tools: ${tools}`,
    `- MCP servers: ${req.mcp_servers.length > 0 ? req.mcp_servers.join(", ") : "none"} (not started)`,
  ].join("\n");
}
