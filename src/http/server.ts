/**
 * The HTTP side: express + PostGraphile v5 (grafserv) reflecting `app_public`.
 * Every GraphQL request runs as the visitor role with allow-listed claims; RLS decides the rest.
 */
import http, { type IncomingMessage } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import pg from "pg";
import { postgraphile, type PostGraphileInstance } from "postgraphile";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService, PgSubscriber } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/express/v4";
import { defaultMaskError } from "postgraphile/grafserv";
import { GraphQLError } from "postgraphile/graphql";
import type { Config } from "../config.js";
import { AuthError, authMiddleware, makeProvisioner, makeVerifier, pgSettingsFor, type JwtSettings, type VerifiedClaims } from "./auth.js";
import { log, errorFields } from "../logger.js";
import { ProjectPlugins } from "../graphql/plugins.js";
import { makeSchedulingPlugin } from "../graphql/scheduling.js";
import { makeOpenAIProvider, type PromptProvider } from "../llm/providers.js";
import { agentRunHooks } from "./runtimeCallbacks.js";
import { makePageSizePlugin, makeRequestLimitsPlugin } from "../graphql/limits.js";
import { makeOneTransactionPerQueryPlugin } from "../graphql/transaction.js";
import { persistedOperationsPreset, type PersistedOperationsConfig } from "../graphql/persisted.js";
import { rateLimits, type RateLimits } from "./rateLimit.js";
import { isDatabaseUnavailable, isTooManyConnections, logPoolError } from "../db/unavailable.js";
import { restApi } from "./rest/router.js";
import { metricsRoute, requestObservability } from "./requestContext.js";

/** extensions.code of a GraphQL error (HTTP 503) answered while the database cannot be reached. */
export const DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE";
const UNAVAILABLE_MESSAGE = "The database is unavailable right now; retry shortly.";
/** extensions.code (HTTP 503) when PostgreSQL refused a connection because all of max_connections are in use (53300). */
export const TOO_MANY_CONNECTIONS = "TOO_MANY_CONNECTIONS";
const TOO_MANY_CONNECTIONS_MESSAGE = "The database has no free connection right now (max_connections reached); retry shortly.";

/** SQLSTATEs whose messages are written for users and safe to pass through unchanged. */
export function isUserFacingSqlState(code: string): boolean {
  return (
    /^ST[0-9A-Z]{3}$/.test(code) || // project errors (README table)
    code === "42501" || // insufficient_privilege, incl. "new row violates row-level security policy"
    /^23/.test(code) || // integrity constraint violations (check, unique, foreign key, not null)
    /^22/.test(code) // data exceptions (invalid input syntax, value too long…)
  );
}

/** The error, re-issued with its own message and the given code (keeping its location and path). */
function passThrough(error: GraphQLError, original: Error, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(original.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: original,
    extensions,
  });
}

