import { connectMcpTools, parseMcpRegistry, type McpRegistry } from "../../src/agent/mcp.js";
import { AgentError, type McpServerRef } from "../../src/agent/types.js";
import { mcpStdioCommand } from "../helpers/mcpCommand.js";
import { ORDER_FIXTURE, startMcpHttpServer } from "../helpers/mcpServer.js";

describe("parseMcpRegistry", () => {
  test("reads stdio and url servers and the allowed hosts", () => {
    const reg = parseMcpRegistry({
      MCP_SERVERS: JSON.stringify({
        calc: { command: "node", args: ["calc.js"], env: { MODE: "x" } },
        docs: { url: "https://mcp.example.com/mcp" },
      }),
      MCP_ALLOWED_HOSTS: " MCP.Example.com , tools.internal,,",
    });
    expect(reg).toEqual({
      servers: { calc: { command: "node", args: ["calc.js"], env: { MODE: "x" } }, docs: { url: "https://mcp.example.com/mcp" } },
      allowedHosts: ["mcp.example.com", "tools.internal"],
    });
    expect(parseMcpRegistry({})).toEqual({ servers: {}, allowedHosts: [] });
  });

  test.each([
    ["not json", /MCP_SERVERS: must be a JSON object/],
    ["[]", /MCP_SERVERS: must be a JSON object/],
    ['{"calc": "node calc.js"}', /MCP_SERVERS: server "calc" must be an object/],
    ['{"calc": {"command": ""}}', /MCP_SERVERS: server "calc": "command" must be a non-empty string/],
    ['{"calc": {"command": "node", "args": "calc.js"}}', /MCP_SERVERS: server "calc": "args" must be an array of strings/],
    ['{"calc": {"command": "node", "shell": true}}', /MCP_SERVERS: server "calc": allowed keys/],
    ['{"docs": {"url": "file:///etc/passwd"}}', /MCP_SERVERS: server "docs": "url" must be an http\(s\) URL/],
    ['{"bad name": {"command": "x"}}', /MCP_SERVERS: server name "bad name"/],
  ])("malformed MCP_SERVERS %s", (raw, message) => {
    expect(() => parseMcpRegistry({ MCP_SERVERS: raw })).toThrow(message);
  });

  test("host:port entries", () => {
    expect(parseMcpRegistry({ MCP_ALLOWED_HOSTS: "tools.internal:8443,[::1]:3000" }).allowedHosts).toEqual([
      "tools.internal:8443",
      "[::1]:3000",
    ]);
  });

  test("malformed MCP_ALLOWED_HOSTS names the variable", () => {
    expect(() => parseMcpRegistry({ MCP_ALLOWED_HOSTS: "https://evil.example.com/x" })).toThrow(/^MCP_ALLOWED_HOSTS: /);
    expect(() => parseMcpRegistry({ MCP_ALLOWED_HOSTS: "ok.example.com, bad host" })).toThrow(/MCP_ALLOWED_HOSTS/);
  });
});

describe("connectMcpTools security: nothing is spawned or fetched for a ref the operator did not allow", () => {
  const registry: McpRegistry = { servers: { calc: { command: "/definitely/not/spawned" } }, allowedHosts: ["mcp.example.com"] };
  const refused = async (refs: unknown[], message: RegExp | string) => {
    const err: unknown = await connectMcpTools(refs as McpServerRef[], registry, []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({ transient: false, code: "mcp_config" });
    expect((err as Error).message).toMatch(message);
  };

  test("unknown server name (including Object.prototype keys)", async () => {
    await refused([{ name: "shell" }], 'MCP server "shell" is not configured (MCP_SERVERS)');
    await refused([{ name: "constructor" }], /not configured \(MCP_SERVERS\)/);
    await refused([{ name: "__proto__" }], /not configured \(MCP_SERVERS\)/);
    // a user cannot smuggle a command in through the ref
    await refused([{ name: "x", command: "rm", args: ["-rf", "/"] }], /not configured/);
    // validation happens before the allowed stdio server would be spawned
    await refused([{ name: "calc" }, { name: "shell" }], /"shell" is not configured/);
  });

  test("URL host not in MCP_ALLOWED_HOSTS, or not http(s)", async () => {
    await refused([{ url: "https://evil.example.net/mcp" }], /^MCP server URL host not allowed \(MCP_ALLOWED_HOSTS\)/);
    await refused([{ url: "https://mcp.example.com.evil.net/mcp" }], /host not allowed/);
    await refused([{ url: "https://mcp.example.com@evil.net/mcp" }], /host not allowed/);
    await refused([{ url: "http://127.0.0.1:9/mcp" }], /host not allowed/);
    await refused([{ url: "file:///etc/passwd" }], /http or https/);
    await refused([{ url: "not a url" }], /http or https/);
    await refused(["calc"], /must be an object/);
  });

  test("an allowed host passes validation (then fails to connect: transient tool error)", async () => {
    const err: unknown = await connectMcpTools([{ url: "http://localhost:9/mcp" }], { servers: {}, allowedHosts: ["localhost"] }, []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ transient: true, code: "tool" });
    expect((err as Error).message).toMatch(/could not connect to MCP server "localhost"/);
  });
});

