import { MARGIN_TOKENS, generateTaskPrompt, type ThreadMessage } from "../../src/llm/generate.js";
import { COMBINE_NOTE } from "../../src/llm/promptTemplate.js";
import { makeOpenAIProvider, type PromptProvider } from "../../src/llm/providers.js";
import { FakeOpenAI, type ChatRequestBody, type RecordedRequest } from "../helpers/fakeOpenAI.js";

const BUDGET = 8000;
let fake: FakeOpenAI;
let provider: PromptProvider;
beforeEach(async () => {
  fake = new FakeOpenAI();
  const { baseURL } = await fake.start();
  provider = makeOpenAIProvider({ apiKey: "sk-test", baseURL, model: "gpt-4o", timeoutMs: 5000, maxRetries: 0 });
});
afterEach(() => fake.close());

const notes = (body: ChatRequestBody) =>
  body.messages
    .slice(2, -1)
    .map((m) => m.content as string)
    .join("\n");
const dataOf = (req: RecordedRequest, tag: string) => {
  const content = req.body.messages.at(-1)!.content as string;
  const json = new RegExp(`<${tag}>\\n([\\s\\S]*)\\n</${tag}>$`).exec(content)?.[1];
  return json === undefined ? [] : (JSON.parse(json) as Array<{ role: string; content: string }>);
};
const chunkCalls = () => fake.requests.filter((r) => /This is part \d+ of \d+/.test(notes(r.body)));
const expectWithinBudget = () => {
  for (const r of fake.requests) {
    const chars = r.body.messages.reduce((n, m) => n + (m.content as string).length, 0);
    expect(Math.ceil(chars / 4) + (r.body.max_tokens ?? 0) + MARGIN_TOKENS).toBeLessThanOrEqual(BUDGET);
  }
};

/** Chunk calls answer "PARTIAL i/n" (or `partialSize` chars), combine calls answer per `final`. */
function script(partialSize?: number) {
  fake.responder = (body) => {
    const n = notes(body);
    const part = /This is part (\d+) of (\d+)/.exec(n);
    const usage = { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 };
    if (part) return { kind: "text", text: partialSize ? `P${part[1]} `.padEnd(partialSize, "x") : `PARTIAL ${part[1]}/${part[2]}`, usage };
    if (/group (\d+) of (\d+)/.test(n)) return { kind: "text", text: "G ".padEnd(partialSize ?? 10, "y"), usage };
    if (n === COMBINE_NOTE) return { kind: "text", text: "FINAL PROMPT", usage };
    return undefined;
  };
}

test("a 2,000-message thread is chunked: every user message reaches the model whole, then one combine call", async () => {
  const thread: ThreadMessage[] = [];
  for (let i = 0; i < 1000; i++) {
    thread.push({ role: "user", content: `User message #${i}: please check widget batch ${i * 7} and note anything "unusual".` });
    thread.push({ role: "assistant", content: `Assistant reply #${i}. ${"Lorem ipsum dolor sit amet. ".repeat(40)}` });
  }
  script();
  const res = await generateTaskPrompt(thread, { provider, contextBudgetTokens: BUDGET, maxTokens: 2000 });

  const calls = chunkCalls();
  expect(res.prompt).toBe("FINAL PROMPT");
  expect(res.chunks).toBeGreaterThan(1);
  expect(calls).toHaveLength(res.chunks);
  expect(fake.requests).toHaveLength(res.chunks + 1);
  expect(res.usage).toEqual({
    promptTokens: 10 * fake.requests.length,
    completionTokens: fake.requests.length,
    totalTokens: 11 * fake.requests.length,
  });

  const seen = calls.flatMap((r) => dataOf(r, "conversation_data"));
  expect(seen.filter((m) => m.role === "user").map((m) => m.content)).toEqual(
    thread.filter((m) => m.role === "user").map((m) => m.content),
  );
  expect(seen.filter((m) => m.role === "assistant").every((m) => /…\[truncated \d+ chars\]$/.test(m.content))).toBe(true);

  const last = fake.requests.at(-1)!;
  expect(notes(last.body)).toBe(COMBINE_NOTE);
  expect(dataOf(last, "partial_prompts").map((p) => p.content)).toEqual(calls.map((_, i) => `PARTIAL ${i + 1}/${calls.length}`));
  expectWithinBudget();
});

test("partial prompts too big for one combine call are combined hierarchically", async () => {
  const thread: ThreadMessage[] = Array.from({ length: 200 }, (_, i) => ({
    role: "user" as const,
    content: `Requirement ${i}: ${"detail ".repeat(70)}`,
  }));
  script(7000);
  const res = await generateTaskPrompt(thread, { provider, contextBudgetTokens: BUDGET, maxTokens: 2000 });
  expect(res.prompt).toBe("FINAL PROMPT");
  expect(res.chunks).toBeGreaterThan(3);
  const groupCalls = fake.requests.filter((r) => /group \d+ of \d+/.test(notes(r.body)));
  expect(groupCalls.length).toBeGreaterThan(1);
  expect(fake.requests).toHaveLength(res.chunks + groupCalls.length + 1);
  expect(notes(fake.requests.at(-1)!.body)).toBe(COMBINE_NOTE);
  expectWithinBudget();
});

test("a single user message bigger than a chunk is split into labelled pieces, nothing dropped", async () => {
  const unit = 'Line with "quotes", <tags>, emoji \u{1F680} and a \\ backslash.\n';
  const huge = unit.repeat(Math.ceil(100_000 / unit.length));
  script();
  const res = await generateTaskPrompt([{ role: "user", content: huge }], { provider, contextBudgetTokens: BUDGET, maxTokens: 2000 });
  expect(res.chunks).toBeGreaterThan(3);

  const pieces = chunkCalls()
    .flatMap((r) => dataOf(r, "conversation_data"))
    .map((m) => m.content);
  const m = pieces.length;
  pieces.forEach((p, k) => expect(p.startsWith(`[part ${k + 1}/${m} of one long user message]\n`)).toBe(true));
  expect(pieces.map((p) => p.slice(p.indexOf("\n") + 1)).join("")).toBe(huge);
  expectWithinBudget();
});

test("a budget too small to chunk is a clear configuration error, before any call", async () => {
  const thread: ThreadMessage[] = [{ role: "user", content: "x".repeat(50_000) }];
  await expect(generateTaskPrompt(thread, { provider, contextBudgetTokens: 4000, maxTokens: 2000 })).rejects.toThrow(
    /contextBudgetTokens 4000 is too small/,
  );
  expect(fake.requests).toHaveLength(0);
});
