/**
 * Per-request observability for the express app (first middleware in src/http/server.ts):
 * - a request id: the caller's X-Request-Id when it is sane (1-128 of [A-Za-z0-9._:-]), else a new UUID; returned in
 *   the X-Request-Id response header and carried as `request_id` by every log line written while the request is
 *   handled (AsyncLocalStorage, src/logger.ts withLogContext);
 * - sat_http_requests_total / sat_http_request_duration_seconds by route template, never by raw path;
 * - one "request completed" line (debug for /healthz, /readyz, /metrics).
 * And the API port's GET /metrics, when METRICS_TOKEN is set and METRICS_PORT is not (src/metrics.ts).
 */
import crypto from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { log, withLogContext } from "../logger.js";
import { httpRequestDuration, httpRequests, metricsAuthorized, writeMetrics } from "../metrics.js";

export const REQUEST_ID_HEADER = "X-Request-Id";
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id to use for an incoming header value. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

const FIXED_ROUTES = new Set(["/graphql", "/graphiql", "/healthz", "/readyz", "/metrics"]);
const QUIET_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);
const KNOWN_PATTERNS: Array<[RegExp, string]> = [[/^\/hooks\/agent-runs\/[^/]+\/?$/, "/hooks/agent-runs/:id"]];

/**
 * A low-cardinality label for the request's route: express's matched route template (with the literal mount path of
 * its router), a known template, "unmatched" for a 404 that matched no route, "other" otherwise.
 */
export function routeLabel(req: Request, status: number): string {
  const path = (req.originalUrl || req.url).split("?")[0]!.replace(/\/+$/, "") || "/";
  if (FIXED_ROUTES.has(path)) return path;
  for (const [re, template] of KNOWN_PATTERNS) if (re.test(path)) return template;
  const routePath: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof routePath === "string") {
    // express restores req.baseUrl when a router returns: rebuild the mount prefix from the path's leading segments
    const segments = path.split("/").filter(Boolean);
    const routeSegments = routePath.split("/").filter(Boolean);
    const mount = segments.slice(0, Math.max(segments.length - routeSegments.length, 0));
    return `${mount.length ? "/" + mount.join("/") : ""}${routePath}` || "/";
  }
  return status === 404 ? "unmatched" : "other";
}

export function requestObservability(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdFrom(req.header(REQUEST_ID_HEADER));
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const t0 = process.hrtime.bigint();
    let done = false;
    const end = (aborted: boolean) => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const status = aborted && !res.headersSent ? 499 : res.statusCode;
      const route = routeLabel(req, status);
      httpRequests.inc({ method: req.method, route, status: String(status) });
      httpRequestDuration.observe({ method: req.method, route }, seconds);
      const fields = { request_id: requestId, method: req.method, route, status, duration_ms: Math.round(seconds * 1000) };
      if (status >= 500) log.warn("request completed", fields);
      else if (QUIET_ROUTES.has(route)) log.debug("request completed", fields);
      else log.info("request completed", fields);
    };
    res.once("finish", () => end(false));
    res.once("close", () => end(true));
    withLogContext({ request_id: requestId }, () => next());
  };
}

/** GET /metrics on the API port, behind `Authorization: Bearer <token>`. */
export function metricsRoute(token: string): RequestHandler {
  return (req, res) => {
    if (!metricsAuthorized(req.header("authorization"), token)) {
      return void res.status(401).set("www-authenticate", 'Bearer realm="metrics"').type("text/plain").send("unauthorized\n");
    }
    void writeMetrics(res);
  };
}
