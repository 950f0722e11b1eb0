/**
 * Per-IP and per-user request limits of the HTTP API (express-rate-limit, in-process memory
 * store: each server process counts on its own). Over the limit: HTTP 429 with Retry-After and a
 * GraphQL-shaped JSON error naming the limit. 0 turns a limit off.
 *
 * The websocket (graphql-transport-ws) counts against the same two counters: every `subscribe`
 * message (a query, mutation or subscription) is one request of its client IP and, when the
 * connection carries a token, one of its user (`admitWebsocketOperation`, called by the grafserv
 * `onSubscribe` middleware in src/http/server.ts). Over the limit the operation is refused with a
 * GraphQL error of code RATE_LIMITED.
 */
import type { IncomingMessage } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import { ipKeyGenerator, MemoryStore, rateLimit } from "express-rate-limit";
import { GraphQLError } from "postgraphile/graphql";
import type { Config } from "../config.js";

function message(setting: string, limit: number, windowSeconds: number, who: string, retryAfter: number): string {
  return `rate limit exceeded: at most ${limit} requests per ${windowSeconds} s per ${who} (${setting}); retry after ${retryAfter} s`;
}

function refuse(setting: string, limit: number, windowSeconds: number, who: string) {
  return (_req: Request, res: Response) => {
    const retryAfter = Number(res.getHeader("Retry-After")) || windowSeconds;
    res.status(429).json({
      errors: [
        {
          message: message(setting, limit, windowSeconds, who, retryAfter),
          extensions: { code: "RATE_LIMITED", limit: setting, max: limit, windowSeconds, retryAfterSeconds: retryAfter },
        },
      ],
    });
  };
}

const pass: RequestHandler = (_req, _res, next) => next();

/**
 * The client address of a websocket upgrade request, the way express computes `req.ip` with
 * `trust proxy` set to a number of hops: the socket's address, then X-Forwarded-For from the
 * right, trusting `hops` proxies.
 */
export function websocketClientIp(request: IncomingMessage, trustProxyHops: number): string {
  const chain = [request.socket.remoteAddress ?? ""];
  if (trustProxyHops > 0) {
    const forwarded = request.headers["x-forwarded-for"];
    const list = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? ""))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    chain.push(...list.reverse());
  }
  return chain[Math.min(trustProxyHops, chain.length - 1)]!;
}

export interface RateLimits {
  perIp: RequestHandler;
  perUser: RequestHandler;
  /** Counts one websocket operation; the refusal when its IP or user is over the limit, else null. */
  admitWebsocketOperation: (request: IncomingMessage, sub: string | null) => Promise<GraphQLError | null>;
}

export function rateLimits(limits: Config["limits"]): RateLimits {
  const windowMs = limits.rateLimitWindowSeconds * 1000;
  const windowSeconds = limits.rateLimitWindowSeconds;
  const common = { windowMs, standardHeaders: "draft-7" as const, legacyHeaders: false };
  // One store per limit, shared by the HTTP middleware and the websocket admission.
  const ipStore = new MemoryStore();
  const userStore = new MemoryStore();
  const perIp =
    limits.rateLimitPerIp > 0
      ? rateLimit({
          ...common,
          store: ipStore,
          limit: limits.rateLimitPerIp,
          handler: refuse("RATE_LIMIT_PER_IP", limits.rateLimitPerIp, windowSeconds, "client IP address"),
        })
      : pass;
  const perUser =
    limits.rateLimitPerUser > 0
      ? rateLimit({
          ...common,
          store: userStore,
          limit: limits.rateLimitPerUser,
          skip: (req) => !req.auth,
          keyGenerator: (req) => `user:${req.auth!.sub}`,
          handler: refuse("RATE_LIMIT_PER_USER", limits.rateLimitPerUser, windowSeconds, "signed-in user"),
        })
      : pass;

  const over = async (store: MemoryStore, key: string, limit: number, setting: string, who: string): Promise<GraphQLError | null> => {
    if (limit <= 0) return null;
    const { totalHits, resetTime } = await store.increment(key);
    if (totalHits <= limit) return null;
    const retryAfter = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : windowSeconds;
    return new GraphQLError(message(setting, limit, windowSeconds, who, retryAfter), {
      extensions: { code: "RATE_LIMITED", limit: setting, max: limit, windowSeconds, retryAfterSeconds: retryAfter },
    });
  };

  return {
    perIp,
    perUser,
    async admitWebsocketOperation(request, sub) {
      // The key express-rate-limit's default keyGenerator gives the same address over HTTP.
      const ip = ipKeyGenerator(websocketClientIp(request, limits.trustProxyHops));
      return (
        (await over(ipStore, ip, limits.rateLimitPerIp, "RATE_LIMIT_PER_IP", "client IP address")) ??
        (sub ? await over(userStore, `user:${sub}`, limits.rateLimitPerUser, "RATE_LIMIT_PER_USER", "signed-in user") : null)
      );
    },
  };
}
