/** `npm run token`: a development JWT signed with the configured secret, accepted by the API's verifier. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { makeVerifier } from "../src/http/auth.js";
import { PROJECT_ROOT } from "../src/config.js";

test("prints a token for --sub/--email that verifies with JWT_SECRET, issuer and audience", async () => {
  const secret = "a-development-secret-of-at-least-32-bytes!";
  const env = { ...process.env, JWT_SECRET: secret, JWT_ISSUER: "https://issuer.test", JWT_AUDIENCE: "sat" };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(PROJECT_ROOT, "scripts/token.ts"),
      "--sub",
      "6f1c1f5e-6a43-4f4c-9d1b-5a0e1c1a2b3c",
      "--email",
      "me@example.com",
    ],
    { env },
  );
  const verify = makeVerifier({ secret, jwksUrl: undefined, issuer: "https://issuer.test", audience: "sat" });
  expect(await verify(stdout.trim())).toEqual({ sub: "6f1c1f5e-6a43-4f4c-9d1b-5a0e1c1a2b3c", email: "me@example.com" });
  await expect(
    makeVerifier({ secret: "another-secret-of-at-least-32-bytes-long", jwksUrl: undefined, issuer: undefined, audience: undefined })(
      stdout.trim(),
    ),
  ).rejects.toThrow(/signature/);
});
