/**
 * notification_diff: writes the short diff of a run.changed notification (the previous completed answer against this
 * one, a line diff from the `diff` package), then fans the notification out to webhooks and email, which carry it.
 */
import { diffLines } from "diff";
import type { Task } from "graphile-worker";

export interface NotificationDiffPayload {
  event_id: string;
}

export function assertNotificationDiffPayload(payload: unknown): NotificationDiffPayload {
  const p = payload as Partial<NotificationDiffPayload> | null;
  if (!p || typeof p.event_id !== "string")
    throw new Error(`notification_diff: payload must be {event_id: uuid}, got ${JSON.stringify(payload)}`);
  return { event_id: p.event_id };
}

/** A short line diff: `- ` removed, `+ ` added lines, at most `maxLines` lines and `maxChars` characters. */
export function shortDiff(previous: string, current: string, maxLines = 40, maxChars = 4000): string {
  const lines: string[] = [];
  let more = 0;
  // every line ends with a newline, so that a changed last line is not a change of the one before it
  const norm = (s: string) => s.replace(/\r\n/g, "\n").replace(/\n*$/, "\n");
  for (const part of diffLines(norm(previous), norm(current))) {
    if (!part.added && !part.removed) continue;
    for (const line of part.value.replace(/\n$/, "").split("\n")) {
      if (lines.length < maxLines) lines.push(`${part.added ? "+" : "-"} ${line}`);
      else more++;
    }
  }
  let out = lines.join("\n");
  if (out.length > maxChars) out = `${out.slice(0, maxChars - 1)}…`;
  return more > 0 ? `${out}\n… ${more} more changed line${more === 1 ? "" : "s"}` : out;
}

export const notificationDiff: Task = async (payload, helpers) => {
  const { event_id } = assertNotificationDiffPayload(payload);
  const { rows } = await helpers.query<{ d: { previous: string | null; current: string | null } | null }>(
    "select app_private.notification_diff_input($1) as d",
    [event_id],
  );
  const d = rows[0]?.d;
  if (!d) return; // the event is gone (retention, deleted task)
  await helpers.query("select app_private.complete_notification_diff($1, $2)", [event_id, shortDiff(d.previous ?? "", d.current ?? "")]);
};