test("several servers: tools prefixed <server>__<tool>; allow-list by either name; results joined, non-text summarised", async () => {
  const http = await startMcpHttpServer();
  const registry: McpRegistry = { servers: { calc: mcpStdioCommand(), web: { url: http.url } }, allowedHosts: [] };
  const tools = await connectMcpTools([{ name: "calc" }, { name: "web" }, { name: "calc" }], registry, [
    "add",
    "web__lookup_order",
    "web__chart",
    "fail",
  ]);
  try {
    expect(tools.tools.map((t) => t.function.name).sort()).toEqual([
      "calc__add",
      "calc__fail",
      "web__add",
      "web__chart",
      "web__fail",
      "web__lookup_order",
    ]);
    const add = tools.tools.find((t) => t.function.name === "calc__add")!;
    expect(add.function).toMatchObject({ description: "Add two numbers", parameters: { type: "object", required: ["a", "b"] } });
    for (const t of tools.tools) expect(t.function.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);

    expect(await tools.call("calc__add", { a: 2, b: 3 })).toEqual({ text: "5", isError: false });
    expect(await tools.call("web__lookup_order", { id: "A-1" })).toEqual({
      text: JSON.stringify({ id: "A-1", ...ORDER_FIXTURE }),
      isError: false,
    });
    expect(await tools.call("web__chart", {})).toEqual({
      text: expect.stringMatching(/^caption: sales by month\n\[image content: image\/png, \d+ bytes, not shown\]$/),
      isError: false,
    });
    expect(await tools.call("calc__fail", {})).toEqual({ text: expect.stringMatching(/always fails/), isError: true });
    expect(await tools.call("calc__lookup_order", { id: "x" })).toMatchObject({
      isError: true,
      text: expect.stringMatching(/not available/),
    });
    expect(await tools.call("web__add", "2+3")).toMatchObject({ isError: true, text: expect.stringMatching(/JSON object/) });
  } finally {
    await tools.close();
    await http.close();
  }
});

test("a user URL ref on an allowed host:port connects; another port of that host is refused", async () => {
  const http = await startMcpHttpServer();
  const { port } = new URL(http.url);
  const registry: McpRegistry = { servers: {}, allowedHosts: [`127.0.0.1:${port}`] };
  const tools = await connectMcpTools([{ url: http.url, name: "orders api" }], registry, ["lookup_order"]);
  try {
    expect(tools.tools.map((t) => t.function.name)).toEqual(["lookup_order"]);
    expect(await tools.call("lookup_order", { id: "B-2" })).toMatchObject({ isError: false, text: expect.stringContaining('"id":"B-2"') });
    await expect(connectMcpTools([{ url: `http://127.0.0.1:${Number(port) + 1}/mcp` }], registry, [])).rejects.toMatchObject({
      code: "mcp_config",
    });
  } finally {
    await tools.close();
    await http.close();
  }
});

test("close() ends the stdio child; an aborted tool call throws", async () => {
  const tools = await connectMcpTools([{ name: "calc" }], { servers: { calc: mcpStdioCommand() }, allowedHosts: [] }, []);
  const ctrl = new AbortController();
  const slow = tools.call("sleep", { ms: 5000 }, ctrl.signal);
  setTimeout(() => ctrl.abort(), 50);
  await expect(slow).rejects.toBeDefined();
  const t0 = Date.now();
  await tools.close();
  expect(Date.now() - t0).toBeLessThan(1500);
  expect(await tools.call("add", { a: 1, b: 1 })).toMatchObject({ isError: true });
});

test("a stdio server that cannot start is a non-transient tool error", async () => {
  const err: unknown = await connectMcpTools(
    [{ name: "x" }],
    { servers: { x: { command: "/nonexistent/mcp-server" } }, allowedHosts: [] },
    [],
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgentError);
  expect(err).toMatchObject({ transient: false, code: "tool", message: expect.stringMatching(/could not connect to MCP server "x"/) });
});
