import {
  CONVERSATION_PREFACE,
  COMBINE_NOTE,
  DATA_HANDLING_NOTE,
  PARTIALS_PREFACE,
  PROMPT_TEMPLATE_VERSION,
  TASK_GENERATION_SYSTEM_PROMPT,
  chunkNote,
  groupCombineNote,
} from "./promptTemplate.js";
import { NoUserMessageError, ProviderError, offlineGenerate, type PromptProvider, type Usage } from "./providers.js";
import { MAX_PROMPT_CHARS, detectInjection, normalizePrompt, stripInvisible } from "./safety.js";

export { NoUserMessageError };

export interface ThreadMessage {
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  created_at?: string;
}

/** A plan limit refused the call (the message names the limit and ends with its code, e.g. "(ST010)"). Permanent. */
export class SpendLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpendLimitError";
  }
}

/** The generation cannot succeed with this configuration or input (e.g. LLM_CONTEXT_BUDGET_TOKENS too small). Permanent. */
export class PromptGenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromptGenerationError";
  }
}

/** One completed model call, as reported to the meter. */
export interface MeteredCall {
  model: string;
  /** What the API reported, or an estimate (CHARS_PER_TOKEN) when it reported none. */
  usage: Usage;
  estimated: boolean;
}

/** Spend hooks around every model call (chunk, group-combine and final calls alike). */
export interface ModelCallMeter {
  /** Awaited before each call; throw (SpendLimitError) to stop before the provider is called. */
  beforeCall(): Promise<void>;
  /** Awaited after each completed call, with its tokens. */
  afterCall(call: MeteredCall): Promise<void>;
}

export interface GenerateOptions {
  /** null = offline (deterministic, no model). */
  provider: PromptProvider | null;
  /** Context window to plan for, in estimated tokens (100000 for gpt-4o). */
  contextBudgetTokens: number;
  /** max_tokens for every model call. */
  maxTokens: number;
  /** Cap on the stored prompt (PromptTooLongError above it). */
  maxPromptChars: number;
  /** Assistant messages are cut to this many characters, with a "…[truncated N chars]" marker. */
  assistantExcerptChars: number;
  /** Aborts the in-flight model call (e.g. worker shutdown); surfaces as a transient ProviderError. */
  signal?: AbortSignal;
  /** Checks allowances before, and records tokens after, every model call (none offline). */
  meter?: ModelCallMeter;
}

export const DEFAULT_GENERATE_OPTIONS = {
  contextBudgetTokens: 100_000,
  maxTokens: 2000,
  maxPromptChars: MAX_PROMPT_CHARS,
  assistantExcerptChars: 600,
} as const;

export interface GenerateResult {
  prompt: string;
  source: "model" | "offline";
  provider: string;
  model: string | null;
  templateVersion: string;
  /** Summed over every model call (zeros offline or when the API reports none). */
  usage: Usage;
  durationMs: number;
  /** Calls made on conversation parts: 1 without chunking, >1 with chunking, 0 offline. Combine calls not counted. */
  chunks: number;
  injectionReasons: string[];
}

/** Token estimate: ~4 characters per token (English prose). It underestimates CJK- or code-heavy text; MARGIN_TOKENS absorbs some drift. */
export const CHARS_PER_TOKEN = 4;
/** Headroom per call for chat framing tokens and estimate error. */
export const MARGIN_TOKENS = 500;
export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

type DataItem = { role: string; content: string };
type Tag = "conversation_data" | "partial_prompts";

function excerpt(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[max - 1] ?? "") ? max - 1 : max; // never split a surrogate pair
  return `${text.slice(0, cut)}…[truncated ${text.length - cut} chars]`;
}

/** user messages whole, assistant messages excerpted, system/tool dropped; invisible characters removed (they are flagged separately). */
function toItems(messages: ThreadMessage[], assistantExcerptChars: number): DataItem[] {
  return messages
    .filter((m) => m.role === "user" || m.role === "assistant")
    .map((m) => {
      const content = stripInvisible(m.content);
      return { role: m.role, content: m.role === "assistant" ? excerpt(content, assistantExcerptChars) : content };
    });
}