interface PgErrorFields {
  code?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

/** The columns of a constraint error's detail: `Key (agent_id)=(…) is not present in table "agents".` → agent_id. */
function keyColumns(detail: unknown): string | undefined {
  const m = typeof detail === "string" ? /^Key \(([^)]*)\)=/.exec(detail) : null;
  return m?.[1]?.replace(/"/g, "");
}

/**
 * PostgreSQL's own messages for integrity violations (23xxx) and row-level security (42501) name
 * tables and constraints; they are re-worded here, keeping the SQLSTATE as `extensions.code` and
 * naming the column as `extensions.field` where PostgreSQL says which. Messages the project's
 * SQL raises itself (with its own wording) are left alone. null: pass the message on unchanged.
 */
export function cleanSqlError(err: Error & PgErrorFields): { message: string; field?: string } | null {
  const table = typeof err.table === "string" ? err.table : undefined;
  const constraint = typeof err.constraint === "string" ? err.constraint : undefined;
  const column = typeof err.column === "string" ? err.column : undefined;
  // PostgreSQL names a one-column constraint `<table>_<column>_<fkey|key|check>`.
  const constrained = (suffix: string): string | undefined =>
    table && constraint?.startsWith(`${table}_`) && constraint.endsWith(suffix)
      ? constraint.slice(table.length + 1, -suffix.length) || undefined
      : undefined;
  switch (err.code) {
    case "23503": {
      const field = keyColumns(err.detail) ?? constrained("_fkey");
      if ((typeof err.detail === "string" && /still referenced/.test(err.detail)) || /^update or delete on/.test(err.message)) {
        return { message: "this record is still referenced by other records; delete or change those first", ...(field ? { field } : {}) };
      }
      return {
        message: `${field ?? "a reference"}: the referenced record does not exist or is not visible to you`,
        ...(field ? { field } : {}),
      };
    }
    case "23001":
      return { message: "this record is still referenced by other records; delete or change those first" };
    case "23505": {
      const field = keyColumns(err.detail) ?? constrained("_key");
      return { message: `a record with this ${field ?? "key"} already exists`, ...(field ? { field } : {}) };
    }
    case "23502":
      return { message: `${column ?? "a required value"} must not be null`, ...(column ? { field: column } : {}) };
    case "23514": {
      const field = column ?? constrained("_check");
      return { message: `${field ?? "a value"} is outside what is allowed (see the field's description)`, ...(field ? { field } : {}) };
    }
    case "23P01":
      return { message: "this record overlaps an existing one" };
    case "42501":
      if (/row-level security|permission denied for/.test(err.message)) {
        return { message: "permission denied: the record is not yours, or this change is not allowed to you" };
      }
      return null;
    default:
      if (/^23/.test(String(err.code)) && (table || constraint)) return { message: "the change breaks an integrity rule of this record" };
      return null;
  }
}

export function maskError(error: GraphQLError): GraphQLError {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- false positive: tsc needs it for .code/.hint
  const original = error.originalError as (Error & { code?: unknown; hint?: unknown }) | undefined;
  if (original && isTooManyConnections(original)) {
    return new GraphQLError(TOO_MANY_CONNECTIONS_MESSAGE, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: original,
      extensions: { code: TOO_MANY_CONNECTIONS },
    });
  }
  // a subscription cut by a database restart carries the cause in its own message, not always as originalError
  if ((original && isDatabaseUnavailable(original)) || (!original && isDatabaseUnavailable(error))) {
    return new GraphQLError(UNAVAILABLE_MESSAGE, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: original,
      extensions: { code: DATABASE_UNAVAILABLE },
    });
  }
  if (original && typeof original.code === "string" && isUserFacingSqlState(original.code)) {
    const clean = cleanSqlError(original);
    if (clean)
      return passThrough(error, Object.assign(new Error(clean.message), { cause: original }), {
        code: original.code,
        ...(clean.field ? { field: clean.field } : {}),
      });
    return passThrough(error, original, { code: original.code, ...(original.hint ? { hint: original.hint } : {}) });
  }
  // PostGraphile's own "nothing matched" errors for update/delete mutations are safe and useful.
  if (original && /^No values were (updated|deleted) in collection/.test(original.message)) {
    return passThrough(error, original, { code: "NOT_FOUND" });
  }
  // Every refusal carries a code: a message passed on unchanged (grafast's SafeErrors such as "Cannot use 'offset' with
  // 'last'", invalid variable values) is the request's fault; a masked one (logged with a hash) is ours.
  const masked = defaultMaskError(error);
  if (typeof masked.extensions?.code === "string") return masked;
  return new GraphQLError(masked.message, {
    nodes: masked.nodes,
    source: masked.source,
    positions: masked.positions,
    path: masked.path,
    originalError: masked.originalError ?? undefined,
    extensions: { ...masked.extensions, code: masked.message === error.message ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR" },
  });
}

