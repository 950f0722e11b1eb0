/**
 * A loopback HTTP server speaking the OpenAI chat-completions protocol, for driving the real `openai` SDK in tests.
 * Responses come from, in order: the enqueue() queue, the `responder` hook, a default echo reply.
 */
import { createHash } from "node:crypto";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FakeResponse =
  | { kind: "text"; text: string; usage?: FakeUsage; finishReason?: "stop" | "length" | "content_filter" }
  | { kind: "status"; status: number; body?: object; headers?: Record<string, string> }
  /** Waits `ms` before answering with the default reply (make it longer than the client timeout). */
  | { kind: "hang"; ms: number }
  /** 200 with a JSON content-type and an invalid JSON body (default) or `{}`. */
  | { kind: "malformed"; body?: "invalid-json" | "empty-object" }
  | { kind: "contextLength" }
  /**
   * Text deltas; streamed when the request has stream: true, otherwise joined into one completion.
   * delayMs: wait this long before each SSE event after the headers (a slow stream, for abort / stall tests).
   */
  | { kind: "stream"; chunks: string[]; usage?: FakeUsage; delayMs?: number }
  /**
   * Sends the headers and the first `afterChunks` text deltas (or, without stream: true, half of the JSON body),
   * then resets the connection: what a proxy cutting a long stream looks like to the client.
   */
  | { kind: "reset"; chunks?: string[]; afterChunks?: number }
  /** One function tool call (arguments as a JSON string or an object to stringify). */
  | { kind: "toolCall"; name: string; arguments: string | object; id?: string; usage?: FakeUsage };

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }>;
  max_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatRequestBody;
  /** Date.now() when the request's body had arrived. */
  at: number;
}

const CONTEXT_LENGTH_BODY = {
  error: {
    message:
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
    type: "invalid_request_error",
    param: "messages",
    code: "context_length_exceeded",
  },
};

