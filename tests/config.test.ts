/** Configuration is validated once at start-up: a bad setting names its variable. */
import { ConfigError, loadConfig } from "../src/config.js";

const base = { NODE_ENV: "development" };

test("defaults", () => {
  const c = loadConfig({});
  expect(c).toMatchObject({ databaseUrl: undefined, port: 3000, graphiql: true, production: false, llm: { model: "gpt-4o", apiKey: undefined } });
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
