/**
 * The external agent runtime (the plan's run_agent_background): with AGENT_WEBHOOK_URL set, a
 * run is handed to that endpoint as an HMAC-signed JSON payload. The runtime reports messages
 * and completion to POST /hooks/agent-runs/:agent_run_id, signed with the same secret.
 */
import { SIGNATURE_HEADER, signPayload } from "./webhookSignature.js";
import { AgentError, type HistoryMessage } from "./types.js";

export interface WebhookSettings {
  url: string;
  secret: string;
  publicUrl: string;
  timeoutMs: number;
}

export interface WebhookRun {
  executionId: string;
  agentRunId: string;
  threadId: string;
  prompt: string;
  history: HistoryMessage[];
  agent: unknown;
  runTimeoutMs: number;
}

export function callbackUrl(settings: WebhookSettings, agentRunId: string): string {
  return `${settings.publicUrl.replace(/\/$/, "")}/hooks/agent-runs/${agentRunId}`;
}

/** Hands the run over. A non-2xx answer or a network error is transient (the job retries). */
export async function dispatchToWebhook(settings: WebhookSettings, run: WebhookRun, signal?: AbortSignal): Promise<void> {
  const body = JSON.stringify({
    type: "agent_run.requested",
    execution_id: run.executionId,
    agent_run_id: run.agentRunId,
    thread_id: run.threadId,
    prompt: run.prompt,
    history: run.history,
    agent: run.agent,
    callback_url: callbackUrl(settings, run.agentRunId),
    deadline: new Date(Date.now() + run.runTimeoutMs).toISOString(),
  });
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  let res: Response;
  try {
    res = await fetch(settings.url, {
      method: "POST",
      headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signPayload(settings.secret, body) },
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    throw new AgentError(`agent runtime unreachable: ${err instanceof Error ? err.message : String(err)}`, true, "webhook");
  }
  if (!res.ok) {
    const transient = res.status === 429 || res.status >= 500;
    throw new AgentError(`agent runtime answered ${res.status}`, transient, "webhook");
  }
}
