/** Starts the real API (express + PostGraphile) on a free port against the test database. */
import { SignJWT } from "jose";
import { loadConfig } from "../../src/config.js";
import { startServer, type ApiServer } from "../../src/http/server.js";

export async function startTestServer(overrides: Record<string, string | undefined> = {}): Promise<ApiServer> {
  const config = loadConfig({ ...process.env, PORT: "0", GRAPHIQL: "false", ...overrides });
  return startServer({
    config,
    authUrl: process.env.TEST_AUTH_URL!,
    ownerUrl: process.env.TEST_OWNER_URL!,
    jwt: { ...config.jwt, secret: config.jwt.secret ?? process.env.TEST_JWT_SECRET },
  });
}

export async function signToken(
  claims: { sub: string; email?: string; [k: string]: unknown },
  opts: { secret?: string; expiresIn?: string | number } = {},
): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "10m")
    .sign(new TextEncoder().encode(opts.secret ?? process.env.TEST_JWT_SECRET!));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are untyped JSON unless a test passes T
export interface GqlResult<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are untyped JSON unless a test passes T
export async function gql<T = Record<string, any>>(
  server: ApiServer,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GqlResult<T>> {
  const res = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GqlResult<T>, "status">;
  return { status: res.status, ...body };
}
