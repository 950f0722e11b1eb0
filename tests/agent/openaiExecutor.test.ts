import { makeOpenAIExecutor, type OpenAIExecutorConfig } from "../../src/agent/openaiExecutor.js";
import { agentConfig } from "../helpers/agentConfig.js";
import { AgentError, DEFAULT_AGENT_SYSTEM_PROMPT, type AgentConfig, type HistoryMessage, type RunMessage } from "../../src/agent/types.js";
import { FakeOpenAI } from "../helpers/fakeOpenAI.js";
import { mcpStdioCommand } from "../helpers/mcpCommand.js";
import { startMcpHttpServer } from "../helpers/mcpServer.js";
import { waitFor } from "../helpers/waitFor.js";

const API_KEY = "sk-test-SECRET-0123456789abcdef";
const TASK = "Add 2 and 3, then report the sum.";

let fake: FakeOpenAI;
let baseURL: string;
beforeEach(async () => {
  fake = new FakeOpenAI();
  ({ baseURL } = await fake.start());
});
afterEach(() => fake.close());

const executor = (over: Partial<OpenAIExecutorConfig> = {}) =>
  makeOpenAIExecutor({
    apiKey: API_KEY,
    baseURL,
    defaultModel: "gpt-4o",
    requestTimeoutMs: 5000,
    maxSteps: 10,
    maxTotalTokens: 100_000,
    mcp: { servers: {}, allowedHosts: [] },
    ...over,
  });

const agent = agentConfig;

function runOf(
  exec: ReturnType<typeof executor>,
  cfg: AgentConfig,
  history: HistoryMessage[] = [{ role: "user", content: TASK }],
  signal = new AbortController().signal,
) {
  const messages: RunMessage[] = [];
  const result = exec.run({
    history,
    agent: cfg,
    signal,
    onMessage: async (m) => {
      messages.push(m);
    },
  });
  return { messages, result };
}

async function failure(p: Promise<unknown>): Promise<AgentError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgentError);
  expect((err as Error).message).not.toContain("SECRET");
  return err as AgentError;
}

test("streams a text answer through the SDK: one final message, usage, request shape", async () => {
  fake.enqueue({
    kind: "stream",
    chunks: ["The answer ", "is ", "5."],
    usage: { prompt_tokens: 40, completion_tokens: 4, total_tokens: 44 },
  });
  const history: HistoryMessage[] = [
    { role: "user", content: TASK },
    { role: "system", content: "operational note: attempt 2" },
  ];
  const { messages, result } = runOf(executor(), agent({ temperature: 0.2, maxTokens: 300 }), history);

  expect(await result).toEqual({
    finalAnswer: "The answer is 5.",
    messageCount: 1,
    usage: { promptTokens: 40, completionTokens: 4, totalTokens: 44 },
    model: "gpt-4o",
    steps: 1,
    dryRun: false,
  });
  // each assistant message carries its model call's usage, metered by the run stage
  expect(messages).toEqual([
    {
      role: "assistant",
      content: "The answer is 5.",
      metadata: { final: true, model: "gpt-4o", usage: { promptTokens: 40, completionTokens: 4 } },
    },
  ]);
  expect(fake.requests).toHaveLength(1);
  const body = fake.requests[0]!.body;
  expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  expect(body).toMatchObject({ model: "gpt-4o", stream: true, stream_options: { include_usage: true }, temperature: 0.2, max_tokens: 300 });
  expect(body.tools).toBeUndefined();
  // default system prompt first; history system messages are dropped
  expect(body.messages).toEqual([
    { role: "system", content: DEFAULT_AGENT_SYSTEM_PROMPT },
    { role: "user", content: TASK },
  ]);
});

test("agent's system prompt and model are used; max_tokens defaults to 4096; temperature omitted when null", async () => {
  fake.enqueue({ kind: "stream", chunks: ["ok"] });
  const { result } = runOf(executor(), agent({ systemPrompt: "You are terse.", model: "gpt-4o-mini" }));
  const res = await result;
  expect(res.model).toBe("gpt-4o-mini");
  expect(res.usage.totalTokens).toBeGreaterThan(0);
  const body = fake.requests[0]!.body;
  expect(body.model).toBe("gpt-4o-mini");
  expect(body.max_tokens).toBe(4096);
  expect("temperature" in body).toBe(false);
  expect(body.messages[0]).toEqual({ role: "system", content: "You are terse." });
});

