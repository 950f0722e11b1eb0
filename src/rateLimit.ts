/**
 * Per-IP and per-user request limits of the HTTP API (express-rate-limit, in-process memory
 * store: each server process counts on its own). Over the limit: HTTP 429 with Retry-After and a
 * GraphQL-shaped JSON error naming the limit. 0 turns a limit off.
 */
import type { Request, RequestHandler, Response } from "express";
import { rateLimit } from "express-rate-limit";
import type { Config } from "./config.js";

function refuse(setting: string, limit: number, windowSeconds: number, who: string) {
  return (_req: Request, res: Response) => {
    const retryAfter = Number(res.getHeader("Retry-After")) || windowSeconds;
    res.status(429).json({
      errors: [
        {
          message: `rate limit exceeded: at most ${limit} requests per ${windowSeconds} s per ${who} (${setting}); retry after ${retryAfter} s`,
          extensions: { code: "RATE_LIMITED", limit: setting, max: limit, windowSeconds, retryAfterSeconds: retryAfter },
        },
      ],
    });
  };
}

const pass: RequestHandler = (_req, _res, next) => next();

export function rateLimits(limits: Config["limits"]): { perIp: RequestHandler; perUser: RequestHandler } {
  const windowMs = limits.rateLimitWindowSeconds * 1000;
  const common = { windowMs, standardHeaders: "draft-7" as const, legacyHeaders: false };
  const perIp =
    limits.rateLimitPerIp > 0
      ? rateLimit({
          ...common,
          limit: limits.rateLimitPerIp,
          handler: refuse("RATE_LIMIT_PER_IP", limits.rateLimitPerIp, limits.rateLimitWindowSeconds, "client IP address"),
        })
      : pass;
  const perUser =
    limits.rateLimitPerUser > 0
      ? rateLimit({
          ...common,
          limit: limits.rateLimitPerUser,
          skip: (req) => !req.auth,
          keyGenerator: (req) => `user:${req.auth!.sub}`,
          handler: refuse("RATE_LIMIT_PER_USER", limits.rateLimitPerUser, limits.rateLimitWindowSeconds, "signed-in user"),
        })
      : pass;
  return { perIp, perUser };
}