export class FakeOpenAI {
  readonly requests: RecordedRequest[] = [];
  /** Server-sent events written so far by slow (delayMs) streams: lets a test act mid-stream without sleeping. */
  streamedEvents = 0;
  /** Dynamic replies, consulted when the queue is empty; return undefined to fall through to the default. */
  responder?: (body: ChatRequestBody) => FakeResponse | undefined;
  private readonly queue: FakeResponse[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private seq = 0;

  /** retryAfterMs: `retry-after-ms` sent with 429/5xx so SDK retries are fast in tests (null = send none). */
  constructor(private readonly opts: { retryAfterMs?: number | null } = {}) {}

  enqueue(...responses: FakeResponse[]): this {
    this.queue.push(...responses);
    return this;
  }

  async start(): Promise<{ baseURL: string }> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return { baseURL: `http://127.0.0.1:${port}/v1` };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method !== "POST" || !/^(\/v1)?\/chat\/completions$/.test(path)) {
      return json(res, 404, {
        error: { message: `Unknown request URL: ${req.method} ${path}`, type: "invalid_request_error", code: "unknown_url" },
      });
    }
    let body: ChatRequestBody;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      return json(res, 400, {
        error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error", code: null },
      });
    }
    this.requests.push({ method: req.method, path, headers: req.headers, body, at: Date.now() });
    this.respond(body, this.queue.shift() ?? this.responder?.(body) ?? this.defaultReply(body), req, res);
  }

  private respond(body: ChatRequestBody, r: FakeResponse, req: IncomingMessage, res: ServerResponse): void {
    const id = `chatcmpl-fake-${++this.seq}`;
    switch (r.kind) {
      case "hang": {
        const t = setTimeout(() => {
          this.timers.delete(t);
          if (!res.destroyed) this.respond(body, this.defaultReply(body), req, res);
        }, r.ms);
        this.timers.add(t);
        return;
      }
      case "status": {
        const own = Object.keys(r.headers ?? {}).some((h) => /^retry-after(-ms)?$/i.test(h));
        const retry = (r.status === 429 || r.status >= 500) && this.opts.retryAfterMs !== null && !own;
        const headers = { ...(retry ? { "retry-after-ms": String(this.opts.retryAfterMs ?? 5) } : {}), ...r.headers };
        return json(res, r.status, r.body ?? defaultErrorBody(r.status, req.headers.authorization), headers);
      }
      case "contextLength":
        return json(res, 400, CONTEXT_LENGTH_BODY);
      case "malformed":
        res.writeHead(200, { "content-type": "application/json", "x-request-id": id });
        res.end(r.body === "empty-object" ? "{}" : '{"id": "chatcmpl-broken", "choices": [');
        return;
      case "reset":
        return this.reset(body, id, res, r.chunks ?? ["Partial ", "answer ", "that never ", "finishes."], r.afterChunks ?? 2);
      case "text":
        return this.completion(body, id, res, { content: r.text }, r.finishReason ?? "stop", r.usage, [r.text]);
      case "stream":
        return this.completion(body, id, res, { content: r.chunks.join("") }, "stop", r.usage, r.chunks, r.delayMs ?? 0);
      case "toolCall": {
        const args = typeof r.arguments === "string" ? r.arguments : JSON.stringify(r.arguments);
        const call = { id: r.id ?? `call_fake_${this.seq}`, type: "function" as const, name: r.name, arguments: args };
        return this.completion(body, id, res, { toolCall: call }, "tool_calls", r.usage, []);
      }
    }
  }

  /** Writes a chat.completion, or the equivalent chat.completion.chunk SSE stream when the request asked for stream: true. */
  private completion(
    body: ChatRequestBody,
    id: string,
    res: ServerResponse,
    out: { content?: string; toolCall?: { id: string; type: "function"; name: string; arguments: string } },
    finishReason: string,
    usage: FakeUsage | undefined,
    deltas: string[],
    delayMs = 0,
  ): void {
    const u = usage ?? estimateUsage(body, out.content ?? out.toolCall?.arguments ?? "");
    const created = Math.floor(Date.now() / 1000);
    const base = { id, created, model: body.model, system_fingerprint: "fp_fake" };
    const tc = out.toolCall;
    if (!body.stream) {
      const message = tc
        ? {
            role: "assistant",
            content: null,
            refusal: null,
            tool_calls: [{ id: tc.id, type: tc.type, function: { name: tc.name, arguments: tc.arguments } }],
          }
        : { role: "assistant", content: out.content ?? "", refusal: null };
      return json(
        res,
        200,
        { ...base, object: "chat.completion", choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }], usage: u },
        { "x-request-id": id },
      );
    }

    const withUsage = body.stream_options?.include_usage === true;
    const chunk = (delta: object, finish: string | null) => ({
      ...base,
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(withUsage ? { usage: null } : {}),
    });
    const events: object[] = [];
    if (tc) {
      events.push(
        chunk(
          {
            role: "assistant",
            content: null,
            tool_calls: [{ index: 0, id: tc.id, type: "function", function: { name: tc.name, arguments: "" } }],
          },
          null,
        ),
      );
      const step = Math.max(1, Math.ceil(tc.arguments.length / 3));
      for (let i = 0; i < tc.arguments.length; i += step) {
        events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: tc.arguments.slice(i, i + step) } }] }, null));
      }
    } else {
      events.push(chunk({ role: "assistant", content: "", refusal: null }, null));
      for (const d of deltas) events.push(chunk({ content: d }, null));
    }
    events.push(chunk({}, finishReason));
    if (withUsage) events.push({ ...base, object: "chat.completion.chunk", choices: [], usage: u });

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-request-id": id });
    if (delayMs <= 0) {
      for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
      res.end("data: [DONE]\n\n");
      return;
    }
    res.flushHeaders();
    const lines = [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), "data: [DONE]\n\n"];
    const next = (i: number) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (res.destroyed) return;
        this.streamedEvents++;
        if (i === lines.length - 1) return void res.end(lines[i]);
        res.write(lines[i]);
        next(i + 1);
      }, delayMs);
      this.timers.add(t);
    };
    next(0);
  }

  private reset(body: ChatRequestBody, id: string, res: ServerResponse, chunks: string[], afterChunks: number): void {
    const base = { id, created: Math.floor(Date.now() / 1000), model: body.model, system_fingerprint: "fp_fake" };
    if (body.stream) {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-request-id": id,
      });
      for (const d of chunks.slice(0, afterChunks)) {
        const e = {
          ...base,
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta: { content: d }, logprobs: null, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(e)}\n\n`);
      }
    } else {
      const full = JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: chunks.join("") }, finish_reason: "stop" }],
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(full)), "x-request-id": id });
      res.write(full.slice(0, Math.floor(full.length / 2)));
    }
    // Let the written part reach the client, then reset the TCP connection (RST, not a clean FIN).
    const t = setTimeout(() => {
      this.timers.delete(t);
      res.socket?.resetAndDestroy();
    }, 20);
    this.timers.add(t);
  }

  /** "PROMPT: <sha256 prefix> <start of the last user message>". */
  private defaultReply(body: ChatRequestBody): FakeResponse {
    const last = [...body.messages].reverse().find((m) => m.role === "user")?.content;
    const text = typeof last === "string" ? last : JSON.stringify(last ?? "");
    const digest = createHash("sha256").update(text).digest("hex").slice(0, 12);
    return { kind: "text", text: `PROMPT: ${digest} ${text.replace(/\s+/g, " ").slice(0, 60)}` };
  }
}

function estimateUsage(body: ChatRequestBody, output: string): FakeUsage {
  const prompt_tokens = Math.ceil(JSON.stringify(body.messages).length / 4);
  const completion_tokens = Math.max(1, Math.ceil(output.length / 4));
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** Error bodies shaped like OpenAI's; the 401 one echoes a masked key, as the real API does. */
function defaultErrorBody(status: number, authorization: string | undefined): object {
  const key = (authorization ?? "").replace(/^Bearer\s+/i, "");
  const masked = key.length > 8 ? `${key.slice(0, 6)}****${key.slice(-4)}` : "****";
  const table: Record<number, [string, string, string | null]> = {
    400: ["Invalid request.", "invalid_request_error", null],
    401: [
      `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      "invalid_request_error",
      "invalid_api_key",
    ],
    403: ["You are not allowed to use this model.", "invalid_request_error", "model_not_found"],
    404: ["The model does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"],
    429: ["Rate limit reached for requests.", "requests", "rate_limit_exceeded"],
  };
  const [message, type, code] = table[status] ?? ["The server had an error while processing your request.", "server_error", null];
  return { error: { message, type, param: null, code } };
}

function json(res: ServerResponse, status: number, payload: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(payload));
}
