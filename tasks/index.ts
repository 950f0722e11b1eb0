/**
 * The worker's task list: one file per task in this folder, file name = task identifier.
 */
import type { TaskList } from "graphile-worker";
import type { Config } from "../src/config.js";
import { makeOpenAIProvider } from "../src/llm/providers.js";
import { expireExecution } from "./expire_execution.js";
import { makeGeneratePrompt } from "./generate_prompt.js";
import { makeDispatchDueTasks } from "./dispatch_due_tasks.js";
import { makePlanTask } from "./plan_task.js";
import { cleanupExecutions } from "./cleanup_executions.js";
import { makeDeliverWebhook } from "./deliver_webhook.js";
import { makeSendNotificationEmail } from "./send_notification_email.js";
import { notificationDiff } from "./notification_diff.js";
import { notificationDigest } from "./notification_digest.js";
import { checkOverdueRuns } from "./check_overdue_runs.js";

/** max_tokens for prompt generation (the plan's value). */
export const PROMPT_MAX_TOKENS = 2000;

export function taskList(config: Config): TaskList {
  const provider = config.llm.apiKey
    ? makeOpenAIProvider({
        apiKey: config.llm.apiKey,
        baseURL: config.llm.baseUrl,
        model: config.llm.model,
        timeoutMs: config.llm.timeoutMs,
        maxRetries: config.llm.maxRetries,
      })
    : null;
  return {
    generate_prompt: makeGeneratePrompt({
      provider,
      contextBudgetTokens: config.llm.contextBudgetTokens,
      maxTokens: PROMPT_MAX_TOKENS,
      schedule: { minIntervalSeconds: config.schedule.minIntervalSeconds, useModel: true },
    }),
    expire_execution: expireExecution,
    plan_task: makePlanTask({ minIntervalSeconds: config.schedule.minIntervalSeconds }),
    dispatch_due_tasks: makeDispatchDueTasks(),
    cleanup_executions: cleanupExecutions,
    notification_diff: notificationDiff,
    notification_digest: notificationDigest,
    check_overdue_runs: checkOverdueRuns,
  };
}

/**
 * The deliveries of notifications (webhooks, email): a graphile-worker pool of their own (NOTIFY_DELIVERY_CONCURRENCY),
 * so that slow receivers (up to WEBHOOK_TIMEOUT_MS each) never hold the slots of dispatch and prompt generation.
 */
export function deliveryTaskList(config: Config): TaskList {
  return {
    deliver_webhook: makeDeliverWebhook(config.notifications.webhooks),
    send_notification_email: makeSendNotificationEmail(config.notifications.email),
  };
}
