/**
 * deliver_webhook: one attempt of one webhook delivery (app_public.webhook_deliveries), enqueued by the notification's
 * fan-out (app_private.enqueue_notification_deliveries) or by the previous attempt's back-off. Load → POST (signed,
 * SSRF-guarded, bounded: src/notifications/webhook.ts) → write the attempt back (app_private.record_webhook_attempt
 * schedules the next try, or gives up, and turns the endpoint off after a long run of failures).
 */
import type { Task } from "graphile-worker";
import type { NotificationsConfig } from "../src/config.js";
import { log } from "../src/logger.js";
import { notificationDeliveries } from "../src/metrics.js";
import { postWebhook, webhookBody, webhookHeaders, type WebhookEvent } from "../src/notifications/webhook.js";

export interface DeliverWebhookPayload {
  delivery_id: string;
}

export function assertDeliverWebhookPayload(payload: unknown): DeliverWebhookPayload {
  const p = payload as Partial<DeliverWebhookPayload> | null;
  if (!p || typeof p.delivery_id !== "string")
    throw new Error(`deliver_webhook: payload must be {delivery_id: uuid}, got ${JSON.stringify(payload)}`);
  return { delivery_id: p.delivery_id };
}

interface Attempt extends WebhookEvent {
  url: string;
  secret: string;
  attempts: number;
}

export function makeDeliverWebhook(settings: NotificationsConfig["webhooks"]): Task {
  return async (payload, helpers) => {
    const { delivery_id } = assertDeliverWebhookPayload(payload);
    const { rows } = await helpers.query<{ d: Attempt | null }>("select app_private.webhook_delivery_to_attempt($1) as d", [delivery_id]);
    const attempt = rows[0]?.d;
    if (!attempt) {
      notificationDeliveries.inc({ channel: "webhook", outcome: "skipped" });
      return; // delivered, given up, or its endpoint turned off meanwhile
    }
    const body = webhookBody(attempt);
    const result = await postWebhook(
      { url: attempt.url, allowedHosts: settings.allowedHosts, timeoutMs: settings.timeoutMs, maxResponseBytes: settings.maxResponseBytes },
      webhookHeaders(attempt.secret, attempt.delivery_id, body),
      body,
    );
    const { rows: written } = await helpers.query<{ r: { status: string; endpoint_disabled?: boolean } | null }>(
      "select app_private.record_webhook_attempt($1, $2, $3, $4, $5, $6, $7, $8) as r",
      [
        delivery_id,
        result.ok,
        result.status,
        result.error,
        result.retryable,
        settings.maxAttempts,
        settings.retryBaseMs,
        settings.disableAfterFailures,
      ],
    );
    const r = written[0]?.r;
    const outcome = result.ok ? "delivered" : !result.retryable ? "refused" : r?.status === "pending" ? "retry" : "failed";
    notificationDeliveries.inc({ channel: "webhook", outcome });
    if (r?.endpoint_disabled) notificationDeliveries.inc({ channel: "webhook", outcome: "disabled" });
    if (!result.ok)
      log.info("webhook delivery failed", {
        delivery_id,
        attempt: attempt.attempts + 1,
        status: result.status,
        error: result.error,
        next: r?.status,
      });
  };
}
