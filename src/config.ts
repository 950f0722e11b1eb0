/**
 * All configuration is read and validated here, once, at start-up.
 * A missing or malformed setting stops the process with one line naming the variable.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseMcpRegistry, type McpRegistry } from "./mcpRegistry.js";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export class ConfigError extends Error {
  constructor(
    public readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback?: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? fallback : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, "must be a URL");
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(" or ")}, got ${parsed.protocol}`);
  }
  return raw;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
function roleName(env: Env, name: string, fallback: string): string {
  const v = str(env, name, fallback)!;
  if (!ROLE_NAME.test(v)) throw new ConfigError(name, `must be a lower-case SQL identifier, got "${v}"`);
  return v;
}

export interface Config {
  production: boolean;
  /** Owner connection (runs migrations and the worker). Undefined: start an embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /** Authenticator connection for the GraphQL server; derived from databaseUrl when unset. */
  authDatabaseUrl: string | undefined;
  /** Superuser connection: with databaseUrl, roles and database are created if missing. */
  rootDatabaseUrl: string | undefined;
  roles: { owner: string; authenticator: string; visitor: string };
  authenticatorPassword: string | undefined;
  /** maxRestarts: how often a postmaster that exits unexpectedly is restarted before the process exits 1. */
  embedded: { dataDir: string; port: number; maxRestarts: number };
  port: number;
  host: string;
  graphiql: boolean;
  /** Swagger UI at /api/docs (only the files its page needs); off in production unless API_DOCS=true. */
  apiDocs: boolean;
  jwt: {
    secret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
  };
  worker: { concurrency: number; pollIntervalMs: number };
  /** The run pool (src/run/pool.ts): agent runs in flight per worker process, leases, provider limits. */
  run: {
    capacity: number;
    claimBatch: number;
    /** Runs due within this many ms are reserved and prepared ahead of their second (0: prepared at their second). */
    prepareAheadMs: number;
    dbConnections: number;
    leaseSeconds: number;
    heartbeatMs: number;
    pollMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    provider: { maxConcurrent: number | null; requestsPerMinute: number | null; tokensPerMinute: number | null };
  };
  llm: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string;
    timeoutMs: number;
    maxRetries: number;
    contextBudgetTokens: number;
  };
  agent: {
    model: string;
    runTimeoutMs: number;
    maxSteps: number;
    maxTotalTokens: number;
    requestTimeoutMs: number;
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
    publicUrl: string | undefined;
    /** Operator-approved MCP servers (MCP_SERVERS) and hosts agents may reach (MCP_ALLOWED_HOSTS). */
    mcp: McpRegistry;
  };
  schedule: { minIntervalSeconds: number };
  /** Abuse limits of the HTTP / GraphQL API (README "Security"). */
  limits: {
    maxBodyBytes: number;
    maxAliases: number;
    maxDepth: number;
    maxTokens: number;
    maxCost: number;
    defaultPageSize: number;
    maxPageSize: number;
    maxPreviewCount: number;
    introspection: boolean;
    fieldSuggestions: boolean;
    /** Requests per window per client IP (0 = off). */
    rateLimitPerIp: number;
    /** Requests per window per signed-in user (0 = off). */
    rateLimitPerUser: number;
    rateLimitWindowSeconds: number;
    /** express "trust proxy": how many proxies in front of the server set X-Forwarded-For. */
    trustProxyHops: number;
  };
  /** Persisted (trusted) GraphQL operations (src/graphql/persisted.ts). */
  persisted: { directory: string | undefined; only: boolean };
  /** HTTP server processes `npm run server` runs (node:cluster; README "Running several servers and workers"). */
  serverProcesses: number;
  /** Bound of a graceful stop (worker hand-back, server close, embedded database stop) before the process exits anyway. */
  shutdownTimeoutMs: number;
  /**
   * GET /metrics (README "Metrics and logs"): with `port`, a listener of its own (every process part, the worker-only
   * one included); without it, on the API port, only when `token` is set. `token` is required as a bearer token wherever
   * /metrics is served, when set.
   */
  metrics: { port: number | undefined; host: string; token: string | undefined };
  /** Notifications (docs/notifications.md): policy defaults, outgoing webhooks and email. */
  notifications: NotificationsConfig;
  logLevel: "debug" | "info" | "warn" | "error";
}

