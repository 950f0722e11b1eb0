/**
 * Outgoing webhooks (docs/notifications.md): Standard Webhooks signatures and headers, the Slack-compatible body, and
 * a POST that cannot be turned against the service's own network (SSRF): the host is resolved once, every address is
 * checked (loopback, private, link-local, cloud metadata, CGNAT, multicast, reserved — IPv4, IPv6 and IPv4-mapped),
 * and the connection goes to the address that was checked (no second resolution a rebinding DNS could answer
 * differently). Only hosts the operator lists in WEBHOOK_ALLOWED_HOSTS skip the check. Redirects are not followed;
 * the whole request is bounded by WEBHOOK_TIMEOUT_MS and at most WEBHOOK_MAX_RESPONSE_BYTES of the answer are read.
 */
import { createHmac } from "node:crypto";
import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";

/** The Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 over `id.timestamp.body`, keyed by the secret's bytes. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

const blocked = new net.BlockList();
for (const [net4, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net4, prefix, "ipv4");
}
for (const [net6, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96], // NAT64 (embeds IPv4)
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7], // unique local (incl. fd00:ec2::254, AWS metadata over IPv6)
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(net6, prefix, "ipv6");
}

/** Why an address may not be called, or null. IPv4-mapped IPv6 addresses are judged by their IPv4 address. */
export function blockedAddressReason(address: string): string | null {
  const family = net.isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 6) {
    const mapped = /^::ffff:(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blockedAddressReason(mapped[1]!);
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hex) {
      const n = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16);
      return blockedAddressReason([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."));
    }
  }
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6")
    ? `${address} is a loopback, private, link-local, metadata or reserved address (allow the host with WEBHOOK_ALLOWED_HOSTS)`
    : null;
}

export interface WebhookTarget {
  url: string;
  /** Hosts (lower case) that may resolve to any address. */
  allowedHosts: readonly string[];
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface WebhookResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** false when trying again cannot help (a refused address, a malformed URL). */
  retryable: boolean;
}

/** The address to connect to for a URL's host, checked; throws a non-retryable error when refused. */
export async function resolveTarget(url: URL, allowedHosts: readonly string[]): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const allowed = allowedHosts.includes(host);
  const literal = net.isIP(host);
  const addresses = literal ? [{ address: host, family: literal }] : await dns.lookup(host, { all: true, verbatim: true });
  if (addresses.length === 0) throw new Error(`${host} did not resolve`);
  if (!allowed) {
    for (const a of addresses) {
      const why = blockedAddressReason(a.address);
      if (why) throw Object.assign(new Error(`refused: ${host} resolves to ${why}`), { refused: true });
    }
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** POSTs `body` with `headers` to the target; never throws. */
export async function postWebhook(target: WebhookTarget, headers: Record<string, string>, body: string): Promise<WebhookResult> {
  let url: URL;
  try {
    url = new URL(target.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`unsupported scheme ${url.protocol}`);
    if (url.username || url.password) throw new Error("credentials in the URL are not allowed");
  } catch (err) {
    return { ok: false, status: null, error: `bad url: ${(err as Error).message}`, retryable: false };
  }
  const deadline = AbortSignal.timeout(target.timeoutMs);
  let resolved: { address: string; family: 4 | 6 };
  try {
    resolved = await resolveTarget(url, target.allowedHosts);
  } catch (err) {
    const e = err as Error & { refused?: boolean };
    return { ok: false, status: null, error: e.message, retryable: !e.refused };
  }
  const lib = url.protocol === "https:" ? https : http;
  return new Promise<WebhookResult>((resolve) => {
    let settled = false;
    const done = (r: WebhookResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const req = lib.request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "scheduled-agent-tasks-webhooks/1",
          ...headers,
        },
        signal: deadline,
        // connect to the checked address; TLS still verifies the certificate against the URL's host name
        lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (opts?.all) cb(null, [{ address: resolved.address, family: resolved.family }]);
          else cb(null, resolved.address, resolved.family);
        }) as unknown as net.LookupFunction,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > target.maxResponseBytes) res.destroy(); // the status is all we need; do not read a huge answer
        });
        const finish = () => {
          const ok = status >= 200 && status < 300;
          done({
            ok,
            status,
            error: ok ? null : status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`,
            retryable: true,
          });
        };
        res.on("end", finish);
        res.on("close", finish);
        res.on("error", finish);
      },
    );
    req.on("error", (err) => {
      const timedOut = deadline.aborted;
      done({ ok: false, status: null, error: timedOut ? `timed out after ${target.timeoutMs} ms` : err.message, retryable: true });
    });
    req.end(body);
  });
}

export interface WebhookEvent {
  delivery_id: string;
  type: string;
  created_at: string;
  format: "standard" | "slack";
  data: Record<string, unknown> & { title?: string; summary?: string; diff?: string | null };
}

/** The body an endpoint receives: Standard Webhooks' `{type, timestamp, data}`, or a Slack incoming-webhook `{text}`. */
export function webhookBody(event: WebhookEvent): string {
  if (event.format === "slack") {
    const diff = event.data.diff ? `\n\`\`\`\n${String(event.data.diff).slice(0, 2500)}\n\`\`\`` : "";
    return JSON.stringify({ text: `*${event.data.title ?? event.type}*\n${event.data.summary ?? ""}${diff}` });
  }
  return JSON.stringify({ type: event.type, timestamp: new Date(event.created_at).toISOString(), data: event.data });
}

/** The Standard Webhooks headers of one attempt. */
export function webhookHeaders(secret: string, id: string, body: string, now = new Date()): Record<string, string> {
  const ts = Math.floor(now.getTime() / 1000);
  return { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signWebhook(secret, id, ts, body) };
}