/** JSON of one item; a literal data marker inside content is escaped (\u003c) so data cannot close its own block. */
const itemJson = (item: DataItem): string => JSON.stringify(item).replace(/<(?=\/?(?:conversation_data|partial_prompts)\b)/gi, "\\u003c");

function renderData(tag: Tag, items: DataItem[]): string {
  const preface = tag === "conversation_data" ? CONVERSATION_PREFACE : PARTIALS_PREFACE;
  return `${preface}\n<${tag}>\n[\n${items.map(itemJson).join(",\n")}\n]\n</${tag}>`;
}

/** The conversation as quoted JSON data between <conversation_data> markers, with a one-line preface. */
export function formatConversation(messages: ThreadMessage[], assistantExcerptChars: number): string {
  return renderData("conversation_data", toItems(messages, assistantExcerptChars));
}

const SEP = 2; // ",\n" between items
const LABEL_RESERVE = 64; // room for "[part k/m of one long <role> message]\n"

/** Splits an item too big for one chunk into labelled pieces (by code point, so surrogate pairs stay whole). */
function splitItem(item: DataItem, maxChars: number): DataItem[] {
  if (itemJson(item).length + SEP <= maxChars) return [item];
  const room = maxChars - SEP - itemJson({ ...item, content: "" }).length - LABEL_RESERVE;
  const pieces: string[] = [];
  let cur = "";
  let size = 0;
  for (const ch of item.content) {
    const cost = ch === "<" ? 6 : JSON.stringify(ch).length - 2; // escaped length
    if (size + cost > room && cur) {
      pieces.push(cur);
      cur = "";
      size = 0;
    }
    cur += ch;
    size += cost;
  }
  pieces.push(cur);
  return pieces.map((p, k) => ({ role: item.role, content: `[part ${k + 1}/${pieces.length} of one long ${item.role} message]\n${p}` }));
}

