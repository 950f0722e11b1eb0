/**
 * The worker's task list: one file per task in this folder, file name = task identifier.
 */
import type { TaskList } from "graphile-worker";
import { runProviderKey, type Config } from "../src/config.js";
import { makeOfflineExecutor } from "../src/agent/offlineExecutor.js";
import { makeOpenAIExecutor } from "../src/agent/openaiExecutor.js";
import type { AgentExecutor } from "../src/agent/types.js";
import { makeOpenAIProvider } from "../src/llm/providers.js";
import { expireExecution } from "./expire_execution.js";
import { makeGeneratePrompt } from "./generate_prompt.js";
import type { RunSettings } from "../src/run/execute.js";
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

/** The agent executor: OpenAI when a key is configured, else the labelled offline dry run. */
export function makeExecutor(config: Config): AgentExecutor {
  if (!config.llm.apiKey) return makeOfflineExecutor({ defaultModel: config.agent.model });
  return makeOpenAIExecutor({
    apiKey: config.llm.apiKey,
    baseURL: config.llm.baseUrl,
    defaultModel: config.agent.model,
    requestTimeoutMs: config.agent.requestTimeoutMs,
    maxSteps: config.agent.maxSteps,
    maxTotalTokens: config.agent.maxTotalTokens,
    mcp: config.agent.mcp,
  });
}

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

/** How agent runs are executed (the run pool's executor): OpenAI, the offline dry run, or the external webhook runtime. */
export function runSettings(config: Config): RunSettings {
  const { webhookUrl, webhookSecret, publicUrl } = config.agent;
  return {
    executor: webhookUrl ? null : makeExecutor(config),
    webhook: webhookUrl && webhookSecret && publicUrl
      ? { url: webhookUrl, secret: webhookSecret, publicUrl, timeoutMs: config.agent.requestTimeoutMs }
      : null,
    defaultModel: config.agent.model,
    runTimeoutMs: config.agent.runTimeoutMs,
    maxAttempts: config.run.maxAttempts,
    retryBaseMs: config.run.retryBaseMs,
    provider: runProviderKey(config),
    mcp: config.agent.mcp,
  };
}
