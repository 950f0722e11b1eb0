/**
 * The schedule an exported conversation asks for ("Every Friday list open invoices older than 30 days"), proposed at
 * prompt generation and stored on the draft task as suggested_schedule — never applied: the user confirms it with
 * one scheduleTask call. The grammar reads the user's messages (latest first); when it reads none and a model is
 * given, the model reads the latest user sentence that speaks of time (one structured call, metered like any other).
 */
import { parseSchedule, type ScheduleModel } from "./model.js";
import { suggestFromMessages, type ParseAnswer } from "./words.js";

/** suggested_schedule as stored (jsonb) and read through GraphQL (suggestedSchedule) / REST (suggested_schedule). */
export interface SuggestedSchedule {
  scheduleType: string;
  scheduledAt: string | null;
  cronExpression: string | null;
  timezone: string;
  maxExecutions: number | null;
  description: string;
  /** The sentence of the conversation it was read from. */
  words: string;
  used: string[];
  assumed: string[];
  source: "grammar" | "model";
  suggestedAt: string;
}

/** A user sentence that speaks of when (the only text sent to the model for a suggestion). */
const SPEAKS_OF_TIME =
  /\b(?:every|each|daily|weekly|monthly|quarterly|yearly|annually|hourly|nightly|mornings?|evenings?|weekdays?|weekends?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|tomorrow|tonight|o'clock|noon|midnight|\d{1,2}(?::\d{2})?\s?(?:am|pm))\b/i;

function toSuggestion(answer: Extract<ParseAnswer, { status: "ok" }>, words: string, now: Date, taskZone: string): SuggestedSchedule {
  const assumed = [...answer.assumed];
  if (answer.spec.timezone === taskZone) assumed.push(`times read in ${taskZone} (the task's timezone); say another zone to change it`);
  return {
    scheduleType: answer.spec.scheduleType,
    scheduledAt: answer.spec.scheduledAt?.toISOString() ?? null,
    cronExpression: answer.spec.cronExpression,
    timezone: answer.spec.timezone,
    maxExecutions: answer.spec.maxExecutions,
    description: answer.description,
    words: words.slice(0, 500),
    used: answer.used,
    assumed,
    source: answer.source,
    suggestedAt: now.toISOString(),
  };
}

export async function suggestSchedule(
  messages: Array<{ role: string; content: string }>,
  opts: { timezone: string; now: Date; minIntervalSeconds: number; model?: ScheduleModel | null },
): Promise<SuggestedSchedule | null> {
  const wordsOpts = { timezone: opts.timezone, now: opts.now, minIntervalSeconds: opts.minIntervalSeconds };
  const found = suggestFromMessages(messages, wordsOpts);
  if (found) return toSuggestion(found.answer, found.words, opts.now, opts.timezone);
  if (!opts.model) return null;
  const sentences = messages
    .filter((m) => m.role === "user" && typeof m.content === "string")
    .flatMap((m) => m.content.split(/(?<=[.!?])\s+|\n+/))
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s.length <= 500 && SPEAKS_OF_TIME.test(s));
  const latest = sentences[sentences.length - 1];
  if (!latest) return null;
  const answer = await parseSchedule(latest, wordsOpts, opts.model);
  return answer.status === "ok" ? toSuggestion(answer, latest, opts.now, opts.timezone) : null;
}
