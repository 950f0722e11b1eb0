/**
 * notification_digest: at the end of a clock hour in which an account was told more than NOTIFY_MAX_PER_HOUR
 * notifications, tells it once what was held back ("12 more notifications …: 12 run.failed"). Enqueued (one per
 * account and hour, by job key) by app_private.emit_notification when it holds one back.
 */
import type { Task } from "graphile-worker";
import { notificationsTotal } from "../src/metrics.js";

export interface NotificationDigestPayload {
  account_id: string;
  window_start: string;
}

export function assertNotificationDigestPayload(payload: unknown): NotificationDigestPayload {
  const p = payload as Partial<NotificationDigestPayload> | null;
  if (!p || typeof p.account_id !== "string" || typeof p.window_start !== "string") {
    throw new Error(`notification_digest: payload must be {account_id: uuid, window_start: timestamp}, got ${JSON.stringify(payload)}`);
  }
  return { account_id: p.account_id, window_start: p.window_start };
}

export const notificationDigest: Task = async (payload, helpers) => {
  const { account_id, window_start } = assertNotificationDigestPayload(payload);
  const { rows } = await helpers.query<{ id: string | null; coalesced: number | null }>(
    `select app_private.publish_digest($1, $2) as id,
            (select coalesced from app_private.notification_windows where account_id = $1 and window_start = $2) as coalesced`,
    [account_id, window_start],
  );
  if (rows[0]?.id) {
    notificationsTotal.inc({ kind: "notifications.coalesced", outcome: "told" });
    notificationsTotal.inc({ kind: "notifications.coalesced", outcome: "coalesced" }, rows[0].coalesced ?? 0);
  }
};
