/**
 * JWT handling at the HTTP edge: allow-listed algorithms, required exp, issuer/audience,
 * clock tolerance; every bad token is a 401 JSON error, never a 500.
 */
import http from "node:http";
import crypto from "node:crypto";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import type { ApiServer } from "../../src/http/server.js";
import { gql, signToken, startTestServer } from "../helpers/api.js";

const ME = "{ currentUser { rowId email } }";
let server: ApiServer;
let jwks: http.Server;
let jwksUrl: string;
let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
let es: Awaited<ReturnType<typeof generateKeyPair>>;

beforeAll(async () => {
  rsa = await generateKeyPair("RS256");
  es = await generateKeyPair("ES256");
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: "rsa1", alg: "RS256", use: "sig" },
    { ...(await exportJWK(es.publicKey)), kid: "es1", alg: "ES256", use: "sig" },
  ];
  jwks = http.createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`;
  server = await startTestServer({ JWT_JWKS_URL: jwksUrl, JWT_ISSUER: "https://issuer.test", JWT_AUDIENCE: "sat-api" });
});
afterAll(async () => {
  await server.close();
  await new Promise((r) => jwks.close(r));
});

const base = (sub = crypto.randomUUID()) =>
  new SignJWT({ email: "a@example.com" }).setSubject(sub).setIssuer("https://issuer.test").setAudience("sat-api").setIssuedAt();

async function expect401(token: string, reason: RegExp) {
  const res = await gql(server, ME, {}, token);
  expect(res.status).toBe(401);
  expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  expect(res.errors?.[0]?.message).toMatch(reason);
}

const secret = () => new TextEncoder().encode(process.env.TEST_JWT_SECRET);

test("no token: anonymous, no user", async () => {
  const res = await gql(server, ME);
  expect(res.status).toBe(200);
  expect(res.data?.currentUser).toBeNull();
});

test("HS256 with the secret: the user is provisioned with a personal account", async () => {
  const sub = crypto.randomUUID();
  const token = await base(sub).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(secret());
  const res = await gql(server, "{ currentUser { rowId email } allAccounts { nodes { personalAccount name } } }", {}, token);
  expect(res.errors).toBeUndefined();
  expect(res.data?.currentUser).toEqual({ rowId: sub, email: "a@example.com" });
  expect(res.data?.allAccounts.nodes).toEqual([{ personalAccount: true, name: "a@example.com" }]);
});

test("RS256 and ES256 from the JWKS are accepted", async () => {
  for (const [alg, key, kid] of [
    ["RS256", rsa.privateKey, "rsa1"],
    ["ES256", es.privateKey, "es1"],
  ] as const) {
    const sub = crypto.randomUUID();
    const token = await base(sub).setProtectedHeader({ alg, kid }).setExpirationTime("5m").sign(key);
    const res = await gql(server, ME, {}, token);
    expect(res.status).toBe(200);
    expect(res.data?.currentUser?.rowId).toBe(sub);
  }
});

test("expired beyond the 30 s tolerance → 401; within it → accepted", async () => {
  const now = Math.floor(Date.now() / 1000);
  await expect401(
    await base()
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(now - 60)
      .sign(secret()),
    /exp/,
  );
  const ok = await base()
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(now - 10)
    .sign(secret());
  expect((await gql(server, ME, {}, ok)).status).toBe(200);
});

test("missing exp → 401", async () => {
  await expect401(await base().setProtectedHeader({ alg: "HS256" }).sign(secret()), /exp/);
});

test("alg none → 401", async () => {
  const token = new UnsecuredJWT({ email: "x@y.z" })
    .setSubject(crypto.randomUUID())
    .setIssuer("https://issuer.test")
    .setAudience("sat-api")
    .setExpirationTime("5m")
    .encode();
  await expect401(token, /not accepted/);
});

test("wrong key → 401", async () => {
  const token = await base()
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode("another-secret-that-is-long-enough-123456"));
  await expect401(token, /signature/);
  const other = await generateKeyPair("RS256");
  await expect401(
    await base().setProtectedHeader({ alg: "RS256", kid: "rsa1" }).setExpirationTime("5m").sign(other.privateKey),
    /signature/,
  );
});

test("HS/RS confusion: HS256 signed with the RSA public key → 401", async () => {
  const pem = await exportSPKI(rsa.publicKey);
  const token = await base().setProtectedHeader({ alg: "HS256", kid: "rsa1" }).setExpirationTime("5m").sign(new TextEncoder().encode(pem));
  await expect401(token, /signature/);
});

test("wrong issuer or audience → 401", async () => {
  const t1 = await new SignJWT({})
    .setSubject(crypto.randomUUID())
    .setIssuer("https://evil.test")
    .setAudience("sat-api")
    .setExpirationTime("5m")
    .setProtectedHeader({ alg: "HS256" })
    .sign(secret());
  await expect401(t1, /iss/);
  const t2 = await new SignJWT({})
    .setSubject(crypto.randomUUID())
    .setIssuer("https://issuer.test")
    .setAudience("other")
    .setExpirationTime("5m")
    .setProtectedHeader({ alg: "HS256" })
    .sign(secret());
  await expect401(t2, /aud/);
});

test("sub must be a UUID; garbage and bad headers → 401", async () => {
  const t = await new SignJWT({})
    .setSubject("alice")
    .setIssuer("https://issuer.test")
    .setAudience("sat-api")
    .setExpirationTime("5m")
    .setProtectedHeader({ alg: "HS256" })
    .sign(secret());
  await expect401(t, /sub/);
  await expect401("not-a-jwt", /malformed/);
  const res = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { authorization: "Basic abc", "content-type": "application/json" },
    body: "{}",
  });
  expect(res.status).toBe(401);
});

test("claims other than sub/email never reach the database (role claim is ignored)", async () => {
  const sub = crypto.randomUUID();
  const token = await base(sub).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(secret());
  const evil = await new SignJWT({ role: "postgres", "jwt.claims.sub": "x" })
    .setSubject(sub)
    .setIssuer("https://issuer.test")
    .setAudience("sat-api")
    .setExpirationTime("5m")
    .setProtectedHeader({ alg: "HS256" })
    .sign(secret());
  expect((await gql(server, ME, {}, token)).data?.currentUser?.rowId).toBe(sub);
  const res = await gql(server, "{ allScheduledTasks { totalCount } allAccounts { totalCount } }", {}, evil);
  expect(res.data).toEqual({ allScheduledTasks: { totalCount: 0 }, allAccounts: { totalCount: 1 } });
});

test("signed dev tokens (HS256) work without issuer settings on a default server", async () => {
  const plain = await startTestServer();
  try {
    const res = await gql(plain, ME, {}, await signToken({ sub: crypto.randomUUID() }));
    expect(res.data?.currentUser).not.toBeNull();
  } finally {
    await plain.close();
  }
});
