/**
 * Bridge between an agent's MCP servers and OpenAI function tools.
 *
 * SECURITY: agents' `mcp_servers` are written by users through the API, so a user must never be able to make the
 * worker spawn a command or reach an arbitrary host:
 * - a `{name}` ref must name a server in the operator-configured registry (MCP_SERVERS); only the operator decides which
 *   commands are ever spawned (and stdio children get the SDK's minimal default environment plus the configured env,
 *   never the worker's secrets);
 * - a `{url}` ref is allowed only over http/https to a host listed in MCP_ALLOWED_HOSTS (exact, case-insensitive match;
 *   no wildcards; an entry "host" allows any port of that host, "host:port" only that port), and redirects are followed
 *   only within the same origin.
 * Every ref is validated before anything is spawned or connected.
 *
 * Tool names exposed to the model: with one server, the server's own tool names; with several, `<server>__<tool>` so
 * names from different servers cannot clash. Names are made to fit OpenAI's `^[a-zA-Z0-9_-]{1,64}$` (other characters
 * become "_", long names are cut and given a numeric suffix when needed to stay unique).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { AgentError, type McpServerRef } from "./types.js";
import { httpUrl, isPlainObject, type McpRegistry, type McpServerConfig } from "../mcpRegistry.js";

// The registry is configuration: parsed and validated by loadConfig (src/config.ts) through ./mcpRegistry.ts.
export { parseMcpRegistry, type McpRegistry, type McpServerConfig } from "../mcpRegistry.js";

export interface McpTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export interface McpToolset {
  tools: McpTool[];
  /** Never throws for tool failures (unknown tool, bad arguments, MCP error): they come back as isError results. Throws only if `signal` is aborted. */
  call(name: string, args: unknown, signal?: AbortSignal): Promise<{ text: string; isError: boolean }>;
  close(): Promise<void>;
}

/** Tool results longer than this are cut, so one tool cannot blow the model's context window. */
export const MAX_TOOL_RESULT_CHARS = 100_000;
const MAX_TOOL_PAGES = 20;
/** Timeout of each MCP request made while connecting and listing tools (tool calls use the SDK default, 60 s). */
const DEFAULT_MCP_TIMEOUT_MS = 30_000;

interface ResolvedServer {
  label: string;
  config: McpServerConfig;
  /** Where the config came from, for messages: "registry" servers are operator-trusted. */
  source: "registry" | "url";
}

/** Validates every ref against the registry (no spawning, no network). Throws AgentError code "mcp_config". */
export function resolveMcpServers(refs: unknown[], registry: McpRegistry): ResolvedServer[] {
  const out: ResolvedServer[] = [];
  const seen = new Set<string>();
  const cfgError = (msg: string) => new AgentError(msg, false, "mcp_config");
  for (const ref of refs) {
    if (!isPlainObject(ref)) throw cfgError("MCP server reference must be an object with a name or a url");
    const { name, url } = ref;
    if (url !== undefined && url !== null) {
      if (typeof url !== "string") throw cfgError("MCP server url must be a string");
      const parsed = httpUrl(url);
      if (!parsed) throw cfgError("MCP server URL must be an http or https URL");
      const host = parsed.hostname.toLowerCase();
      const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
      if (!registry.allowedHosts.includes(host) && !registry.allowedHosts.includes(`${host}:${port}`)) {
        throw cfgError(`MCP server URL host not allowed (MCP_ALLOWED_HOSTS): ${parsed.hostname.slice(0, 100)}`);
      }
      const key = `url:${parsed.href}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const label = typeof name === "string" && name.trim() !== "" ? name : parsed.hostname;
      out.push({ label, config: { url: parsed.href }, source: "url" });
      continue;
    }
    if (typeof name !== "string" || name === "") throw cfgError("MCP server reference must have a name or a url");
    // Object.hasOwn: "constructor", "__proto__" etc. must not resolve to Object.prototype members.
    const config = Object.hasOwn(registry.servers, name) ? registry.servers[name] : undefined;
    if (!config) throw cfgError(`MCP server "${name.slice(0, 100)}" is not configured (MCP_SERVERS)`);
    const key = `name:${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ label: name, config, source: "registry" });
  }
  return out;
}

/**
 * Connects to the agent's MCP servers and lists their tools, keeping those in `allow` (empty = all). An allow-list
 * entry matches a tool by its exposed name, its server's own tool name, or `<server>__<tool>`.
 * Throws AgentError: code "mcp_config" for refs the registry does not allow (before anything is spawned), code "tool"
 * when a server cannot be started or reached (transient for URL servers). On failure every client opened so far is closed.
 */
