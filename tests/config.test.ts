/** Configuration is validated once at start-up: a bad setting names its variable. */
import { ConfigError, loadConfig } from "../src/config.js";

const base = { NODE_ENV: "development" };

test("defaults", () => {
  const c = loadConfig({});
  expect(c).toMatchObject({
    databaseUrl: undefined,
    port: 3000,
    graphiql: true,
    production: false,
    llm: { model: "gpt-4o", apiKey: undefined },
  });
  expect(c.roles).toEqual({ owner: "sat_owner", authenticator: "sat_authenticator", visitor: "sat_visitor" });
  expect(c.schedule.minIntervalSeconds).toBe(300);
  expect(c.agent.runTimeoutMs).toBe(15 * 60_000);
});

test.each([
  [{ NODE_ENV: "production" }, "JWT_SECRET", /production mode needs JWT_SECRET or JWT_JWKS_URL/],
  [{ ...base, JWT_SECRET: "short" }, "JWT_SECRET", /at least 32 bytes/],
  [{ ...base, PORT: "eighty" }, "PORT", /whole number/],
  [{ ...base, PORT: "70000" }, "PORT", /between 0 and 65535/],
  [{ ...base, DATABASE_URL: "mysql://x" }, "DATABASE_URL", /postgres/],
  [{ ...base, JWT_JWKS_URL: "not a url" }, "JWT_JWKS_URL", /URL/],
  [{ ...base, GRAPHIQL: "maybe" }, "GRAPHIQL", /true or false/],
  [{ ...base, DATABASE_VISITOR: "Robert'); drop" }, "DATABASE_VISITOR", /identifier/],
  [{ ...base, AGENT_WEBHOOK_URL: "https://runtime.example.com/runs" }, "AGENT_WEBHOOK_SECRET", /must be set/],
  [{ ...base, AGENT_WEBHOOK_URL: "https://runtime.example.com/runs", AGENT_WEBHOOK_SECRET: "x".repeat(40) }, "PUBLIC_URL", /must be set/],
  [{ ...base, LOG_LEVEL: "loud" }, "LOG_LEVEL", /debug, info, warn or error/],
  [{ ...base, SCHEDULE_MIN_INTERVAL_SECONDS: "10" }, "SCHEDULE_MIN_INTERVAL_SECONDS", /between 60/],
  [{ ...base, ROOT_DATABASE_URL: "mysql://root@localhost/x" }, "ROOT_DATABASE_URL", /must use postgres: or postgresql:/],
  [{ ...base, ROOT_DATABASE_URL: "not a url" }, "ROOT_DATABASE_URL", /must be a URL/],
  [{ ...base, LOG_LEVEL: "verbose" }, "LOG_LEVEL", /got "verbose"/],
  // MCP_* are validated even without OPENAI_API_KEY (the worker only reads them with one).
  [{ ...base, MCP_SERVERS: "{not json" }, "MCP_SERVERS", /^MCP_SERVERS: must be a JSON object like/],
  [{ ...base, MCP_SERVERS: '["a"]' }, "MCP_SERVERS", /mapping server names/],
  [{ ...base, MCP_SERVERS: '{"fs": {"command": "x", "cwd": "/"}}' }, "MCP_SERVERS", /allowed keys are command, args, env/],
  [{ ...base, MCP_SERVERS: '{"web": {"url": "ftp://x"}}' }, "MCP_SERVERS", /"url" must be an http\(s\) URL/],
  [
    { ...base, OPENAI_API_KEY: "sk-test", MCP_ALLOWED_HOSTS: "ok.example.com, https://evil.example.com/x" },
    "MCP_ALLOWED_HOSTS",
    /is not a host name/,
  ],
])("%o is refused, naming %s", (env, variable, message) => {
  let error: unknown;
  try {
    loadConfig(env);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).variable).toBe(variable);
  expect((error as ConfigError).message).toMatch(message);
});

test("production with a secret: GraphiQL off by default", () => {
  const c = loadConfig({ NODE_ENV: "production", JWT_SECRET: "s".repeat(32) });
  expect(c.graphiql).toBe(false);
});

test("ROOT_DATABASE_URL, LOG_LEVEL and MCP_* are parsed here, not where they are used", () => {
  const c = loadConfig({
    ...base,
    ROOT_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
    LOG_LEVEL: "debug",
    MCP_SERVERS:
      ' {"fs": {"command": "npx", "args": ["-y", "server-fs"], "env": {"ROOT": "/srv"}}, "web": {"url": "https://tools.example.com/mcp"}} ',
    MCP_ALLOWED_HOSTS: "Tools.Example.com, 10.0.0.5:8443,,tools.example.com",
  });
  expect(c.rootDatabaseUrl).toBe("postgres://postgres@127.0.0.1:5432/postgres");
  expect(c.logLevel).toBe("debug");
  expect(c.agent.mcp).toEqual({
    servers: { fs: { command: "npx", args: ["-y", "server-fs"], env: { ROOT: "/srv" } }, web: { url: "https://tools.example.com/mcp" } },
    allowedHosts: ["tools.example.com", "10.0.0.5:8443"],
  });
  expect(loadConfig({})).toMatchObject({ rootDatabaseUrl: undefined, logLevel: "info", agent: { mcp: { servers: {}, allowedHosts: [] } } });
});

test("notifications: defaults (failure threshold 3, overdue after 5 min, email off) and bad values named", () => {
  const n = loadConfig({}).notifications;
  expect(n).toEqual({
    failureThreshold: 3,
    overdueAfterSeconds: 300,
    maxPerHour: 30,
    deliveryConcurrency: 10,
    webhooks: {
      allowedHosts: [],
      timeoutMs: 10_000,
      maxResponseBytes: 65_536,
      maxAttempts: 8,
      retryBaseMs: 30_000,
      disableAfterFailures: 50,
    },
    email: null,
  });
  const on = loadConfig({
    SMTP_URL: "smtp://mail.example.com:25",
    EMAIL_FROM: "Tasks <tasks@example.com>",
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1, Hooks.Internal",
  });
  expect(on.notifications.email).toEqual({
    smtpUrl: "smtp://mail.example.com:25",
    from: "Tasks <tasks@example.com>",
    publicUrl: undefined,
  });
  expect(on.notifications.webhooks.allowedHosts).toEqual(["127.0.0.1", "hooks.internal"]);
  for (const [env, variable] of [
    [{ SMTP_URL: "smtp://mail.example.com" }, "EMAIL_FROM"],
    [{ SMTP_URL: "http://mail.example.com", EMAIL_FROM: "a@b.c" }, "SMTP_URL"],
    [{ EMAIL_FROM: "not an address" }, "EMAIL_FROM"],
    [{ NOTIFY_FAILURE_THRESHOLD: "-1" }, "NOTIFY_FAILURE_THRESHOLD"],
    [{ NOTIFY_MAX_PER_HOUR: "0" }, "NOTIFY_MAX_PER_HOUR"],
    [{ WEBHOOK_ALLOWED_HOSTS: "http://x/" }, "WEBHOOK_ALLOWED_HOSTS"],
  ] as const) {
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ variable }) as ConfigError);
  }
});
