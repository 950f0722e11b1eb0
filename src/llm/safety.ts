/** Default cap on a stored task prompt, in UTF-16 code units (JS `length`; never less than code points). */
export const MAX_PROMPT_CHARS = 20_000;

export class PromptTooLongError extends Error {
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(`generated prompt is ${length} characters, over the limit of ${limit}`);
    this.name = "PromptTooLongError";
  }
}

/** C0/C1 control characters except \t and \n (\r is folded into \n first). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Zero-width (U+200B-U+200F, U+2060-U+2064, U+FEFF), bidi overrides/isolates, Unicode tag characters. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/gu;

/** Removes zero-width, bidi-control and tag characters; nothing else. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, "");
}

/**
 * Cleans a generated prompt for storage: CRLF/CR -> LF, strips control characters (keeps \n, \t),
 * invisible characters (see INVISIBLE), normalises to NFC and trims.
 * @throws PromptTooLongError when the result is longer than maxLength.
 */
export function normalizePrompt(text: string, maxLength: number = MAX_PROMPT_CHARS): string {
  const clean = stripInvisible(text.replace(/\r\n?/g, "\n").replace(CONTROL, ""))
    .normalize("NFC")
    .trim();
  if (clean.length > maxLength) throw new PromptTooLongError(clean.length, maxLength);
  return clean;
}

type Rule = { reason: string; test: (text: string) => boolean };
const re = (reason: string, pattern: RegExp): Rule => ({ reason, test: (t) => pattern.test(t) });

/** Phrase rules run on the text with invisible characters removed and NFKC-folded (defeats "ig\u200Bnore", fullwidth letters). */
const PHRASE_RULES: Rule[] = [
  re(
    "override_instructions: asks to ignore previous instructions",
    /\b(?:ignore|disregard|forget|override)\b[^.\n]{0,30}?\b(?:previous|prior|above|earlier|preceding|system|your)\s+(?:instructions?|prompts?|rules|directions|guidelines)\b|\b(?:ignore|disregard|forget)\s+(?:everything|all)\s+(?:above|before)\b/i,
  ),
  re("role_hijack: tries to give the model a new role (\"you are now …\")", /\byou\s+are\s+now\s+(?:a|an|the|my|no\s+longer|DAN|in\s+\w+\s+mode|unrestricted|jailbroken)\b/i),
  re("role_hijack: announces replacement instructions (\"new instructions:\")", /\bnew\s+(?:system\s+)?instructions?\s*:/i),
  re(
    "fake_role_marker: line impersonating a system message",
    /^[ \t>]*(?:system[ \t]*:|#{1,6}[ \t]*system(?:[ \t]+(?:prompt|message|instructions?))?[ \t]*:?[ \t]*$)/im,
  ),
  re(
    "fake_role_marker: chat-template control token (<|im_start|>, [INST], <<SYS>>, </s>)",
    /<\|(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id)\|>|\[\/?INST\]|<<\/?SYS>>|<\/s>/i,
  ),
  re(
    "reveal_system_prompt: asks to reveal the system prompt",
    /\b(?:reveal|show|print|output|repeat|display|leak|dump|tell\s+me|what\s+(?:is|are))\b[^.\n]{0,40}?\b(?:system\s+prompt|(?:initial|original|hidden|secret)\s+(?:instructions|prompt)|your\s+(?:instructions|system\s+prompt|prompt|rules))\b/i,
  ),
];

/** Hidden-text rules run on the ORIGINAL text. */
const HIDDEN_RULES: Rule[] = [
  re("hidden_text: Unicode tag characters (invisible ASCII smuggling)", /[\u{E0000}-\u{E007F}]/u),
  re("hidden_text: bidirectional override/isolate characters", /[\u202A-\u202E\u2066-\u2069]/),
  {
    reason: "hidden_text: zero-width characters",
    // U+200B, U+2060-U+2064 and a non-leading BOM always count; ZWNJ/ZWJ/LRM/RLM only in runs of 2+
    // (a single one is normal in emoji sequences, Persian, Indic and RTL text).
    test: (t) => /[\u200B\u2060-\u2064]|(?<!^)\uFEFF|[\u200B-\u200F\u2060-\u2064\uFEFF]{2}/.test(t),
  },
];

/**
 * Heuristic prompt-injection detector. Returns stable reasons `"<code>: <description>"` (deduplicated, in rule order).
 *
 * Caught (English, case-insensitive, also through zero-width characters and fullwidth/compatibility letters):
 * - override_instructions: "ignore/disregard/forget/override (all) previous/prior/above/your … instructions/prompts/rules",
 *   "ignore everything above"
 * - role_hijack: "you are now a/an/the/DAN/no longer/in … mode", "new (system) instructions:"
 * - fake_role_marker: lines starting with "system:" or consisting of "### system (prompt)", chat-template tokens
 *   <|im_start|>, <|im_end|>, <|system|>, <|endoftext|>, <|eot_id|>, [INST], <<SYS>>, </s>
 * - hidden_text: Unicode tag characters, bidi overrides/isolates, zero-width characters (single ZWNJ/ZWJ/LRM/RLM and a
 *   leading BOM are allowed)
 * - reveal_system_prompt: "reveal/show/print/repeat/tell me … system prompt / your instructions / hidden instructions"
 *
 * NOT caught: paraphrases ("set aside what you were told"), other languages, encoded payloads (base64, leetspeak),
 * instructions split across messages, injections that only make sense in context. Known false positives: bug reports
 * with a "System: Ubuntu" line, users quoting jailbreak text. Treat results as signals for review, not as proof.
 */
export function detectInjection(text: string): string[] {
  const folded = stripInvisible(text).normalize("NFKC");
  const reasons = [
    ...PHRASE_RULES.filter((r) => r.test(folded)),
    ...HIDDEN_RULES.filter((r) => r.test(text)),
  ].map((r) => r.reason);
  return [...new Set(reasons)];
}
