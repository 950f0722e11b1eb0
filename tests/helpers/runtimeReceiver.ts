/**
 * A loopback stand-in for the external agent runtime (AGENT_WEBHOOK_URL): records every hand-off (body and signature
 * header) and answers 202. `useRuntimeReceiver()` starts it before the enclosing describe's tests and closes it after.
 */
import http from "node:http";
import { SIGNATURE_HEADER } from "../../src/agent/webhookSignature.js";

export interface RuntimeReceiver {
  /** The URL to hand runs to (set once the receiver listens). */
  url: string;
  received: Array<{ body: string; signature: string | undefined }>;
}

export function useRuntimeReceiver(): RuntimeReceiver {
  const receiver: RuntimeReceiver = { url: "", received: [] };
  let runtime: http.Server;
  beforeAll(async () => {
    runtime = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        receiver.received.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => runtime.listen(0, "127.0.0.1", r));
    receiver.url = `http://127.0.0.1:${(runtime.address() as { port: number }).port}/runs`;
  });
  afterAll(() => new Promise((r) => runtime.close(r)));
  return receiver;
}