export function loadConfig(env: Env = process.env): Config {
  const production = str(env, "NODE_ENV") === "production";
  const databaseUrl = url(env, "DATABASE_URL", ["postgres:", "postgresql:"]);
  const jwtSecret = str(env, "JWT_SECRET");
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    throw new ConfigError("JWT_SECRET", "must be at least 32 bytes for HS256");
  }
  const jwksUrl = url(env, "JWT_JWKS_URL", ["https:", "http:"]);
  if (production && !jwtSecret && !jwksUrl) {
    throw new ConfigError("JWT_SECRET", "production mode needs JWT_SECRET or JWT_JWKS_URL to verify tokens");
  }
  const logLevel = str(env, "LOG_LEVEL", "info")!;
  if (!["debug", "info", "warn", "error"].includes(logLevel)) {
    throw new ConfigError("LOG_LEVEL", `must be debug, info, warn or error, got "${logLevel}"`);
  }
  return {
    production,
    databaseUrl,
    authDatabaseUrl: url(env, "AUTH_DATABASE_URL", ["postgres:", "postgresql:"]),
    rootDatabaseUrl: url(env, "ROOT_DATABASE_URL", ["postgres:", "postgresql:"]),
    roles: {
      owner: roleName(env, "DATABASE_OWNER", "sat_owner"),
      authenticator: roleName(env, "DATABASE_AUTHENTICATOR", "sat_authenticator"),
      visitor: roleName(env, "DATABASE_VISITOR", "sat_visitor"),
    },
    authenticatorPassword: str(env, "DATABASE_AUTHENTICATOR_PASSWORD"),
    embedded: {
      dataDir: path.resolve(PROJECT_ROOT, str(env, "EMBEDDED_PG_DIR", ".data")!),
      port: int(env, "EMBEDDED_PG_PORT", 54329, 1024, 65535),
      maxRestarts: int(env, "EMBEDDED_PG_MAX_RESTARTS", 3, 0, 100),
    },
    port: int(env, "PORT", 3000, 0, 65535),
    host: str(env, "HOST", "127.0.0.1")!,
    graphiql: bool(env, "GRAPHIQL", !production),
    apiDocs: bool(env, "API_DOCS", !production),
    jwt: {
      secret: jwtSecret,
      jwksUrl,
      issuer: str(env, "JWT_ISSUER"),
      audience: str(env, "JWT_AUDIENCE"),
    },
    worker: {
      concurrency: int(env, "WORKER_CONCURRENCY", 4, 1, 100),
      pollIntervalMs: int(env, "WORKER_POLL_INTERVAL_MS", 500, 50, 60000),
    },
    run: runConfig(env),
    llm: {
      apiKey: str(env, "OPENAI_API_KEY"),
      baseUrl: url(env, "OPENAI_BASE_URL", ["http:", "https:"]),
      model: str(env, "LLM_MODEL", "gpt-4o")!,
      timeoutMs: int(env, "LLM_TIMEOUT_MS", 60000, 100, 600000),
      maxRetries: int(env, "LLM_MAX_RETRIES", 2, 0, 10),
      contextBudgetTokens: int(env, "LLM_CONTEXT_BUDGET_TOKENS", 100000, 2000, 2000000),
    },
    agent: agentConfig(env),
    schedule: { minIntervalSeconds: int(env, "SCHEDULE_MIN_INTERVAL_SECONDS", 300, 60, 86400) },
    limits: limitsConfig(env, production),
    persisted: persistedConfig(env),
    serverProcesses: int(env, "SERVER_PROCESSES", 1, 1, 64),
    shutdownTimeoutMs: int(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 100, 600_000),
    metrics: metricsConfig(env),
    notifications: notificationsConfig(env),
    logLevel: logLevel as Config["logLevel"],
  };
}

export interface NotificationsConfig {
  /** Circuit breaker: consecutive failed runs that pause a task (0 = never), unless the task sets its own. */
  failureThreshold: number;
  /** A run not started this long after its due time is told as overdue (once). */
  overdueAfterSeconds: number;
  /** Notifications per account per clock hour; the rest are coalesced into one digest at the hour's end. */
  maxPerHour: number;
  /** Webhook and email deliveries at once per worker process (their own graphile-worker pool, apart from dispatch). */
  deliveryConcurrency: number;
  webhooks: {
    /** Hosts (names or IP addresses) deliveries may reach even when they resolve to loopback/private/link-local addresses. */
    allowedHosts: string[];
    timeoutMs: number;
    maxResponseBytes: number;
    maxAttempts: number;
    retryBaseMs: number;
    /** Failed attempts in a row after which an endpoint is turned off. */
    disableAfterFailures: number;
  };
  /** SMTP email; null when SMTP_URL is unset (email off). */
  email: { smtpUrl: string; from: string; publicUrl: string | undefined } | null;
}

