/**
 * The operator's MCP registry (MCP_SERVERS, MCP_ALLOWED_HOSTS): parsed and validated at start-up by loadConfig,
 * so a bad value stops the process before anything runs. Kept free of the MCP SDK so configuration loads light.
 */
export type McpServerConfig = { command: string; args?: string[]; env?: Record<string, string> } | { url: string };

export interface McpRegistry {
  servers: Record<string, McpServerConfig>;
  /** Lower-case host names (any port) or host:port entries that `{url}` refs may point at. */
  allowedHosts: string[];
}

export type McpVariable = "MCP_SERVERS" | "MCP_ALLOWED_HOSTS";

const SERVER_NAME = /^[A-Za-z0-9_-]{1,32}$/;
/** A host name, IPv4 address or bracketed IPv6 address, optionally with ":port". */
const HOST_ENTRY = /^(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/** Reads MCP_SERVERS (JSON object of name → {command, args?, env?} | {url}) and MCP_ALLOWED_HOSTS (comma-separated host names). */
export function parseMcpRegistry(
  env: { MCP_SERVERS?: string; MCP_ALLOWED_HOSTS?: string },
  fail: (variable: McpVariable, why: string) => Error = (variable, why) => new Error(`${variable}: ${why}`),
): McpRegistry {
  const servers: Record<string, McpServerConfig> = {};
  const raw = env.MCP_SERVERS?.trim();
  if (raw) {
    const bad = (why: string) => fail("MCP_SERVERS", why);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw bad('must be a JSON object like {"name": {"command": "...", "args": ["..."]}, "other": {"url": "https://..."}}');
    }
    if (!isPlainObject(parsed)) throw bad("must be a JSON object mapping server names to {command, args?, env?} or {url}");
    for (const [name, value] of Object.entries(parsed)) {
      if (!SERVER_NAME.test(name) || name === "__proto__")
        throw bad(`server name "${name.slice(0, 40)}" must be 1-32 letters, digits, "_" or "-"`);
      if (!isPlainObject(value)) throw bad(`server "${name}" must be an object`);
      const keys = Object.keys(value);
      if ("url" in value) {
        if (keys.some((k) => k !== "url")) throw bad(`server "${name}": a url server takes only "url"`);
        if (typeof value.url !== "string" || !httpUrl(value.url)) throw bad(`server "${name}": "url" must be an http(s) URL`);
        servers[name] = { url: value.url };
        continue;
      }
      if (keys.some((k) => k !== "command" && k !== "args" && k !== "env")) {
        throw bad(`server "${name}": allowed keys are command, args, env (or url)`);
      }
      if (typeof value.command !== "string" || value.command.trim() === "")
        throw bad(`server "${name}": "command" must be a non-empty string`);
      const server: { command: string; args?: string[]; env?: Record<string, string> } = { command: value.command };
      if (value.args !== undefined) {
        if (!Array.isArray(value.args) || !value.args.every((a) => typeof a === "string"))
          throw bad(`server "${name}": "args" must be an array of strings`);
        server.args = [...value.args];
      }
      if (value.env !== undefined) {
        if (!isPlainObject(value.env) || !Object.values(value.env).every((v) => typeof v === "string")) {
          throw bad(`server "${name}": "env" must be an object of strings`);
        }
        server.env = { ...(value.env as Record<string, string>) };
      }
      servers[name] = server;
    }
  }

  const allowedHosts: string[] = [];
  for (const part of (env.MCP_ALLOWED_HOSTS ?? "").split(",")) {
    const host = part.trim().toLowerCase();
    if (host === "") continue;
    if (!HOST_ENTRY.test(host)) {
      throw fail(
        "MCP_ALLOWED_HOSTS",
        `"${host.slice(0, 60)}" is not a host name (list host names or host:port, comma-separated, without scheme or path)`,
      );
    }
    if (!allowedHosts.includes(host)) allowedHosts.push(host);
  }
  return { servers, allowedHosts };
}

export function httpUrl(raw: string): URL | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === "http:" || u.protocol === "https:" ? u : undefined;
  } catch {
    return undefined;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