/** Greedy, order-preserving packing of items into chunks of at most maxChars of rendered JSON. */
function packItems(items: DataItem[], maxChars: number): DataItem[][] {
  const chunks: DataItem[][] = [];
  let cur: DataItem[] = [];
  let size = 0;
  for (const item of items.flatMap((i) => splitItem(i, maxChars))) {
    const len = itemJson(item).length + SEP;
    if (cur.length && size + len > maxChars) {
      chunks.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(item);
    size += len;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/**
 * Model path. If the whole conversation fits the budget (estimated tokens of both system messages + data + maxTokens +
 * MARGIN_TOKENS <= contextBudgetTokens) it is one call. Otherwise the item list is packed, in order, into chunks that
 * each fit (a user message too big for one chunk is split into labelled pieces, never truncated), each chunk is
 * condensed into a partial prompt (calls are sequential), and the partials are combined by one final call; if they do
 * not fit one call they are combined group-wise first, recursively, until one call suffices.
 */
async function modelGenerate(provider: PromptProvider, items: DataItem[], opts: GenerateOptions) {
  const usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let model = provider.model;
  const call = async (notes: string[], data: string): Promise<string> => {
    const messages = [
      { role: "system" as const, content: TASK_GENERATION_SYSTEM_PROMPT },
      { role: "system" as const, content: DATA_HANDLING_NOTE },
      ...notes.map((content) => ({ role: "system" as const, content })),
      { role: "user" as const, content: data },
    ];
    await opts.meter?.beforeCall();
    const res = await provider.complete(messages, { maxTokens: opts.maxTokens, signal: opts.signal });
    if (opts.meter) {
      const promptTokens = res.usage?.promptTokens ?? estimateTokens(messages.map((m) => m.content).join("\n"));
      const completionTokens = res.usage?.completionTokens ?? estimateTokens(res.text);
      await opts.meter.afterCall({
        model: res.model,
        usage: { promptTokens, completionTokens, totalTokens: res.usage?.totalTokens ?? promptTokens + completionTokens },
        estimated: !res.usage,
      });
    }
    usage.promptTokens += res.usage?.promptTokens ?? 0;
    usage.completionTokens += res.usage?.completionTokens ?? 0;
    usage.totalTokens += res.usage?.totalTokens ?? 0;
    model = res.model;
    return res.text;
  };

  const budgetChars =
    (opts.contextBudgetTokens - opts.maxTokens - MARGIN_TOKENS) * CHARS_PER_TOKEN -
    TASK_GENERATION_SYSTEM_PROMPT.length -
    DATA_HANDLING_NOTE.length;
  const whole = renderData("conversation_data", items);
  if (whole.length <= budgetChars) return { text: await call([], whole), model, usage, chunks: 1 };

  // Per-call room for data once the longest extra note and the preface/markers are accounted for.
  const dataChars =
    budgetChars -
    Math.max(chunkNote(99_999, 99_999).length, groupCombineNote(99_999, 99_999).length, COMBINE_NOTE.length) -
    Math.max(renderData("conversation_data", []).length, renderData("partial_prompts", []).length);
  if (dataChars < 2 * (opts.maxTokens * CHARS_PER_TOKEN + 200)) {
    const needed = Math.ceil(
      (2 * (opts.maxTokens * CHARS_PER_TOKEN + 200) +
        (budgetChars - dataChars) +
        TASK_GENERATION_SYSTEM_PROMPT.length +
        DATA_HANDLING_NOTE.length) /
        CHARS_PER_TOKEN +
        opts.maxTokens +
        MARGIN_TOKENS,
    );
    throw new PromptGenerationError(
      `contextBudgetTokens ${opts.contextBudgetTokens} is too small to chunk with maxTokens ${opts.maxTokens}: ` +
        `a call must fit two partial prompts; set LLM_CONTEXT_BUDGET_TOKENS to at least ${needed}`,
    );
  }

  const chunks = packItems(items, dataChars);
  const partials: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    partials.push(await call([chunkNote(i + 1, chunks.length)], renderData("conversation_data", chunk)));
  }

  const combine = async (parts: string[]): Promise<string> => {
    const groups = packItems(
      parts.map((content) => ({ role: "partial_prompt", content })),
      dataChars,
    );
    const [only] = groups;
    if (groups.length === 1 && only) return call([COMBINE_NOTE], renderData("partial_prompts", only));
    if (groups.length >= parts.length) {
      throw new PromptGenerationError(
        `partial prompts do not shrink enough to fit the context budget (LLM_CONTEXT_BUDGET_TOKENS = ${opts.contextBudgetTokens}); raise it`,
      );
    }
    const next: string[] = [];
    for (const [i, group] of groups.entries()) {
      next.push(await call([groupCombineNote(i + 1, groups.length)], renderData("partial_prompts", group)));
    }
    return combine(next);
  };
  return { text: await combine(partials), model, usage, chunks: chunks.length };
}

/**
 * Condenses a thread into one task prompt, with a model (opts.provider) or offline (provider null).
 * @throws NoUserMessageError when no user message has content; ProviderError from the provider, untouched;
 *   PromptTooLongError when the normalised prompt exceeds maxPromptChars.
 */
export async function generateTaskPrompt(
  messages: ThreadMessage[],
  options: Pick<GenerateOptions, "provider"> & Partial<GenerateOptions>,
): Promise<GenerateResult> {
  const opts: GenerateOptions = { ...DEFAULT_GENERATE_OPTIONS, ...options };
  const started = performance.now();
  if (!messages.some((m) => m.role === "user" && m.content.trim() !== "")) throw new NoUserMessageError();
  const reasons = messages.filter((m) => m.role === "user" || m.role === "assistant").flatMap((m) => detectInjection(m.content));

  const out = opts.provider
    ? {
        source: "model" as const,
        provider: opts.provider.name,
        ...(await modelGenerate(opts.provider, toItems(messages, opts.assistantExcerptChars), opts)),
      }
    : {
        source: "offline" as const,
        provider: "offline",
        text: offlineGenerate(messages),
        model: null,
        usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
        chunks: 0,
      };

  const prompt = normalizePrompt(out.text, opts.maxPromptChars);
  if (!prompt) throw new ProviderError("malformed response from model (empty after normalisation)", false);
  reasons.push(...detectInjection(out.text));
  return {
    prompt,
    source: out.source,
    provider: out.provider,
    model: out.model,
    templateVersion: PROMPT_TEMPLATE_VERSION,
    usage: out.usage,
    durationMs: Math.round(performance.now() - started),
    chunks: out.chunks,
    injectionReasons: [...new Set(reasons)],
  };
}