export interface ApiServer {
  app: express.Express;
  httpServer: http.Server;
  pgl: PostGraphileInstance;
  authPool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  config: Config;
  authUrl: string;
  /** Owner connection, needed only for the agent runtime's signed callbacks (AGENT_WEBHOOK_URL). */
  ownerUrl?: string;
  jwt: JwtSettings;
  /**
   * Extra readiness for /readyz beyond the database: the in-process worker's health, or "shutting down".
   * undefined = nothing else to report.
   */
  readiness?: () => ({ ok: boolean; status: string } & Record<string, unknown>) | undefined;
}

/**
 * A GraphQL response with an error saying the database is unavailable is answered HTTP 503 (with Retry-After) instead
 * of 200 (nullable fields may still have come back as null: the answer is not to be trusted), so clients, proxies and load balancers can tell an outage from a bad request.
 */
const DatabaseUnavailableStatusPlugin: GraphileConfig.Plugin = {
  name: "DatabaseUnavailableStatusPlugin",
  version: "0.0.0",
  grafserv: {
    middleware: {
      async processRequest(next) {
        const result = await next();
        if (!result || (result.type !== "buffer" && result.type !== "json")) return result;
        if (result.type === "buffer" && !result.buffer.includes(DATABASE_UNAVAILABLE) && !result.buffer.includes(TOO_MANY_CONNECTIONS))
          return result;
        let body: unknown;
        try {
          body = result.type === "json" ? result.json : JSON.parse(result.buffer.toString("utf8"));
        } catch {
          return result;
        }
        const { errors } = (body ?? {}) as { errors?: Array<{ extensions?: { code?: unknown } }> };
        if (
          !Array.isArray(errors) ||
          !errors.some((e) => e?.extensions?.code === DATABASE_UNAVAILABLE || e?.extensions?.code === TOO_MANY_CONNECTIONS)
        )
          return result;
        return { ...result, statusCode: 503, headers: { ...result.headers, "retry-after": "5" } };
      },
    },
  },
};

/** The bearer token of a websocket connection (connectionParams.authorization), or null. */
function websocketToken(params: Record<string, unknown> | undefined | null): string | null {
  const raw = typeof params?.authorization === "string" ? params.authorization : undefined;
  return raw ? raw.replace(/^Bearer\s+/i, "") : null;
}

/**
 * Every websocket `subscribe` (query, mutation or subscription) counts against the same per-IP
 * and per-user limits as an HTTP request (src/http/rateLimit.ts); over the limit it is refused with
 * RATE_LIMITED before it is parsed.
 */
function makeWebsocketLimitsPlugin(
  admit: RateLimits["admitWebsocketOperation"],
  verify: (t: string) => Promise<VerifiedClaims>,
): GraphileConfig.Plugin {
  return {
    name: "WebsocketLimitsPlugin",
    version: "1.0.0",
    grafserv: {
      middleware: {
        async onSubscribe(next, event) {
          const token = websocketToken(event.ctx.connectionParams);
          const sub = token
            ? await verify(token).then(
                (c) => c.sub,
                () => null,
              )
            : null;
          // graphql-ws's ws adaptor puts the upgrade request in ctx.extra (grafserv reads it there too).
          const { request } = event.ctx.extra as { request: IncomingMessage };
          const refusal = await admit(request, sub);
          return refusal ? [refusal] : next();
        },
      },
    },
  };
}

