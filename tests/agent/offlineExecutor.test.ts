import { DRY_RUN_LABEL, makeOfflineExecutor } from "../../src/agent/offlineExecutor.js";
import { agentConfig } from "../helpers/agentConfig.js";
import { AgentError, DEFAULT_AGENT_SYSTEM_PROMPT, type RunMessage } from "../../src/agent/types.js";

const TASK = "Every morning, summarise new GitHub issues in acme/widgets and email the summary to the team. ".repeat(3);

const agent = agentConfig;

test("a labelled dry run: one assistant message, the recorded request, no model and no MCP server started", async () => {
  const messages: RunMessage[] = [];
  const exec = makeOfflineExecutor({ defaultModel: "gpt-4o" });
  expect(exec.kind).toBe("offline");
  const res = await exec.run({
    history: [{ role: "user", content: TASK }],
    agent: agent({
      temperature: 0.3,
      tools: ["lookup_order"],
      mcpServers: [{ name: "/bin/sh -c evil" }, { url: "https://mcp.example.com/mcp" }],
    }),
    signal: new AbortController().signal,
    onMessage: async (m) => {
      messages.push(m);
    },
  });

  expect(messages).toHaveLength(1);
  const msg = messages[0]!;
  expect(msg.role).toBe("assistant");
  expect(msg.metadata).toEqual({ dry_run: true });
  expect(msg.content.startsWith("[Dry run — no model configured: set OPENAI_API_KEY or AGENT_WEBHOOK_URL]")).toBe(true);
  expect(msg.content.startsWith(DRY_RUN_LABEL)).toBe(true);
  expect(msg.content).toMatch(/gpt-4o/);
  expect(msg.content).toMatch(/tools: lookup_order/);
  expect(msg.content).not.toContain(TASK.trim()); // a summary, not the full prompt
  expect(msg.content).not.toContain(DEFAULT_AGENT_SYSTEM_PROMPT);

  expect(res).toEqual({
    finalAnswer: msg.content,
    messageCount: 1,
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    model: "gpt-4o",
    steps: 0,
    dryRun: true,
    request: {
      model: "gpt-4o",
      messages: [
        { role: "system", content: DEFAULT_AGENT_SYSTEM_PROMPT },
        { role: "user", content: TASK },
      ],
      temperature: 0.3,
      max_tokens: 4096,
      tools: ["lookup_order"],
      mcp_servers: ["/bin/sh -c evil", "https://mcp.example.com/mcp"],
    },
  });
});

test("uses the agent's model and system prompt; honours an aborted signal", async () => {
  const exec = makeOfflineExecutor({ defaultModel: "gpt-4o" });
  const res = await exec.run({
    history: [{ role: "user", content: "hi" }],
    agent: agent({ model: "gpt-4o-mini", systemPrompt: "Be brief.", maxTokens: 100 }),
    signal: new AbortController().signal,
    onMessage: async () => undefined,
  });
  expect(res.model).toBe("gpt-4o-mini");
  expect(res.request).toMatchObject({
    model: "gpt-4o-mini",
    max_tokens: 100,
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
    ],
  });

  const ctrl = new AbortController();
  ctrl.abort();
  await expect(
    exec.run({ history: [{ role: "user", content: "hi" }], agent: agent(), signal: ctrl.signal, onMessage: async () => undefined }),
  ).rejects.toMatchObject({
    code: "aborted",
  });
  await expect(
    exec.run({ history: [], agent: agent(), signal: new AbortController().signal, onMessage: async () => undefined }),
  ).rejects.toBeInstanceOf(AgentError);
});