test("tool-call round trip with the stdio MCP server", async () => {
  fake.enqueue(
    {
      kind: "toolCall",
      name: "add",
      arguments: { a: 2, b: 3 },
      id: "call_add_1",
      usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
    },
    { kind: "stream", chunks: ["The sum ", "is 5."], usage: { prompt_tokens: 150, completion_tokens: 5, total_tokens: 155 } },
  );
  const exec = executor({ mcp: { servers: { calc: mcpStdioCommand() }, allowedHosts: [] } });
  const { messages, result } = runOf(exec, agent({ mcpServers: [{ name: "calc" }] }));
  const res = await result;

  expect(res).toMatchObject({
    finalAnswer: "The sum is 5.",
    messageCount: 3,
    steps: 2,
    usage: { promptTokens: 250, completionTokens: 15, totalTokens: 265 },
  });
  expect(messages).toEqual([
    {
      role: "assistant",
      content: "",
      metadata: {
        tool_calls: [{ id: "call_add_1", name: "add", arguments: '{"a":2,"b":3}' }],
        model: "gpt-4o",
        usage: { promptTokens: 100, completionTokens: 10 },
      },
    },
    { role: "tool", content: "5", metadata: { tool_call_id: "call_add_1", name: "add", arguments: '{"a":2,"b":3}', is_error: false } },
    {
      role: "assistant",
      content: "The sum is 5.",
      metadata: { final: true, model: "gpt-4o", usage: { promptTokens: 150, completionTokens: 5 } },
    },
  ]);

  const [first, second] = fake.requests.map((r) => r.body);
  const toolNames = (first!.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
  expect(toolNames).toEqual(expect.arrayContaining(["add", "lookup_order", "fail"])); // one server: no prefix
  expect(second!.messages.slice(1)).toEqual([
    { role: "user", content: TASK },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_add_1", type: "function", function: { name: "add", arguments: '{"a":2,"b":3}' } }],
    },
    { role: "tool", tool_call_id: "call_add_1", content: "5" },
  ]);
});

