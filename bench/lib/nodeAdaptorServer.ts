/**
 * bench/api.ts's "no express" variant: the API's own PostGraphile preset (src/http/server.ts makePreset,
 * same pool settings, same verifier and provisioning) served by grafserv's plain Node adaptor on a
 * bare node:http server. Only /graphql (POST) and /readyz; no request ids, metrics, logs or rate
 * limits: what express and those middlewares cost at most, measured against `src/main.ts server`.
 *
 * Env: AUTH_DATABASE_URL, JWT_SECRET, DATABASE_VISITOR (+ the server's usual env), PORT.
 */
import http from "node:http";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { PgSubscriber } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { AuthError, makeProvisioner, makeVerifier, type VerifiedClaims } from "../../src/http/auth.js";
import { loadConfig } from "../../src/config.js";
import { makePreset } from "../../src/http/server.js";

const config = loadConfig(process.env);
const authUrl = process.env.AUTH_DATABASE_URL!;
const authPool = new pg.Pool({
  connectionString: authUrl,
  max: 20,
  connectionTimeoutMillis: 5000,
  options: "-c plan_cache_mode=force_custom_plan",
});
authPool.on("error", () => undefined);
const subscriberPool = new pg.Pool({ connectionString: authUrl, max: 1 });
subscriberPool.on("error", () => undefined);
const verify = makeVerifier(config.jwt);
const provision = makeProvisioner(authPool, config.roles.visitor);
const pgl = postgraphile(
  makePreset({
    authPool,
    pgSubscriber: new PgSubscriber(subscriberPool),
    minIntervalSeconds: config.schedule.minIntervalSeconds,
    visitorRole: config.roles.visitor,
    graphiql: false,
    limits: config.limits,
    verify,
    persisted: config.persisted,
  }),
);
const serv = pgl.createServ(grafserv);
const handler = serv.createHandler();

function reject(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ message }] }));
}

const server = http.createServer((req, res) => {
  if (req.url === "/readyz") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ready"}');
  if (req.url !== "/graphql") return reject(res, 404, "not found");
  const header = req.headers.authorization;
  const match = header ? /^Bearer ([A-Za-z0-9_\-.=]+)$/.exec(header) : null;
  if (header && !match) return reject(res, 401, "Authorization header must be 'Bearer <token>'");
  void (async () => {
    let claims: VerifiedClaims | null = null;
    if (match) {
      try {
        claims = await verify(match[1]!);
        await provision(claims);
      } catch (err) {
        return reject(res, err instanceof AuthError ? 401 : 500, err instanceof Error ? err.message : "error");
      }
    }
    (req as http.IncomingMessage & { auth?: VerifiedClaims | null }).auth = claims;
    handler(req, res);
  })();
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1");
process.on("SIGTERM", () => {
  server.close();
  void Promise.resolve(pgl.release()).finally(() => process.exit(0));
});
