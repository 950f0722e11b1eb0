/**
 * A tiny MCP server for tests. Tools:
 *   add {a, b}          → text "<a+b>"
 *   lookup_order {id}   → a fixed JSON text for that id
 *   fail {}             → throws (the client sees an isError result)
 *   chart {}            → a text part and an image part (non-text content is summarised by the bridge)
 *   sleep {ms}          → waits, then "slept <ms>" (for abort tests)
 *
 * As a stdio process:   node --import tsx tests/helpers/mcpServer.ts --stdio   (see mcpStdioCommand() in mcpCommand.ts)
 * In-process over HTTP: const srv = await startMcpHttpServer(); … srv.url … await srv.close();
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod"; // the MCP SDK's own dependency (tool input schemas are zod shapes)

export const ORDER_FIXTURE = { status: "shipped", items: 2, total: 42.5, currency: "EUR" };
/** 1×1 transparent PNG. */
const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

export function createTestMcpServer(): McpServer {
  const server = new McpServer({ name: "test-tools", version: "1.0.0" });
  server.registerTool("add", { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: "text", text: String(a + b) }],
  }));
  server.registerTool("lookup_order", { description: "Look up an order by id", inputSchema: { id: z.string() } }, async ({ id }) => ({
    content: [{ type: "text", text: JSON.stringify({ id, ...ORDER_FIXTURE }) }],
  }));
  server.registerTool("fail", { description: "Always fails" }, async () => {
    throw new Error("the fail tool always fails");
  });
  server.registerTool("chart", { description: "Returns a caption and an image" }, async () => ({
    content: [
      { type: "text", text: "caption: sales by month" },
      { type: "image", data: PIXEL, mimeType: "image/png" },
    ],
  }));
  server.registerTool("sleep", { description: "Wait ms milliseconds", inputSchema: { ms: z.number() } }, async ({ ms }) => {
    await new Promise((r) => setTimeout(r, ms));
    return { content: [{ type: "text", text: `slept ${ms}` }] };
  });
  return server;
}

/** Stateless streamable-HTTP MCP server on 127.0.0.1 (a fresh server + transport per request). */
export async function startMcpHttpServer(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const httpServer = http.createServer((req, res) => {
    state.requests++;
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    const mcp = createTestMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    mcp
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    get requests() {
      return state.requests;
    },
    close: async () => {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

if (process.argv.includes("--stdio")) {
  const server = createTestMcpServer();
  await server.connect(new StdioServerTransport());
  process.stdin.on("end", () => process.exit(0)); // exit as soon as the client closes our stdin
}
