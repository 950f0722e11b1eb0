/**
 * notification_digest: driven by the crontab every minute. For every account hour that ended with notifications held
 * back (more than NOTIFY_MAX_PER_HOUR were raised), tells the account once what was held back ("12 more notifications
 * in the hour from 14:00 UTC: 12 run.failed"): app_private.publish_due_digests.
 */
import type { Task } from "graphile-worker";
import { notificationsTotal } from "../src/metrics.js";

export const notificationDigest: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ digests: number; coalesced: number }>("select * from app_private.publish_due_digests()");
  const r = rows[0];
  if (r && r.digests > 0) {
    notificationsTotal.inc({ kind: "notifications.coalesced", outcome: "told" }, r.digests);
    notificationsTotal.inc({ kind: "notifications.coalesced", outcome: "coalesced" }, r.coalesced);
    helpers.logger.info(`told ${r.digests} notification digest(s) covering ${r.coalesced} held-back notification(s)`);
  }
};
