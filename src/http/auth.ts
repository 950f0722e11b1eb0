/**
 * JWT verification with jose. Algorithms are allow-listed per key type so that a
 * token can never pick how it is checked: HS256 only against JWT_SECRET, RS256/ES256
 * only against the JWKS. `exp` and `sub` (a UUID) are required.
 *
 * Verified tokens are cached (see VerifiedTokenCache): a client sends the same token on
 * every request until it expires, and checking its signature again is pure cost.
 */
import crypto from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import type pg from "pg";
import { log } from "../logger.js";

export const HS_ALGORITHMS = ["HS256"] as const;
export const ASYMMETRIC_ALGORITHMS = ["RS256", "ES256"] as const;
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface VerifiedClaims {
  sub: string;
  email: string | undefined;
}

export interface JwtSettings {
  secret: string | undefined;
  jwksUrl: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
}

export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthError";
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Verifier = (token: string) => Promise<VerifiedClaims>;

/** Cache sizing; 0 entries turns the cache off. */
export const TOKEN_CACHE_ENTRIES = 10_000;
export const TOKEN_CACHE_TTL_MS = 60_000;

/**
 * Tokens that passed verification, keyed by the SHA-256 of the token string (the token
 * itself is never kept), least recently used evicted first. An entry lives until the
 * token's `exp` (without the clock tolerance jose allows; a token in that grace period is
 * simply verified again) and at most `ttlMs`, so a key removed from the JWKS stops being
 * honoured within `ttlMs`. Only successes are stored: a tampered or otherwise different
 * token string has a different key and goes through jose.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { claims: VerifiedClaims; expiresAt: number }>();
  hits = 0;
  misses = 0;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
  ) {}

  static keyOf(token: string): string {
    return crypto.createHash("sha256").update(token).digest("base64url");
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): VerifiedClaims | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now) {
      this.hits++;
      this.entries.delete(key); // re-insert: Map order is recency order
      this.entries.set(key, entry);
      return entry.claims;
    }
    if (entry) this.entries.delete(key);
    this.misses++;
    return undefined;
  }

  set(key: string, claims: VerifiedClaims, expSeconds: number, now: number): void {
    const expiresAt = Math.min(expSeconds * 1000, now + this.ttlMs);
    if (this.maxEntries <= 0 || expiresAt <= now) return;
    this.entries.delete(key);
    this.entries.set(key, { claims, expiresAt });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}

export interface VerifierOptions {
  cacheEntries?: number;
  cacheTtlMs?: number;
  /** The clock, for jose's checks and the cache's expiry (tests move it). */
  now?: () => number;
}

export function makeVerifier(settings: JwtSettings, options: VerifierOptions = {}): Verifier & { cache: VerifiedTokenCache } {
  const now = options.now ?? Date.now;
  const cache = new VerifiedTokenCache(options.cacheEntries ?? TOKEN_CACHE_ENTRIES, options.cacheTtlMs ?? TOKEN_CACHE_TTL_MS);
  const hsKey = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  const jwks = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : undefined;
  const common = () => ({
    currentDate: new Date(now()),
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ["exp", "sub"],
  });
  const verifyWithJose = async (token: string): Promise<{ claims: VerifiedClaims; exp: number }> => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthError("malformed token");
    }
    let payload: JWTPayload;
    try {
      if (alg === "HS256" && hsKey) {
        ({ payload } = await jwtVerify(token, hsKey, { ...common(), algorithms: [...HS_ALGORITHMS] }));
      } else if ((alg === "RS256" || alg === "ES256") && jwks) {
        ({ payload } = await jwtVerify(token, jwks, { ...common(), algorithms: [...ASYMMETRIC_ALGORITHMS] }));
      } else {
        throw new AuthError(`token algorithm ${JSON.stringify(alg ?? null)} is not accepted`);
      }
    } catch (err) {
      if (err instanceof AuthError) throw err;
      // jose's messages say what failed ("\"exp\" claim timestamp check failed", "signature verification failed")
      throw new AuthError(err instanceof Error ? err.message : "invalid token");
    }
    if (typeof payload.sub !== "string" || !UUID.test(payload.sub)) {
      throw new AuthError('"sub" claim must be a UUID');
    }
    const email = typeof payload.email === "string" ? payload.email : undefined;
    // requiredClaims made jose check that exp is present and a number
    return { claims: Object.freeze({ sub: payload.sub.toLowerCase(), email }), exp: payload.exp! };
  };
  const verify = async (token: string): Promise<VerifiedClaims> => {
    const key = VerifiedTokenCache.keyOf(token);
    const cached = cache.get(key, now());
    if (cached) return cached;
    const { claims, exp } = await verifyWithJose(token);
    cache.set(key, claims, exp, now());
    return claims;
  };
  return Object.assign(verify, { cache });
}

declare module "express-serve-static-core" {
  interface Request {
    /** Set by the auth middleware: the verified claims, or null for anonymous requests. */
    auth?: VerifiedClaims | null;
  }
}

/** Claims allowed into the database session; nothing else from a token reaches Postgres. */
export function pgSettingsFor(claims: VerifiedClaims | null | undefined, visitorRole: string): Record<string, string> {
  const settings: Record<string, string> = { role: visitorRole };
  if (claims) {
    settings["jwt.claims.sub"] = claims.sub;
    if (claims.email) settings["jwt.claims.email"] = claims.email;
  }
  return settings;
}

/**
 * Creates the user row and personal account the first time a subject is seen.
 * Runs as the visitor with the verified claims; the SQL reads the subject from them.
 */
export function makeProvisioner(authPool: pg.Pool, visitorRole: string) {
  const seen = new Set<string>();
  return async (claims: VerifiedClaims): Promise<void> => {
    if (seen.has(claims.sub)) return;
    const client = await authPool.connect();
    try {
      await client.query("begin");
      await client.query("select set_config(key, value, true) from json_each_text($1::json)", [
        JSON.stringify(pgSettingsFor(claims, visitorRole)),
      ]);
      await client.query("select app_hidden.provision_current_user()");
      await client.query("commit");
    } catch (err) {
      await client.query("rollback").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    if (seen.size > 100_000) seen.clear();
    seen.add(claims.sub);
  };
}

export function sendAuthError(res: Response, message: string): void {
  res
    .status(401)
    .set("WWW-Authenticate", 'Bearer error="invalid_token"')
    .json({
      errors: [{ message: `invalid token: ${message}`, extensions: { code: "UNAUTHENTICATED" } }],
    });
}

/** Express middleware: no token → anonymous; a bad token → 401 JSON, never a 500. */
export function authMiddleware(verify: Verifier, provision: (c: VerifiedClaims) => Promise<void>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header) {
      req.auth = null;
      return next();
    }
    const match = /^Bearer ([A-Za-z0-9_\-.=]+)$/.exec(header);
    if (!match) return sendAuthError(res, "Authorization header must be 'Bearer <token>'");
    let claims: VerifiedClaims;
    try {
      claims = await verify(match[1]!);
    } catch (err) {
      const message = err instanceof AuthError ? err.message : "invalid token";
      log.info("rejected token", { reason: message });
      return sendAuthError(res, message);
    }
    try {
      await provision(claims);
    } catch (err) {
      return next(err);
    }
    req.auth = claims;
    next();
  };
}
