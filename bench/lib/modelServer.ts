/**
 * The benchmark's model: a loopback HTTP server speaking OpenAI's streaming chat-completions
 * protocol, in its own process (so it never competes with the worker's event loop). Each request
 * gets its headers at once, then waits the configured latency L and streams a short answer with
 * usage. POST /control {"latencyMs": n} changes L; GET /stats returns {requests, inFlight, peakInFlight}.
 *   node --import tsx bench/lib/modelServer.ts   (prints {"port": n} on stdout when listening)
 */
import http from "node:http";

let latencyMs = Number(process.env.MODEL_LATENCY_MS ?? 5000);
let requests = 0;
let inFlight = 0;
let peakInFlight = 0;
/** When each request arrived (epoch ms), since the last reset: the bench's profile of the client side. */
let arrivals: number[] = [];

function chunk(id: string, delta: object, finish: string | null) {
  return {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: "bench-model",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

const server = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (c) => (raw += String(c)));
  req.on("end", () => {
    if (req.url === "/control") {
      const c = JSON.parse(raw) as { latencyMs?: number; reset?: boolean };
      if (c.latencyMs !== undefined) latencyMs = Number(c.latencyMs);
      if (c.reset) arrivals = [];
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ latencyMs }));
      return;
    }
    if (req.url === "/stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests, inFlight, peakInFlight, arrivals }));
      return;
    }
    requests++;
    inFlight++;
    arrivals.push(Date.now());
    peakInFlight = Math.max(peakInFlight, inFlight);
    const id = `chatcmpl-bench-${requests}`;
    const body = JSON.parse(raw || "{}") as { stream?: boolean };
    const usage = { prompt_tokens: 120, completion_tokens: 12, total_tokens: 132 };
    const done = () => {
      inFlight--;
    };
    res.on("close", done);
    if (!body.stream) {
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id,
            object: "chat.completion",
            created: 0,
            model: "bench-model",
            choices: [{ index: 0, message: { role: "assistant", content: "Done: all good." }, finish_reason: "stop" }],
            usage,
          }),
        );
      }, latencyMs);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(`data: ${JSON.stringify(chunk(id, { role: "assistant", content: "" }, null))}\n\n`);
    setTimeout(() => {
      res.write(`data: ${JSON.stringify(chunk(id, { content: "Done: " }, null))}\n\n`);
      res.write(`data: ${JSON.stringify(chunk(id, { content: "all good." }, null))}\n\n`);
      res.write(`data: ${JSON.stringify(chunk(id, {}, "stop"))}\n\n`);
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: "bench-model", choices: [], usage })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
    }, latencyMs);
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.maxConnections = 100_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + "\n");
});
process.on("SIGTERM", () => process.exit(0));
