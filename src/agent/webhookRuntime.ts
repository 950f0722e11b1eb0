/**
 * The external agent runtime (the plan's run_agent_background): with AGENT_WEBHOOK_URL set, a
 * run is handed to that endpoint as an HMAC-signed JSON payload. The runtime reports messages
 * and completion to POST /hooks/agent-runs/:agent_run_id, signed with the same secret under
 * scheme v2 (method + path + timestamp + body, so a signature is bound to its run) and with an
 * event_id per event (a replay is not applied twice). The payload's `callback` says exactly how.
 * The agent's MCP servers arrive already resolved against the operator's registry and host
 * allow-list (src/run/execute.ts): never the user's raw entries.
 */
import { SIGNATURE_HEADER, signRequest } from "./webhookSignature.js";
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

export function callbackPath(agentRunId: string): string {
  return `/hooks/agent-runs/${agentRunId}`;
}

export function callbackUrl(settings: WebhookSettings, agentRunId: string): string {
  return `${settings.publicUrl.replace(/\/$/, "")}${callbackPath(agentRunId)}`;
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
    callback: {
      url: callbackUrl(settings, run.agentRunId),
      method: "POST",
      header: SIGNATURE_HEADER,
      signature: `t=<unix seconds>,v2=<hex HMAC-SHA256 with the shared secret of "<t>.POST.${callbackPath(run.agentRunId)}.<raw body>">`,
      event_id:
        "required in every event body: a string (1-200 characters) unique within this run; a repeated event_id is acknowledged and ignored",
      events: ["message", "completed", "failed"],
    },
    deadline: new Date(Date.now() + run.runTimeoutMs).toISOString(),
  });
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  let res: Response;
  try {
    res = await fetch(settings.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: signRequest(settings.secret, { method: "POST", path: new URL(settings.url).pathname, body }),
      },
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
