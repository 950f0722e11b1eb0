/**
 * The verified-token cache: a token is checked by jose once, then served from the cache until
 * its `exp` (or the cache's TTL); an expired token stops working even though it was cached;
 * a tampered token is refused however similar it is to a cached one; failures are never cached.
 * The clock is injected (jose's checks use it too), so nothing waits for time to pass.
 */
import crypto from "node:crypto";
import { SignJWT } from "jose";
import { AuthError, CLOCK_TOLERANCE_SECONDS, makeVerifier } from "../../src/http/auth.js";

const SECRET = "a-test-secret-of-at-least-32-bytes-long!!";
const settings = { secret: SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined };
const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

function clock(start = T0) {
  const c = { t: start, now: () => c.t, advance: (ms: number) => void (c.t += ms) };
  return c;
}

const sign = (sub: string, iatMs: number, expMs: number, email = "a@example.com") =>
  new SignJWT({ email })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuedAt(Math.floor(iatMs / 1000))
    .setExpirationTime(Math.floor(expMs / 1000))
    .sign(new TextEncoder().encode(SECRET));

test("the same token is verified once, then served from the cache", async () => {
  const c = clock();
  const verify = makeVerifier(settings, { now: c.now });
  const sub = crypto.randomUUID();
  const token = await sign(sub, T0, T0 + 3_600_000);
  expect(await verify(token)).toEqual({ sub, email: "a@example.com" });
  c.advance(10_000);
  expect(await verify(token)).toEqual({ sub, email: "a@example.com" });
  expect(await verify(token)).toEqual({ sub, email: "a@example.com" });
  expect({ hits: verify.cache.hits, misses: verify.cache.misses, size: verify.cache.size }).toEqual({ hits: 2, misses: 1, size: 1 });
});

test("a cached token stops working after its exp", async () => {
  const c = clock();
  const verify = makeVerifier(settings, { now: c.now });
  const token = await sign(crypto.randomUUID(), T0, T0 + 20_000);
  await verify(token);
  c.advance(19_000);
  await verify(token);
  expect(verify.cache.hits).toBe(1);
  // Past exp the entry is gone; jose decides again (and still allows its clock tolerance)…
  c.advance(2_000);
  await verify(token);
  expect(verify.cache.hits).toBe(1);
  expect(verify.cache.size).toBe(0);
  // …and past the tolerance the token is refused, though it was cached a moment ago.
  c.advance(CLOCK_TOLERANCE_SECONDS * 1000);
  await expect(verify(token)).rejects.toThrow(/"exp" claim timestamp check failed/);
  expect(verify.cache.size).toBe(0);
});

test("entries expire after the TTL even when the token lives longer", async () => {
  const c = clock();
  const verify = makeVerifier(settings, { now: c.now, cacheTtlMs: 60_000 });
  const token = await sign(crypto.randomUUID(), T0, T0 + 3_600_000);
  await verify(token);
  c.advance(59_000);
  await verify(token);
  c.advance(2_000);
  await verify(token);
  expect({ hits: verify.cache.hits, misses: verify.cache.misses }).toEqual({ hits: 1, misses: 2 });
});

test("a tampered token is refused even though a similar one is cached; failures are not cached", async () => {
  const c = clock();
  const verify = makeVerifier(settings, { now: c.now });
  const sub = crypto.randomUUID();
  const token = await sign(sub, T0, T0 + 3_600_000);
  await verify(token);
  const [header, payload, signature] = token.split(".") as [string, string, string];
  // Another subject with the cached token's signature.
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: crypto.randomUUID() })).toString("base64url");
  const forged = `${header}.${forgedPayload}.${signature}`;
  // The cached token with one character of its signature changed.
  const flipped = signature.at(-2) === "A" ? "B" : "A";
  const badSignature = `${header}.${payload}.${signature.slice(0, -2)}${flipped}${signature.at(-1)}`;
  for (const bad of [forged, badSignature, forged]) {
    await expect(verify(bad)).rejects.toThrow(AuthError);
    await expect(verify(bad)).rejects.toThrow(/signature verification failed/);
  }
  expect(verify.cache.size).toBe(1);
  expect(await verify(token)).toEqual({ sub, email: "a@example.com" });
});

test("the cache is bounded, least recently used evicted first", async () => {
  const c = clock();
  const verify = makeVerifier(settings, { now: c.now, cacheEntries: 2 });
  const [a, b, d] = await Promise.all([1, 2, 3].map(() => sign(crypto.randomUUID(), T0, T0 + 3_600_000)));
  await verify(a!);
  await verify(b!);
  await verify(a!); // a is now the most recent
  await verify(d!); // evicts b
  expect(verify.cache.size).toBe(2);
  const before = verify.cache.misses;
  await verify(a!);
  await verify(d!);
  expect(verify.cache.misses).toBe(before);
  await verify(b!);
  expect(verify.cache.misses).toBe(before + 1);
});
