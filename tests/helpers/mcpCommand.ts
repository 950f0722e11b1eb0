/**
 * How to start the test MCP server (tests/helpers/mcpServer.ts) as a stdio child: this Node binary with tsx's loader,
 * both by absolute path, so it works from any cwd and needs no PATH. Usable directly as an MCP_SERVERS entry:
 *   mcp: { servers: { calc: mcpStdioCommand() }, allowedHosts: [] }
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HELPERS = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HELPERS, "../..");

export function mcpStdioCommand(): { command: string; args: string[] } {
  const tsxLoader = pathToFileURL(path.join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  return { command: process.execPath, args: ["--import", tsxLoader, path.join(HELPERS, "mcpServer.ts"), "--stdio"] };
}
