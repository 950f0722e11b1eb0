/**
 * send_notification_email: emails one inbox notification to its user (enqueued by the notification's fan-out when
 * email is on, for users with an address who did not opt out). Load → render (one template: text + HTML) → send over
 * SMTP → mark emailed. A failure is retried by graphile-worker (5 attempts, its exponential back-off).
 */
import type { Task } from "graphile-worker";
import type { Transporter } from "nodemailer";
import type { NotificationsConfig } from "../src/config.js";
import { notificationDeliveries } from "../src/metrics.js";
import { makeMailer, renderNotificationEmail, type NotificationEmail } from "../src/notifications/email.js";

export interface SendNotificationEmailPayload {
  notification_id: string;
}

export function assertSendNotificationEmailPayload(payload: unknown): SendNotificationEmailPayload {
  const p = payload as Partial<SendNotificationEmailPayload> | null;
  if (!p || typeof p.notification_id !== "string") {
    throw new Error(`send_notification_email: payload must be {notification_id: uuid}, got ${JSON.stringify(payload)}`);
  }
  return { notification_id: p.notification_id };
}

export function makeSendNotificationEmail(email: NotificationsConfig["email"], mailer?: Transporter): Task {
  let transport = mailer;
  return async (payload, helpers) => {
    const { notification_id } = assertSendNotificationEmailPayload(payload);
    if (!email) {
      notificationDeliveries.inc({ channel: "email", outcome: "skipped" });
      helpers.logger.warn("send_notification_email: SMTP_URL is not set on this worker; email skipped");
      return;
    }
    const { rows } = await helpers.query<{ n: NotificationEmail | null }>("select app_private.notification_email($1) as n", [
      notification_id,
    ]);
    const n = rows[0]?.n;
    if (!n) {
      notificationDeliveries.inc({ channel: "email", outcome: "skipped" });
      return; // sent already, opted out, or no address
    }
    const { subject, text, html } = renderNotificationEmail(n, email.publicUrl);
    transport ??= makeMailer(email.smtpUrl);
    try {
      await transport.sendMail({ from: email.from, to: n.to, subject, text, html, headers: { "X-Notification-Id": n.notification_id } });
    } catch (err) {
      notificationDeliveries.inc({ channel: "email", outcome: "retry" });
      throw err;
    }
    await helpers.query("select app_private.record_notification_email($1)", [notification_id]);
    notificationDeliveries.inc({ channel: "email", outcome: "delivered" });
  };
}
