/**
 * How many PostgreSQL connections this process may open, and whether they fit the server's max_connections.
 * Checked once at start: a fleet whose pools add up beyond what the server allows fails later with "too many
 * connections" (53300) under load, so say so at once, with the numbers and the settings that change them.
 */
import pg from "pg";
import type { Config } from "../config.js";
import { log } from "../logger.js";

/** graphile-worker's own pool (its default maxPoolSize). */
const GRAPHILE_WORKER_POOL = 10;
/** The API's pools (src/http/server.ts): visitor requests, the subscription LISTEN client, the agent runtime's callbacks. */
export const API_POOL = 20;
const API_SUBSCRIBER_POOL = 1;
const API_OWNER_POOL = 5;

export function connectionNeeds(part: "all" | "server" | "worker", config: Config): Record<string, number> {
  const needs: Record<string, number> = {};
  if (part !== "worker") {
    needs.api = API_POOL;
    needs.api_subscriptions = API_SUBSCRIBER_POOL;
    if (config.agent.webhookSecret) needs.api_runtime_callbacks = API_OWNER_POOL;
  }
  if (part !== "server") {
    needs.graphile_worker = GRAPHILE_WORKER_POOL;
    needs.run_pool = config.run.dbConnections;
    needs.run_pool_listen = 1;
  }
  return needs;
}

/** Compares this process's pools with max_connections minus the reserved ones and what is already in use. */
export async function checkConnectionBudget(
  url: string,
  part: "all" | "server" | "worker",
  config: Config,
): Promise<{ fits: boolean; message: string }> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ max: number; reserved: number; in_use: number }>(
      `select current_setting('max_connections')::int as max,
              current_setting('superuser_reserved_connections')::int + coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int as reserved,
              (select count(*)::int from pg_stat_activity where backend_type = 'client backend') as in_use`,
    );
    const { max, reserved, in_use } = rows[0]!;
    const needs = connectionNeeds(part, config);
    const total = Object.values(needs).reduce((a, b) => a + b, 0);
    const free = max - reserved - in_use + 1; // + this check's own connection, closed right after
    const detail = Object.entries(needs)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    const fits = total <= free;
    const message = fits
      ? `this process may open up to ${total} database connections (${detail}); ${free} of max_connections ${max} are free`
      : `this process may open up to ${total} database connections (${detail}) but only ${free} are free (max_connections ${max}, ${reserved} reserved, ${in_use} in use): ` +
        "raise max_connections, lower RUN_DB_CONNECTIONS, or run fewer processes; until then requests may fail with TOO_MANY_CONNECTIONS";
    return { fits, message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function reportConnectionBudget(url: string, part: "all" | "server" | "worker", config: Config): Promise<void> {
  try {
    const { fits, message } = await checkConnectionBudget(url, part, config);
    if (fits) log.info("database connections", { budget: message });
    else log.warn(`database connections do not fit: ${message}`);
  } catch (err) {
    log.warn("could not compare the connection pools with max_connections", { error: String(err) });
  }
}
