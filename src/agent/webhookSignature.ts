/**
 * Stripe-style request signing for the external agent runtime (AGENT_WEBHOOK_URL).
 * Header: `x-agent-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. Several v1 entries may be
 * present (secret rotation); any one matching is enough. The timestamp is signed too, so a captured request cannot be
 * replayed outside the tolerance window.
 *
 * Scheme v2 (required on callbacks, POST /hooks/agent-runs/:id) also signs the method and the path, so a request
 * signed for one run is refused on another: `v2=<hex HMAC-SHA256 of "<t>.<METHOD>.<path>.<raw body>">`, path without
 * query string (e.g. `1700000000.POST./hooks/agent-runs/<agent_run_id>.{"type":…}`).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-agent-signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

const MAX_HEADER_LENGTH = 2048;

function hmac(secret: string, timestamp: number, body: string): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest();
}

/** Returns the header value for `body` (the exact bytes sent, as a string). */
export function signPayload(secret: string, body: string, timestampSeconds?: number): string {
  if (!secret) throw new Error("webhook signing secret must not be empty");
  const t = timestampSeconds ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(t) || t < 0) throw new Error("timestamp must be a non-negative whole number of seconds");
  return `t=${t},v1=${hmac(secret, t, body).toString("hex")}`;
}

type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks a signature header `t=<seconds>,<scheme>=<hex>,…` for one scheme: a well-formed header, a timestamp within the
 * tolerance, and at least one signature of that scheme equal to `expected(t)` (compared in constant time, every
 * candidate, no early exit). Other schemes' entries are ignored, as Stripe does.
 */
function verifyScheme(
  secret: string,
  header: string | undefined,
  scheme: "v1" | "v2",
  expected: (timestamp: number) => Buffer,
  noSignature: string,
  opts: { toleranceSeconds?: number; nowSeconds?: number },
): Verdict {
  if (!secret) return { ok: false, reason: "no signing secret configured" };
  if (header === undefined || header.trim() === "") return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
  if (header.length > MAX_HEADER_LENGTH) return { ok: false, reason: "malformed signature header (too long)" };
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return { ok: false, reason: "malformed signature header" };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (timestamp !== undefined || !/^\d{1,15}$/.test(value)) return { ok: false, reason: "malformed signature header (timestamp)" };
      timestamp = Number(value);
    } else if (key === scheme) {
      if (!/^[0-9a-f]{64}$/i.test(value)) return { ok: false, reason: `malformed signature header (${scheme})` };
      signatures.push(Buffer.from(value, "hex"));
    }
  }
  if (timestamp === undefined) return { ok: false, reason: "malformed signature header (no timestamp)" };
  if (signatures.length === 0) return { ok: false, reason: noSignature };
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (now - timestamp > tolerance) return { ok: false, reason: "timestamp too old (outside tolerance)" };
  if (timestamp - now > tolerance) return { ok: false, reason: "timestamp in the future (outside tolerance)" };
  const want = expected(timestamp);
  let match = false;
  for (const sig of signatures) {
    if (sig.length === want.length && timingSafeEqual(sig, want)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: "signature mismatch" };
}

export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): Verdict {
  return verifyScheme(secret, header, "v1", (t) => hmac(secret, t, body), "malformed signature header (no v1 signature)", opts);
}

export interface SignedRequest {
  method: string;
  /** The request path, e.g. `/hooks/agent-runs/<id>` (no scheme, host or query string). */
  path: string;
  body: string;
}

function hmacV2(secret: string, timestamp: number, req: SignedRequest): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.${req.method.toUpperCase()}.${req.path}.${req.body}`, "utf8").digest();
}

/** Header value with a v2 signature (method + path + timestamp + body), plus v1 (body only) unless `v1: false`. */
export function signRequest(secret: string, req: SignedRequest, timestampSeconds?: number, opts: { v1?: boolean } = {}): string {
  if (!secret) throw new Error("webhook signing secret must not be empty");
  const t = timestampSeconds ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(t) || t < 0) throw new Error("timestamp must be a non-negative whole number of seconds");
  const v2 = `v2=${hmacV2(secret, t, req).toString("hex")}`;
  return opts.v1 === false ? `t=${t},${v2}` : `${signPayload(secret, req.body, t)},${v2}`;
}

/** Verifies a v2 signature (method, path, timestamp and body); v1 entries are ignored. */
export function verifyRequestSignature(
  secret: string,
  req: SignedRequest,
  header: string | undefined,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): Verdict {
  return verifyScheme(
    secret,
    header,
    "v2",
    (t) => hmacV2(secret, t, req),
    "no v2 signature (callbacks must sign method, path, timestamp and body)",
    opts,
  );
}