function notificationsConfig(env: Env): NotificationsConfig {
  const smtpUrl = url(env, "SMTP_URL", ["smtp:", "smtps:"]);
  const from = str(env, "EMAIL_FROM");
  if (smtpUrl && !from) throw new ConfigError("EMAIL_FROM", "must be set when SMTP_URL is set (the From address of notification emails)");
  if (from !== undefined && !/^(?:[^<>]*<)?[^@\s<>]+@[^@\s<>]+>?$/.test(from)) {
    throw new ConfigError("EMAIL_FROM", `must be an email address (optionally "Name <address>"), got "${from}"`);
  }
  const hosts = (str(env, "WEBHOOK_ALLOWED_HOSTS") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const h of hosts) {
    if (!/^[a-z0-9.:_-]+$/.test(h) || h.length > 253)
      throw new ConfigError("WEBHOOK_ALLOWED_HOSTS", `must be a comma-separated list of host names or IP addresses, got "${h}"`);
  }
  return {
    failureThreshold: int(env, "NOTIFY_FAILURE_THRESHOLD", 3, 0, 1000),
    overdueAfterSeconds: int(env, "NOTIFY_OVERDUE_AFTER_SECONDS", 300, 10, 7 * 86_400),
    maxPerHour: int(env, "NOTIFY_MAX_PER_HOUR", 30, 1, 1_000_000),
    deliveryConcurrency: int(env, "NOTIFY_DELIVERY_CONCURRENCY", 10, 1, 500),
    webhooks: {
      allowedHosts: hosts,
      timeoutMs: int(env, "WEBHOOK_TIMEOUT_MS", 10_000, 100, 60_000),
      maxResponseBytes: int(env, "WEBHOOK_MAX_RESPONSE_BYTES", 65_536, 0, 10_000_000),
      maxAttempts: int(env, "WEBHOOK_MAX_ATTEMPTS", 8, 1, 50),
      retryBaseMs: int(env, "WEBHOOK_RETRY_BASE_MS", 30_000, 10, 3_600_000),
      disableAfterFailures: int(env, "WEBHOOK_DISABLE_AFTER_FAILURES", 50, 1, 100_000),
    },
    email: smtpUrl ? { smtpUrl, from: from!, publicUrl: url(env, "PUBLIC_URL", ["http:", "https:"]) } : null,
  };
}

function metricsConfig(env: Env): Config["metrics"] {
  const token = str(env, "METRICS_TOKEN");
  if (token !== undefined && (Buffer.byteLength(token) < 16 || /\s/.test(token))) {
    throw new ConfigError("METRICS_TOKEN", "must be at least 16 characters without spaces");
  }
  return {
    port: str(env, "METRICS_PORT") === undefined ? undefined : int(env, "METRICS_PORT", 0, 0, 65535),
    host: str(env, "METRICS_HOST", str(env, "HOST", "127.0.0.1"))!,
    token,
  };
}

function runConfig(env: Env): Config["run"] {
  const leaseSeconds = int(env, "RUN_LEASE_SECONDS", 30, 5, 3600);
  const heartbeatMs = int(env, "RUN_HEARTBEAT_MS", 5000, 100, 600_000);
  if (heartbeatMs * 2 > leaseSeconds * 1000) {
    throw new ConfigError("RUN_HEARTBEAT_MS", `must be at most half of RUN_LEASE_SECONDS (${leaseSeconds} s), got ${heartbeatMs}`);
  }
  const optionalInt = (name: string) => (env[name] === undefined || env[name] === "" ? null : int(env, name, 1, 1, 100_000_000));
  return {
    capacity: int(env, "RUN_CAPACITY", 1000, 1, 100_000),
    claimBatch: int(env, "RUN_CLAIM_BATCH", 200, 1, 10_000),
    prepareAheadMs: int(env, "RUN_PREPARE_AHEAD_MS", 15_000, 0, 60_000),
    dbConnections: int(env, "RUN_DB_CONNECTIONS", 8, 2, 200),
    leaseSeconds,
    heartbeatMs,
    pollMs: int(env, "RUN_POLL_MS", 1000, 50, 60_000),
    maxAttempts: int(env, "RUN_MAX_ATTEMPTS", 4, 1, 100),
    retryBaseMs: int(env, "RUN_RETRY_BASE_MS", 5000, 10, 3_600_000),
    provider: {
      maxConcurrent: optionalInt("MODEL_MAX_CONCURRENT"),
      requestsPerMinute: optionalInt("MODEL_REQUESTS_PER_MINUTE"),
      tokensPerMinute: optionalInt("MODEL_TOKENS_PER_MINUTE"),
    },
  };
}

/** The OpenAI API's address when OPENAI_BASE_URL is unset. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * The key a model provider is known by in app_private.model_usage (metering) and app_private.model_providers (shared
 * limits): OPENAI_BASE_URL without a trailing slash. Runs without an API key use the offline executor: "offline".
 */
export function providerKey(baseUrl: string | null | undefined): string {
  return (baseUrl || DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, "");
}

/** The provider this configuration's runs use. */
export function runProviderKey(config: Config): string {
  return config.llm.apiKey ? providerKey(config.llm.baseUrl) : "offline";
}