test("tools over streamable HTTP; a not-allowed tool and a failing tool become is_error tool messages", async () => {
  const mcp = await startMcpHttpServer();
  try {
    fake.enqueue(
      { kind: "toolCall", name: "lookup_order", arguments: { id: "A-1" }, id: "c1" }, // not in the allow-list
      { kind: "toolCall", name: "fail", arguments: {}, id: "c2" },
      { kind: "toolCall", name: "add", arguments: "{not json", id: "c3" },
      { kind: "stream", chunks: ["Could not look it up."] },
    );
    const exec = executor({ mcp: { servers: {}, allowedHosts: ["127.0.0.1"] } });
    const { messages, result } = runOf(exec, agent({ mcpServers: [{ url: mcp.url }], tools: ["add", "fail"] }));
    expect((await result).finalAnswer).toBe("Could not look it up.");

    const tools = messages.filter((m) => m.role === "tool");
    expect(tools.map((m) => [m.metadata.tool_call_id, m.metadata.is_error])).toEqual([
      ["c1", true],
      ["c2", true],
      ["c3", true],
    ]);
    expect(tools[0]!.content).toMatch(/"lookup_order" is not available.*Available tools: add, fail/);
    expect(tools[1]!.content).toMatch(/always fails/);
    expect(tools[2]!.content).toMatch(/not valid JSON/);
    const offered = (fake.requests[0]!.body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    expect(offered.sort()).toEqual(["add", "fail"]);
    // the model saw each error as a tool result
    expect(fake.requests[3]!.body.messages.filter((m) => m.role === "tool")).toHaveLength(3);
  } finally {
    await mcp.close();
  }
});

test("max steps: stops after N model calls without running the last step's tools", async () => {
  fake.responder = () => ({ kind: "toolCall", name: "add", arguments: { a: 1, b: 1 } });
  const mcp = await startMcpHttpServer();
  try {
    const exec = executor({ maxSteps: 2, mcp: { servers: { web: { url: mcp.url } }, allowedHosts: [] } });
    const { messages, result } = runOf(exec, agent({ mcpServers: [{ name: "web" }] }));
    const err = await failure(result);
    expect(err).toMatchObject({ code: "max_steps", transient: false, message: "agent stopped after 2 steps without a final answer" });
    expect(err.usage?.totalTokens).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(2);
    expect(messages.map((m) => m.role)).toEqual(["assistant", "tool", "assistant"]);
  } finally {
    await mcp.close();
  }
});

test("max tokens: the run-level cap stops the loop", async () => {
  fake.responder = () => ({
    kind: "toolCall",
    name: "anything",
    arguments: {},
    usage: { prompt_tokens: 600, completion_tokens: 10, total_tokens: 610 },
  });
  const { messages, result } = runOf(executor({ maxTotalTokens: 1000 }), agent());
  const err = await failure(result);
  expect(err).toMatchObject({ code: "max_tokens", transient: false });
  expect(err.message).toMatch(/1220 tokens \(limit 1000\)/);
  expect(fake.requests).toHaveLength(2);
  // the hallucinated tool (agent has no tools) got an error result the model could see
  expect(messages[1]).toMatchObject({ role: "tool", metadata: { is_error: true } });
});

test("output cut off at max_tokens is a non-transient max_tokens error", async () => {
  fake.enqueue({ kind: "text", text: "partial", finishReason: "length" });
  const err = await failure(runOf(executor(), agent({ maxTokens: 5 })).result);
  expect(err).toMatchObject({ code: "max_tokens", transient: false });
  expect(err.message).toMatch(/max_tokens \(5\)/);
});

test("abort mid-stream stops promptly with code aborted and writes nothing", async () => {
  fake.enqueue({ kind: "stream", chunks: ["a", "b", "c", "d", "e", "f", "g", "h"], delayMs: 400 });
  const ctrl = new AbortController();
  const { messages, result } = runOf(executor(), agent(), undefined, ctrl.signal);
  await waitFor(() => fake.streamedEvents >= 1, { what: "the first streamed event" }); // headers and the first events are in
  const t0 = Date.now();
  ctrl.abort(new Error("cancelled"));
  const err = await failure(result);
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(err).toMatchObject({ code: "aborted", transient: false, message: "run aborted" });
  expect(messages).toEqual([]);
});

test("abort while waiting for the response aborts the in-flight request", async () => {
  fake.enqueue({ kind: "hang", ms: 20_000 });
  const ctrl = new AbortController();
  const { result } = runOf(executor(), agent(), undefined, ctrl.signal);
  setTimeout(() => ctrl.abort(), 100);
  const t0 = Date.now();
  expect(await failure(result)).toMatchObject({ code: "aborted" });
  expect(Date.now() - t0).toBeLessThan(2000);
});

test("an already aborted signal makes no request", async () => {
  const ctrl = new AbortController();
  ctrl.abort();
  expect(await failure(runOf(executor(), agent(), undefined, ctrl.signal).result)).toMatchObject({ code: "aborted" });
  expect(fake.requests).toHaveLength(0);
});

test("a stalled stream fails transiently after requestTimeoutMs of silence", async () => {
  fake.enqueue({ kind: "stream", chunks: ["a", "b"], delayMs: 3000 });
  const t0 = Date.now();
  const err = await failure(runOf(executor({ requestTimeoutMs: 300 }), agent()).result);
  expect(err).toMatchObject({ code: "provider", transient: true });
  expect(err.message).toMatch(/stalled/);
  expect(Date.now() - t0).toBeLessThan(2000);
});

test("503 → transient provider error after exactly one request (maxRetries 0)", async () => {
  fake.enqueue({ kind: "status", status: 503 });
  const err = await failure(runOf(executor(), agent()).result);
  expect(err).toMatchObject({ transient: true, code: "provider", message: "OpenAI server error (503)" });
  expect(fake.requests).toHaveLength(1);
});

test("429 is transient; timeouts are transient", async () => {
  fake.enqueue({ kind: "status", status: 429 });
  expect(await failure(runOf(executor(), agent()).result)).toMatchObject({ transient: true, message: "OpenAI rate limit (429)" });
  fake.enqueue({ kind: "hang", ms: 5000 });
  const err = await failure(runOf(executor({ requestTimeoutMs: 200 }), agent()).result);
  expect(err).toMatchObject({ transient: true, code: "provider" });
  expect(err.message).toMatch(/timed out/);
  expect(fake.requests).toHaveLength(2);
});

test("a connection reset in the middle of the stream is transient; nothing half-written is emitted", async () => {
  fake.enqueue({ kind: "reset", chunks: ["The answer ", "is ", "5."], afterChunks: 2 });
  const { messages, result } = runOf(executor(), agent());
  const err = await failure(result);
  expect(err).toMatchObject({ code: "provider", transient: true });
  expect(err.message).toMatch(/connection to OpenAI lost while reading the response/);
  expect(messages).toEqual([]);
  expect(fake.requests).toHaveLength(1);
});

test("429 / 503 with Retry-After: the error carries retryAfterMs (seconds, HTTP date, retry-after-ms)", async () => {
  fake.enqueue({ kind: "status", status: 429, headers: { "retry-after": "30" } });
  expect(await failure(runOf(executor(), agent()).result)).toMatchObject({
    transient: true,
    message: "OpenAI rate limit (429)",
    retryAfterMs: 30_000,
  });

  fake.enqueue({ kind: "status", status: 503, headers: { "retry-after": new Date(Date.now() + 120_000).toUTCString() } });
  const dated = await failure(runOf(executor(), agent()).result);
  expect(dated.transient).toBe(true);
  expect(dated.retryAfterMs).toBeGreaterThan(110_000); // HTTP dates have a one-second resolution
  expect(dated.retryAfterMs).toBeLessThanOrEqual(120_000);

  fake.enqueue({ kind: "status", status: 429, headers: { "retry-after-ms": "1500", "retry-after": "2" } });
  expect(await failure(runOf(executor(), agent()).result)).toMatchObject({ retryAfterMs: 1500 });

  fake.enqueue({ kind: "status", status: 429, headers: { "retry-after": "soon" } }); // unparsable: nothing claimed
  expect((await failure(runOf(executor(), agent()).result)).retryAfterMs).toBeUndefined();
  expect(fake.requests).toHaveLength(4);
});

test("401 → non-transient, without the key in the message; context length → non-transient", async () => {
  fake.enqueue({ kind: "status", status: 401 });
  const err = await failure(runOf(executor(), agent()).result);
  expect(err).toMatchObject({ transient: false, code: "provider", message: "OpenAI rejected the API key (401)" });
  fake.enqueue({ kind: "contextLength" });
  expect(await failure(runOf(executor(), agent()).result)).toMatchObject({
    transient: false,
    message: expect.stringMatching(/context_length_exceeded/),
  });
  expect(fake.requests).toHaveLength(2);
});

test("resume: prior assistant/tool messages become a valid request; orphan tool results are dropped, unanswered calls get a placeholder", async () => {
  fake.enqueue({ kind: "stream", chunks: ["Order A-1 has shipped."] });
  const history: HistoryMessage[] = [
    { role: "user", content: "Check order A-1" },
    { role: "tool", content: "orphan", metadata: { tool_call_id: "nope" } },
    {
      role: "assistant",
      content: "Looking it up.",
      metadata: {
        tool_calls: [
          { id: "c1", name: "lookup_order", arguments: { id: "A-1" } },
          { id: "c2", name: "add", arguments: "{}" },
        ],
      },
    },
    { role: "tool", content: '{"status":"shipped"}', metadata: { tool_call_id: "c1", name: "lookup_order", is_error: false } },
    { role: "tool", content: "duplicate", metadata: { tool_call_id: "c1" } },
  ];
  const { messages, result } = runOf(executor(), agent(), history);
  expect(await result).toMatchObject({ finalAnswer: "Order A-1 has shipped.", messageCount: 1, steps: 1 });
  expect(messages).toHaveLength(1);
  expect(fake.requests[0]!.body.messages.slice(1)).toEqual([
    { role: "user", content: "Check order A-1" },
    {
      role: "assistant",
      content: "Looking it up.",
      tool_calls: [
        { id: "c1", type: "function", function: { name: "lookup_order", arguments: '{"id":"A-1"}' } },
        { id: "c2", type: "function", function: { name: "add", arguments: "{}" } },
      ],
    },
    { role: "tool", tool_call_id: "c1", content: '{"status":"shipped"}' },
    { role: "tool", tool_call_id: "c2", content: expect.stringMatching(/no result recorded/) },
  ]);
});

test("resume after a final answer was already written returns it without calling the model", async () => {
  const history: HistoryMessage[] = [
    { role: "user", content: TASK },
    { role: "assistant", content: "5", metadata: { final: true } },
  ];
  const { messages, result } = runOf(executor(), agent(), history);
  expect(await result).toMatchObject({ finalAnswer: "5", messageCount: 0, steps: 0 });
  expect(messages).toEqual([]);
  expect(fake.requests).toHaveLength(0);
});

test("an MCP ref the registry does not allow fails before any model call", async () => {
  const err = await failure(runOf(executor(), agent({ mcpServers: [{ name: "shell" }] })).result);
  expect(err).toMatchObject({ transient: false, code: "mcp_config", message: 'MCP server "shell" is not configured (MCP_SERVERS)' });
  expect(fake.requests).toHaveLength(0);
});

test("errors thrown by onMessage propagate unchanged", async () => {
  fake.enqueue({ kind: "stream", chunks: ["done"] });
  const boom = new TypeError("db down");
  const p = executor().run({
    history: [{ role: "user", content: TASK }],
    agent: agent(),
    signal: new AbortController().signal,
    onMessage: async () => Promise.reject(boom),
  });
  await expect(p).rejects.toBe(boom);
});