export function makePreset(opts: {
  authPool: pg.Pool;
  pgSubscriber: PgSubscriber;
  minIntervalSeconds: number;
  visitorRole: string;
  graphiql: boolean;
  limits: Config["limits"];
  verify: (t: string) => Promise<VerifiedClaims>;
  persisted?: PersistedOperationsConfig;
  /** Provisions a websocket user on their first operation, like authMiddleware does over HTTP. */
  provision?: (claims: VerifiedClaims) => Promise<void>;
  /** Counts websocket operations against the HTTP rate limits. */
  admitWebsocketOperation?: RateLimits["admitWebsocketOperation"];
  /** parseSchedule's model fallback (OPENAI_API_KEY set); null offline. */
  scheduleModel?: PromptProvider | null;
}): GraphileConfig.Preset {
  return {
    extends: [PostGraphileAmberPreset, persistedOperationsPreset(opts.persisted ?? { directory: undefined, only: false })],
    plugins: [
      // A query's page, totalCount and nested lists: one snapshot, one pooled connection (src/graphql/transaction.ts).
      makeOneTransactionPerQueryPlugin(opts.authPool),
      ...ProjectPlugins,
      DatabaseUnavailableStatusPlugin,
      makeSchedulingPlugin({
        minIntervalSeconds: opts.minIntervalSeconds,
        maxPreviewCount: opts.limits.maxPreviewCount,
        scheduleModel: opts.scheduleModel ? { provider: opts.scheduleModel, pool: opts.authPool } : null,
      }),
      makeRequestLimitsPlugin(opts.limits),
      makePageSizePlugin(opts.limits),
      ...(opts.admitWebsocketOperation ? [makeWebsocketLimitsPlugin(opts.admitWebsocketOperation, opts.verify)] : []),
    ],
    pgServices: [makePgService({ pool: opts.authPool, pgSubscriber: opts.pgSubscriber, schemas: ["app_public"] })],
    grafast: {
      explain: false,
      async context(requestContext) {
        // `node.req` is set by grafserv's express adaptor and by its plain Node adaptor alike (bench/lib/nodeAdaptorServer.ts);
        // `auth` is what the auth middleware verified.
        const req = (requestContext.expressv4?.req ?? requestContext.node?.req) as { auth?: VerifiedClaims | null } | undefined;
        if (req) return { pgSettings: pgSettingsFor(req.auth, opts.visitorRole) };
        // Websocket (subscriptions): the token travels in connectionParams.
        const token = websocketToken(requestContext.ws?.connectionParams);
        if (!token) return { pgSettings: pgSettingsFor(null, opts.visitorRole) };
        let claims: VerifiedClaims;
        try {
          claims = await opts.verify(token);
        } catch (err) {
          throw new GraphQLError(`invalid token: ${err instanceof AuthError ? err.message : "invalid"}`, {
            extensions: { code: "UNAUTHENTICATED" },
          });
        }
        // A user seen only over the websocket gets their user row and personal account like an HTTP one.
        await opts.provision?.(claims);
        return { pgSettings: pgSettingsFor(claims, opts.visitorRole) };
      },
    },
    grafserv: {
      graphqlPath: "/graphql",
      graphiql: opts.graphiql,
      graphiqlOnGraphQLGET: false,
      graphiqlPath: "/graphiql",
      websockets: true,
      maxRequestLength: opts.limits.maxBodyBytes,
      maskError,
    },
  };
}