function limitsConfig(env: Env, production: boolean): Config["limits"] {
  const defaultPageSize = int(env, "GRAPHQL_DEFAULT_PAGE_SIZE", 100, 1, 10_000);
  const maxPageSize = int(env, "GRAPHQL_MAX_PAGE_SIZE", 1000, 1, 100_000);
  if (defaultPageSize > maxPageSize) {
    throw new ConfigError("GRAPHQL_DEFAULT_PAGE_SIZE", `must not exceed GRAPHQL_MAX_PAGE_SIZE (${maxPageSize}), got ${defaultPageSize}`);
  }
  return {
    maxBodyBytes: int(env, "GRAPHQL_MAX_BODY_BYTES", 65_536, 1024, 10_000_000),
    maxAliases: int(env, "GRAPHQL_MAX_ALIASES", 15, 0, 1000),
    maxDepth: int(env, "GRAPHQL_MAX_DEPTH", 10, 2, 100),
    maxTokens: int(env, "GRAPHQL_MAX_TOKENS", 1000, 50, 100_000),
    maxCost: int(env, "GRAPHQL_MAX_COST", 50_000, 10, 10_000_000),
    defaultPageSize,
    maxPageSize,
    maxPreviewCount: int(env, "SCHEDULE_PREVIEW_MAX_COUNT", 50, 1, 500),
    introspection: bool(env, "GRAPHQL_INTROSPECTION", !production),
    fieldSuggestions: bool(env, "GRAPHQL_FIELD_SUGGESTIONS", !production),
    rateLimitPerIp: int(env, "RATE_LIMIT_PER_IP", 600, 0, 1_000_000),
    rateLimitPerUser: int(env, "RATE_LIMIT_PER_USER", 300, 0, 1_000_000),
    rateLimitWindowSeconds: int(env, "RATE_LIMIT_WINDOW_SECONDS", 60, 1, 86_400),
    trustProxyHops: int(env, "TRUST_PROXY_HOPS", 0, 0, 10),
  };
}

function persistedConfig(env: Env): Config["persisted"] {
  const dir = str(env, "GRAPHQL_PERSISTED_OPERATIONS");
  const only = bool(env, "GRAPHQL_PERSISTED_ONLY", false);
  if (only && !dir)
    throw new ConfigError("GRAPHQL_PERSISTED_ONLY", "needs GRAPHQL_PERSISTED_OPERATIONS (the directory of allowed operations)");
  return { directory: dir ? path.resolve(PROJECT_ROOT, dir) : undefined, only };
}

function agentConfig(env: Env): Config["agent"] {
  const webhookUrl = url(env, "AGENT_WEBHOOK_URL", ["http:", "https:"]);
  const webhookSecret = str(env, "AGENT_WEBHOOK_SECRET");
  if (webhookUrl && (!webhookSecret || Buffer.byteLength(webhookSecret) < 32)) {
    throw new ConfigError("AGENT_WEBHOOK_SECRET", "must be set (at least 32 bytes) when AGENT_WEBHOOK_URL is set");
  }
  const publicUrl = url(env, "PUBLIC_URL", ["http:", "https:"]);
  if (webhookUrl && !publicUrl) {
    throw new ConfigError(
      "PUBLIC_URL",
      "must be set when AGENT_WEBHOOK_URL is set (the runtime calls back to PUBLIC_URL/hooks/agent-runs/:id)",
    );
  }
  return {
    model: str(env, "AGENT_MODEL", str(env, "LLM_MODEL", "gpt-4o"))!,
    runTimeoutMs: int(env, "AGENT_RUN_TIMEOUT_MS", 15 * 60_000, 1000, 24 * 3600_000),
    maxSteps: int(env, "AGENT_MAX_STEPS", 10, 1, 200),
    maxTotalTokens: int(env, "AGENT_MAX_TOTAL_TOKENS", 200_000, 1000, 10_000_000),
    requestTimeoutMs: int(env, "AGENT_REQUEST_TIMEOUT_MS", 120_000, 100, 3600_000),
    webhookUrl,
    webhookSecret,
    publicUrl,
    // Validated even without OPENAI_API_KEY (only the OpenAI executor uses it), so a bad value never waits for the first run.
    mcp: parseMcpRegistry(
      { MCP_SERVERS: str(env, "MCP_SERVERS"), MCP_ALLOWED_HOSTS: str(env, "MCP_ALLOWED_HOSTS") },
      (variable, why) => new ConfigError(variable, why),
    ),
  };
}

/** The authenticator's connection string: AUTH_DATABASE_URL, or DATABASE_URL with the authenticator's credentials. */
export function authenticatorUrl(config: Config, ownerUrl: string): string {
  if (config.authDatabaseUrl) return config.authDatabaseUrl;
  const u = new URL(ownerUrl);
  u.username = config.roles.authenticator;
  u.password = config.authenticatorPassword ?? "";
  return u.toString();
}