export async function connectMcpTools(
  refs: McpServerRef[],
  registry: McpRegistry,
  allow: string[],
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<McpToolset> {
  const servers = resolveMcpServers(refs, registry);
  const connected: Array<{ server: ResolvedServer; client: Client }> = [];
  const closeAll = () => Promise.allSettled(connected.map((c) => c.client.close())).then(() => undefined);
  const requestOptions = { signal: opts.signal, timeout: opts.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS };

  const results = await Promise.allSettled(servers.map((s) => connectOne(s, requestOptions)));
  for (const r of results) if (r.status === "fulfilled") connected.push(r.value);
  const failedAt = results.findIndex((r) => r.status === "rejected");
  if (failedAt >= 0 || opts.signal?.aborted) {
    await closeAll();
    if (opts.signal?.aborted) throw new AgentError("run aborted", false, "aborted");
    const server = servers[failedAt]!;
    const reason = (results[failedAt] as PromiseRejectedResult).reason as unknown;
    throw new AgentError(`could not connect to MCP server "${server.label}": ${errorText(reason)}`, server.source === "url", "tool");
  }

  const byName = new Map<string, { client: Client; tool: string }>();
  const tools: McpTool[] = [];
  const prefix = connected.length > 1;
  const allowSet = new Set(allow);
  try {
    for (const { server, client } of connected) {
      const listed: Awaited<ReturnType<Client["listTools"]>>["tools"] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_TOOL_PAGES; page++) {
        const res = await client.listTools(cursor ? { cursor } : undefined, requestOptions);
        listed.push(...res.tools);
        cursor = res.nextCursor;
        if (!cursor) break;
      }
      const serverPart = sanitize(server.label);
      for (const t of listed) {
        const qualified = `${serverPart}__${t.name}`;
        if (allowSet.size > 0 && !allowSet.has(t.name) && !allowSet.has(qualified) && !allowSet.has(sanitize(qualified))) {
          continue;
        }
        const exposed = uniqueName(sanitize(prefix ? qualified : t.name), byName);
        byName.set(exposed, { client, tool: t.name });
        const { $schema: _schema, ...parameters } = t.inputSchema; // OpenAI wants the bare object schema
        const fn: McpTool["function"] = { name: exposed, parameters };
        const description = t.description ?? t.title;
        if (description) fn.description = description;
        tools.push({ type: "function", function: fn });
      }
    }
  } catch (err) {
    await closeAll();
    if (opts.signal?.aborted) throw new AgentError("run aborted", false, "aborted");
    throw new AgentError(`could not list MCP tools: ${errorText(err)}`, true, "tool");
  }

  return {
    tools,
    async call(name, args, signal) {
      const entry = byName.get(name);
      if (!entry) {
        const available = [...byName.keys()];
        return {
          text: `Tool "${name}" is not available to this agent. Available tools: ${available.length ? available.join(", ") : "(none)"}.`,
          isError: true,
        };
      }
      if (args !== undefined && args !== null && !isPlainObject(args)) {
        return { text: `Tool "${name}" expects its arguments as a JSON object.`, isError: true };
      }
      try {
        const res = await entry.client.callTool({ name: entry.tool, arguments: args ?? {} }, undefined, signal ? { signal } : undefined);
        return { text: cap(resultText(res)), isError: res.isError === true };
      } catch (err) {
        if (signal?.aborted) throw err;
        return { text: `Tool "${name}" failed: ${errorText(err)}`, isError: true };
      }
    },
    close: closeAll,
  };
}

async function connectOne(server: ResolvedServer, options: RequestOptions): Promise<{ server: ResolvedServer; client: Client }> {
  const client = new Client({ name: "scheduled-agent-tasks", version: "0.1.0" });
  let stderrTail = "";
  if ("url" in server.config) {
    const transport = new StreamableHTTPClientTransport(new URL(server.config.url), { redirectPolicy: "same-origin" });
    try {
      await client.connect(transport, options);
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    return { server, client };
  }
  // stderr is piped and only its tail is kept (for connection error messages), so children do not write into the worker's log.
  const transport = new StdioClientTransport({ ...server.config, stderr: "pipe" });
  transport.stderr?.on("data", (chunk: Buffer | string) => {
    stderrTail = (stderrTail + String(chunk)).slice(-2000);
  });
  try {
    await client.connect(transport, options);
  } catch (err) {
    await client.close().catch(() => undefined);
    const tail = stderrTail.trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${errorText(err)}${tail ? ` (stderr: ${tail.slice(0, 500)})` : ""}`, { cause: err });
  }
  return { server, client };
}

type CallToolResult = Awaited<ReturnType<Client["callTool"]>>;

/** Text parts joined with newlines; other parts summarised; structured content used when there is no text. */
function resultText(res: CallToolResult): string {
  if (!("content" in res) || !Array.isArray(res.content)) {
    const value = "toolResult" in res ? res.toolResult : res;
    return typeof value === "string" ? value : JSON.stringify(value ?? null);
  }
  const parts: string[] = [];
  for (const part of res.content) {
    switch (part.type) {
      case "text":
        parts.push(part.text);
        break;
      case "image":
      case "audio":
        parts.push(`[${part.type} content: ${part.mimeType}, ${Math.floor((part.data.length * 3) / 4)} bytes, not shown]`);
        break;
      case "resource":
        parts.push(
          "text" in part.resource
            ? `[resource ${part.resource.uri}]\n${part.resource.text}`
            : `[binary resource ${part.resource.uri}${part.resource.mimeType ? ` (${part.resource.mimeType})` : ""}, not shown]`,
        );
        break;
      case "resource_link":
        parts.push(`[resource link: ${part.name} ${part.uri}]`);
        break;
      default:
        parts.push(`[${String((part as { type?: unknown }).type)} content, not shown]`);
    }
  }
  if (parts.length === 0 && res.structuredContent) return JSON.stringify(res.structuredContent);
  return parts.join("\n");
}

function cap(text: string): string {
  return text.length <= MAX_TOOL_RESULT_CHARS
    ? text
    : `${text.slice(0, MAX_TOOL_RESULT_CHARS)}\n…[truncated ${text.length - MAX_TOOL_RESULT_CHARS} characters]`;
}

function sanitize(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return s === "" ? "tool" : s;
}

function uniqueName(name: string, taken: Map<string, unknown>): string {
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const candidate = name.slice(0, 64 - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, " ").slice(0, 500);
}
