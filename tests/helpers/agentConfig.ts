/** An AgentConfig with every setting at its default, for executor tests. */
import type { AgentConfig } from "../../src/agent/types.js";

export const agentConfig = (over: Partial<AgentConfig> = {}): AgentConfig => ({
  systemPrompt: null,
  model: null,
  temperature: null,
  maxTokens: null,
  tools: [],
  mcpServers: [],
  ...over,
});
