/**
 * The HTTP side: express + PostGraphile v5 (grafserv) reflecting `app_public`.
 * Every GraphQL request runs as the visitor role with allow-listed claims; RLS decides the rest.
 */
import http from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import pg from "pg";
import { postgraphile, type PostGraphileInstance } from "postgraphile";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService, PgSubscriber } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/express/v4";
import { defaultMaskError } from "postgraphile/grafserv";
import { GraphQLError } from "postgraphile/graphql";
import type { Config } from "./config.js";
import {
  AuthError,
  authMiddleware,
  makeProvisioner,
  makeVerifier,
  pgSettingsFor,
  type JwtSettings,
  type VerifiedClaims,
} from "./auth.js";
import { log, errorFields, logPoolError } from "./logger.js";
import { ProjectPlugins } from "./graphql/plugins.js";
import { makeSchedulingPlugin } from "./graphql/scheduling.js";
import { agentRunHooks } from "./hooks.js";
import { makePageSizePlugin, makeRequestLimitsPlugin } from "./graphql/limits.js";
import { rateLimits } from "./rateLimit.js";

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

export function maskError(error: GraphQLError): GraphQLError {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- false positive: tsc needs it for .code/.hint
  const original = error.originalError as (Error & { code?: unknown; hint?: unknown }) | undefined;
  if (original && typeof original.code === "string" && isUserFacingSqlState(original.code)) {
    return passThrough(error, original, { code: original.code, ...(original.hint ? { hint: original.hint } : {}) });
  }
  // PostGraphile's own "nothing matched" errors for update/delete mutations are safe and useful.
  if (original && /^No values were (updated|deleted) in collection/.test(original.message)) {
    return passThrough(error, original, { code: "NOT_FOUND" });
  }
  return defaultMaskError(error);
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
}

export function makePreset(opts: { authPool: pg.Pool; pgSubscriber: PgSubscriber; minIntervalSeconds: number; visitorRole: string; graphiql: boolean; limits: Config["limits"]; verify: (t: string) => Promise<VerifiedClaims> }): GraphileConfig.Preset {
  return {
    extends: [PostGraphileAmberPreset],
    plugins: [
      ...ProjectPlugins,
      makeSchedulingPlugin({ minIntervalSeconds: opts.minIntervalSeconds, maxPreviewCount: opts.limits.maxPreviewCount }),
      makeRequestLimitsPlugin(opts.limits),
      makePageSizePlugin(opts.limits),
    ],
    pgServices: [makePgService({ pool: opts.authPool, pgSubscriber: opts.pgSubscriber, schemas: ["app_public"] })],
    grafast: {
      explain: false,
      async context(requestContext) {
        const req = requestContext.expressv4?.req;
        if (req) return { pgSettings: pgSettingsFor(req.auth, opts.visitorRole) };
        // Websocket (subscriptions): the token travels in connectionParams.
        const params = requestContext.ws?.connectionParams;
        const raw = typeof params?.authorization === "string" ? params.authorization : undefined;
        if (!raw) return { pgSettings: pgSettingsFor(null, opts.visitorRole) };
        const token = raw.replace(/^Bearer\s+/i, "");
        try {
          return { pgSettings: pgSettingsFor(await opts.verify(token), opts.visitorRole) };
        } catch (err) {
          throw new GraphQLError(`invalid token: ${err instanceof AuthError ? err.message : "invalid"}`, {
            extensions: { code: "UNAUTHENTICATED" },
          });
        }
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
  const authPool = new pg.Pool({ connectionString: options.authUrl, max: 20 });
  authPool.on("error", logPoolError);
  const verify = makeVerifier(options.jwt);
  const provision = makeProvisioner(authPool, config.roles.visitor);

  const app = express();
  app.disable("x-powered-by");
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
      res.json({ status: "ready" });
    } catch (err) {
      res.status(503).json({ status: "database unreachable", ...errorFields(err) });
    }
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
    makePreset({ authPool, pgSubscriber, minIntervalSeconds: config.schedule.minIntervalSeconds, visitorRole: config.roles.visitor, graphiql: config.graphiql, limits: config.limits, verify }),
  );
  const serv = pgl.createServ(grafserv);
  const httpServer = http.createServer(app);
  await serv.addTo(app, httpServer);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
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
