import OpenAI from "openai";
import { FakeOpenAI } from "../helpers/fakeOpenAI.js";

let fake: FakeOpenAI;
let client: OpenAI;
let baseURL: string;
beforeEach(async () => {
  fake = new FakeOpenAI();
  ({ baseURL } = await fake.start());
  client = new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0 });
});
afterEach(() => fake.close());

test("default reply echoes a digest of the last user message, with usage; path without /v1 works", async () => {
  const res = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hello   world" }] });
  expect(res.choices[0]?.message.content).toMatch(/^PROMPT: [0-9a-f]{12} hello world$/);
  expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));

  const raw = await fetch(`${baseURL.replace(/\/v1$/, "")}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hello   world" }] }),
  });
  const body = (await raw.json()) as OpenAI.Chat.Completions.ChatCompletion;
  expect(body.choices[0]?.message.content).toBe(res.choices[0]?.message.content);
  expect(fake.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/chat/completions"]);

  expect((await fetch(`${baseURL}/models`)).status).toBe(404);
});

test("stream: text deltas as chat.completion.chunk SSE, usage in the last chunk when requested", async () => {
  fake.enqueue({ kind: "stream", chunks: ["Hel", "lo", " there"], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
  const stream = await client.chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  const finish: Array<string | null> = [];
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    expect(chunk.object).toBe("chat.completion.chunk");
    text += chunk.choices[0]?.delta.content ?? "";
    if (chunk.choices[0]) finish.push(chunk.choices[0].finish_reason);
    usage = chunk.usage ?? usage;
  }
  expect(text).toBe("Hello there");
  expect(finish.at(-1)).toBe("stop");
  expect(usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
});

test("a text reply is streamed when the request streams; no usage chunk unless asked", async () => {
  fake.enqueue({ kind: "text", text: "whole" });
  const stream = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true });
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("whole");
  expect(chunks.every((c) => c.usage === undefined && c.choices.length === 1)).toBe(true);
});

test("streamed tool call round trip through the SDK's stream helper", async () => {
  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
  ];
  fake.enqueue(
    { kind: "toolCall", name: "get_weather", arguments: { city: "Oslo" }, id: "call_1" },
    { kind: "stream", chunks: ["It is ", "sunny."] },
  );
  const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Oslo?" }];

  const first = await client.chat.completions
    .stream({ model: "gpt-4o", messages, tools, stream_options: { include_usage: true } })
    .finalChatCompletion();
  const choice = first.choices[0]!;
  expect(choice.finish_reason).toBe("tool_calls");
  const call = choice.message.tool_calls?.[0];
  expect(call).toMatchObject({ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } });
  expect(first.usage?.total_tokens).toBeGreaterThan(0);

  messages.push(choice.message, { role: "tool", tool_call_id: "call_1", content: '{"sky":"clear"}' });
  const second = await client.chat.completions.stream({ model: "gpt-4o", messages, tools }).finalChatCompletion();
  expect(second.choices[0]?.message.content).toBe("It is sunny.");
  expect(fake.requests[1]?.body.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_1", content: '{"sky":"clear"}' });
  expect(fake.requests.every((r) => r.body.stream === true)).toBe(true);
});

test("non-streamed tool call", async () => {
  fake.enqueue({ kind: "toolCall", name: "lookup", arguments: '{"q":"x"}' });
  const res = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "?" }] });
  expect(res.choices[0]?.finish_reason).toBe("tool_calls");
  expect(res.choices[0]?.message).toMatchObject({
    content: null,
    tool_calls: [{ type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
  });
});
