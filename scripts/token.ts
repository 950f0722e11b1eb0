/**
 * Prints a development JWT (HS256) for curl and GraphiQL:
 *   npm run token -- --sub <uuid> [--email a@b.c] [--expires-in 1h]
 * Signs with JWT_SECRET, or the embedded development secret when JWT_SECRET is unset.
 */
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { loadConfig } from "../src/config.js";
import { loadOrCreateSecrets } from "../src/db/embedded.js";
import { setLogLevel } from "../src/logger.js";

const { values } = parseArgs({
  options: {
    sub: { type: "string" },
    email: { type: "string" },
    "expires-in": { type: "string", default: "1h" },
  },
});
const config = loadConfig();
setLogLevel(config.logLevel);
const secret = config.jwt.secret ?? (config.databaseUrl ? undefined : loadOrCreateSecrets(config.embedded.dataDir).jwtSecret);
if (!secret) {
  console.error("JWT_SECRET is not set (tokens for a JWKS issuer must come from that issuer)");
  process.exit(1);
}
const sub = values.sub ?? randomUUID();
let jwt = new SignJWT({ ...(values.email ? { email: values.email } : {}) })
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setSubject(sub)
  .setIssuedAt()
  .setExpirationTime(values["expires-in"]);
if (config.jwt.issuer) jwt = jwt.setIssuer(config.jwt.issuer);
if (config.jwt.audience) jwt = jwt.setAudience(config.jwt.audience);
console.log(await jwt.sign(new TextEncoder().encode(secret)));