export async function startServer(options: ServerOptions): Promise<ApiServer> {
  const { config } = options;
  // connectionTimeoutMillis: an unreachable database answers 503 within seconds instead of hanging requests.
  // plan_cache_mode: PostGraphile runs its SQL as named prepared statements; after 5 runs PostgreSQL may switch to a
  // generic plan that cannot see the tenant (RLS's InitPlan) or the account parameter, and W3's page of a 20,000-task
  // account then sorted the whole account (~50 req/s instead of ~1,400, bench/results/api.txt). Custom plans cost
  // ~0.1-0.3 ms of planning per statement and always get the tenant index.
  const authPool = new pg.Pool({
    connectionString: options.authUrl,
    max: 20,
    connectionTimeoutMillis: 5000,
    options: "-c plan_cache_mode=force_custom_plan",
  });
  authPool.on("error", logPoolError);
  const verify = makeVerifier(options.jwt);
  const provision = makeProvisioner(authPool, config.roles.visitor);

  const app = express();
  app.disable("x-powered-by");
  app.use(requestObservability()); // X-Request-Id, request_id on every log line, HTTP metrics
  if (config.metrics.token && config.metrics.port === undefined) app.get("/metrics", metricsRoute(config.metrics.token));
  if (config.limits.trustProxyHops > 0) app.set("trust proxy", config.limits.trustProxyHops);
  const limiters = rateLimits(config.limits);
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      const { rows } = await authPool.query(
        `select exists (select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                        where n.nspname = 'app_public' and c.relname = 'scheduled_tasks') as migrated`,
      );
      if (!rows[0]?.migrated) return void res.status(503).json({ status: "not migrated" });
    } catch (err) {
      return void res.status(503).json({ status: "database unreachable", ...errorFields(err) });
    }
    const extra = options.readiness?.();
    if (extra && !extra.ok) return void res.status(503).json({ ...extra, status: extra.status });
    res.json({ status: "ready" });
  });
  let ownerPool: pg.Pool | undefined;
  if (config.agent.webhookSecret && options.ownerUrl) {
    ownerPool = new pg.Pool({ connectionString: options.ownerUrl, max: 5 });
    ownerPool.on("error", logPoolError);
    app.use(agentRunHooks({ ownerPool, secret: config.agent.webhookSecret }));
  }
  // Per-IP limit before the token is checked (bad-token floods count too), per-user after.
  // /healthz and /readyz are registered above and never limited.
  app.use("/graphql", limiters.perIp, authMiddleware(verify, provision), limiters.perUser);

  // LISTEN/NOTIFY for subscriptions holds one connection of its own (released on close).
  const subscriberPool = new pg.Pool({ connectionString: options.authUrl, max: 1 });
  subscriberPool.on("error", logPoolError);
  const pgSubscriber = new PgSubscriber(subscriberPool);
  const pgl = postgraphile(
    makePreset({
      authPool,
      pgSubscriber,
      minIntervalSeconds: config.schedule.minIntervalSeconds,
      visitorRole: config.roles.visitor,
      graphiql: config.graphiql,
      limits: config.limits,
      verify,
      persisted: config.persisted,
      provision,
      admitWebsocketOperation: limiters.admitWebsocketOperation,
      // parseSchedule's fallback for words the grammar cannot read: only with a key (offline it answers "ambiguous")
      scheduleModel: config.llm.apiKey
        ? makeOpenAIProvider({
            apiKey: config.llm.apiKey,
            baseURL: config.llm.baseUrl,
            model: config.llm.model,
            timeoutMs: config.llm.timeoutMs,
            maxRetries: config.llm.maxRetries,
          })
        : null,
    }),
  );
  const serv = pgl.createServ(grafserv);
  // The plan's REST routes: named GraphQL operations run through this same grafserv instance (src/http/rest/).
  app.use("/api", restApi({ serv, verify, provision, limiters, maxBodyBytes: config.limits.maxBodyBytes, docs: config.apiDocs }));
  const httpServer = http.createServer(app);
  await serv.addTo(app, httpServer);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (isTooManyConnections(err)) {
      log.warn("request failed: no free database connection (max_connections)", errorFields(err));
      if (!res.headersSent) {
        res
          .status(503)
          .set("retry-after", "5")
          .json({ errors: [{ message: TOO_MANY_CONNECTIONS_MESSAGE, extensions: { code: TOO_MANY_CONNECTIONS } }] });
      }
      return;
    }
    if (isDatabaseUnavailable(err)) {
      log.warn("request failed: database unavailable", errorFields(err));
      if (!res.headersSent) {
        res
          .status(503)
          .set("retry-after", "5")
          .json({ errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: DATABASE_UNAVAILABLE } }] });
      }
      return;
    }
    log.error("request failed", errorFields(err));
    if (!res.headersSent) res.status(500).json({ errors: [{ message: "internal error" }] });
  });

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  return {
    app,
    httpServer,
    pgl,
    authPool,
    url,
    async close() {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      await closed;
      await pgl.release();
      pgSubscriber.release();
      await subscriberPool.end();
      await authPool.end();
      await ownerPool?.end();
    },
  };
}
