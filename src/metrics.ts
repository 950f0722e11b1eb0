/**
 * Every Prometheus metric of the service, defined here by name (one registry, prom-client), counted where the event
 * happens. Labels are low-cardinality only: never an account, task, execution or user id (per-account usage stays in
 * SQL: app_private.model_usage, task_executions).
 *
 * Exposed at GET /metrics (README "Metrics and logs"): on METRICS_PORT (a listener of its own, also in the
 * worker-only process) and/or on the API port behind `Authorization: Bearer <METRICS_TOKEN>`.
 * Queue and waiting-run gauges are sampled from Postgres when scraped, in processes that run a worker.
 */
import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type pg from "pg";
import client from "prom-client";
import { log, errorFields } from "./logger.js";

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const SECONDS_SHORT = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SECONDS_LONG = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

// ---- agent runs (src/run/pool.ts, src/run/execute.ts) ----

/**
 * One count per run attempt's end. outcome: completed | failed (terminal), retry (transient error, back to pending),
 * rate_limited (429: back to pending, provider paused), handed_over (to the external runtime, AGENT_WEBHOOK_URL),
 * cancelled (cancelled, finished elsewhere or lease lost), shutdown (handed back by a stopping worker).
 * trigger: manual | schedule.
 */
export const executionsTotal = new client.Counter({
  name: "sat_executions_total",
  help: "Agent run attempts that ended, by outcome and trigger.",
  labelNames: ["outcome", "trigger"] as const,
  registers: [registry],
});

export const executionDuration = new client.Histogram({
  name: "sat_execution_duration_seconds",
  help: "Wall-clock time of one run attempt, from launch in the run pool to its end, by outcome.",
  labelNames: ["outcome"] as const,
  buckets: SECONDS_LONG,
  registers: [registry],
});

export const executionStartLateness = new client.Histogram({
  name: "sat_execution_start_lateness_seconds",
  help: "started_at - scheduled_for (manual runs: - created_at), observed once per execution when it first starts.",
  labelNames: ["trigger"] as const,
  buckets: SECONDS_LONG,
  registers: [registry],
});

/** The run pools of this process, for sat_runs_in_flight. */
const runPools = new Set<{ readonly inFlight: number }>();
export function trackRunPool(pool: { readonly inFlight: number }): void {
  runPools.add(pool);
}
export function untrackRunPool(pool: { readonly inFlight: number }): void {
  runPools.delete(pool);
}

export const runsInFlight = new client.Gauge({
  name: "sat_runs_in_flight",
  help: "Agent runs held by this process's run pool (claimed or running).",
  registers: [registry],
  collect() {
    let n = 0;
    for (const p of runPools) n += p.inFlight;
    this.set(n);
  },
});

/** The run pool's fences at work: a second copy refused, runs handed back or stopped by the heartbeat's reconcile. */
export const runLeaseEvents = new client.Counter({
  name: "sat_run_lease_events_total",
  help: "Run pool lease events: duplicate_refused (a claim for a run this process already runs), released (held but no longer run: handed back), lost (run but no longer held: stopped).",
  labelNames: ["event"] as const,
  registers: [registry],
});

// ---- dispatch (src/schedule/dispatch.ts) ----

export const dispatchBatchDuration = new client.Histogram({
  name: "sat_dispatch_batch_duration_seconds",
  help: "Time of one dispatch batch transaction (claim due tasks, decide, create executions).",
  buckets: SECONDS_SHORT,
  registers: [registry],
});

export const dispatchOccurrences = new client.Counter({
  name: "sat_dispatch_occurrences_total",
  help: "Occurrences handled by the dispatcher. outcome: dispatched (execution created) | skipped (overlap) | missed (downtime, not run).",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

// ---- model calls (src/llm/providers.ts, src/agent/openaiExecutor.ts) ----

/** What a model call was for: prompt generation, an agent step, or reading a schedule in words (src/schedule/model.ts). */
export type ModelCallKind = "prompt" | "agent" | "schedule";

export const modelCalls = new client.Counter({
  name: "sat_model_calls_total",
  help: "Model API calls (after the SDK's own retries), by provider (OPENAI_BASE_URL), kind (prompt | agent) and outcome (ok | error).",
  labelNames: ["provider", "kind", "outcome"] as const,
  registers: [registry],
});

export const modelTokens = new client.Counter({
  name: "sat_model_tokens_total",
  help: "Tokens reported (or estimated) for model calls, by provider, kind and type (prompt | completion).",
  labelNames: ["provider", "kind", "type"] as const,
  registers: [registry],
});

export const modelErrors = new client.Counter({
  name: "sat_model_errors_total",
  help: "Failed model calls by provider, kind and reason (rate_limit | server | client | timeout | network | other).",
  labelNames: ["provider", "kind", "reason"] as const,
  registers: [registry],
});

export const modelCallDuration = new client.Histogram({
  name: "sat_model_call_duration_seconds",
  help: "Duration of one model call (a streamed agent step: until the stream ends), by provider and kind.",
  labelNames: ["provider", "kind"] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [registry],
});

/** A failed model call's reason label, from the classified error's status and flags. */
export function modelErrorReason(e: { status?: number; transient?: boolean; message?: string }): string {
  const status = e.status ?? Number(/\((\d{3})\b/.exec(e.message ?? "")?.[1] ?? NaN);
  if (status === 429) return "rate_limit";
  if (status >= 500 && status < 600) return "server";
  if (status >= 400 && status < 500) return "client";
  if (/timed out|stalled|timeout/i.test(e.message ?? "")) return "timeout";
  if (e.transient) return "network";
  return "other";
}

export function countModelCall(
  provider: string,
  kind: ModelCallKind,
  seconds: number,
  result:
    | { usage: { promptTokens: number; completionTokens: number } | null }
    | { error: { status?: number; transient?: boolean; message?: string } },
): void {
  modelCallDuration.observe({ provider, kind }, seconds);
  if ("error" in result) {
    modelCalls.inc({ provider, kind, outcome: "error" });
    modelErrors.inc({ provider, kind, reason: modelErrorReason(result.error) });
    return;
  }
  modelCalls.inc({ provider, kind, outcome: "ok" });
  if (result.usage) {
    modelTokens.inc({ provider, kind, type: "prompt" }, result.usage.promptTokens);
    modelTokens.inc({ provider, kind, type: "completion" }, result.usage.completionTokens);
  }
}

// ---- prompt generation (tasks/generate_prompt.ts) ----

export const promptGenerations = new client.Counter({
  name: "sat_prompt_generations_total",
  help: "Prompt generation attempts by outcome (ready | failed | retry | waiting: provider busy) and generator (openai | offline).",
  labelNames: ["outcome", "generator"] as const,
  registers: [registry],
});

// ---- HTTP (counted in src/http/requestContext.ts) ----

/**
 * Notifications (docs/notifications.md), counted where the worker handles them. channel: webhook | email;
 * outcome: delivered | retry (failed, tried again later) | failed (gave up) | refused (SSRF guard) | skipped (endpoint
 * off, user opted out) | disabled (this failure turned the endpoint off).
 */
export const notificationDeliveries = new client.Counter({
  name: "sat_notification_deliveries_total",
  help: "Webhook and email deliveries of notifications by channel and outcome.",
  labelNames: ["channel", "outcome"] as const,
  registers: [registry],
});

/** Notifications the worker raised (kind: run.overdue | notifications.coalesced; outcome: told) or coalesced away (outcome: coalesced). */
export const notificationsTotal = new client.Counter({
  name: "sat_notifications_total",
  help: "Notifications raised by the worker's periodic checks and digests, by kind and outcome (told | coalesced).",
  labelNames: ["kind", "outcome"] as const,
  registers: [registry],
});

export const httpRequests = new client.Counter({
  name: "sat_http_requests_total",
  help: "HTTP requests by method, route template (e.g. /graphql, /hooks/agent-runs/:id) and status code.",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});

export const httpRequestDuration = new client.Histogram({
  name: "sat_http_request_duration_seconds",
  help: "HTTP request duration by method and route template.",
  labelNames: ["method", "route"] as const,
  buckets: SECONDS_SHORT,
  registers: [registry],
});

// ---- sampled from Postgres on scrape (worker processes) ----

const SAMPLE_TTL_MS = 5000;
const SAMPLE_TIMEOUT_MS = 3000;

interface Sample {
  at: number;
  waiting: number;
  jobs: Array<{ task: string; state: string; n: number; oldest: number | null }>;
}

let samplerPool: pg.Pool | null = null;
let lastSample: Promise<Sample | null> | null = null;

async function takeSample(pool: pg.Pool): Promise<Sample> {
  // Runnable agent runs nobody holds yet (as claim_runs sees them), bounded so a huge backlog stays cheap to count.
  const waiting = pool.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from app_public.task_executions e
        where e.status = 'pending' and coalesce(e.scheduled_for, e.created_at) <= now() and (e.run_after is null or e.run_after <= now())
        limit 1000000) s`,
  );
  // graphile-worker's public view; finished jobs are deleted, so this is the live queue.
  const jobs = pool.query<{ task: string; state: string; n: number; oldest: number | null }>(
    `select task_identifier as task, state, count(*)::int as n, extract(epoch from now() - min(run_at))::float8 as oldest
       from (select task_identifier, run_at,
                    case when attempts >= max_attempts then 'failed'
                         when locked_at is not null and locked_at > now() - interval '4 hours' then 'running'
                         when run_at <= now() then 'ready'
                         else 'scheduled' end as state
               from graphile_worker.jobs) j
      group by 1, 2`,
  );
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`metrics sample took over ${SAMPLE_TIMEOUT_MS} ms`)), SAMPLE_TIMEOUT_MS).unref(),
  );
  const [w, j] = await Promise.race([Promise.all([waiting, jobs]), timeout]);
  return { at: Date.now(), waiting: w.rows[0]!.n, jobs: j.rows };
}

/** The latest sample, taken at most every SAMPLE_TTL_MS whatever the number of scrapers; null if it failed. */
function sample(): Promise<Sample | null> {
  const pool = samplerPool;
  if (!pool) return Promise.resolve(null);
  const current = lastSample;
  return (lastSample = (async () => {
    const prev = await current?.catch(() => null);
    if (prev && Date.now() - prev.at < SAMPLE_TTL_MS) return prev;
    try {
      return await takeSample(pool);
    } catch (err) {
      log.warn("could not sample queue metrics", errorFields(err));
      return null;
    }
  })());
}

const JOB_STATES = ["ready", "scheduled", "running", "failed"];

export const runsWaiting = new client.Gauge({
  name: "sat_runs_waiting",
  help: "Agent runs due and pending, not yet claimed by any worker (database-wide; sampled on scrape).",
  registers: [],
  async collect() {
    const s = await sample();
    if (s) this.set(s.waiting);
  },
});

export const jobQueueDepth = new client.Gauge({
  name: "sat_job_queue_depth",
  help: "graphile-worker jobs by task and state (ready | scheduled | running | failed); database-wide, sampled on scrape.",
  labelNames: ["task", "state"] as const,
  registers: [],
  async collect() {
    const s = await sample();
    if (!s) return;
    this.reset();
    for (const r of s.jobs) this.set({ task: r.task, state: r.state }, r.n);
    // known tasks with nothing queued read 0 rather than disappearing
    for (const task of new Set(s.jobs.map((r) => r.task)))
      for (const state of JOB_STATES) if (!s.jobs.some((r) => r.task === task && r.state === state)) this.set({ task, state }, 0);
  },
});

export const jobQueueOldestReady = new client.Gauge({
  name: "sat_job_queue_oldest_ready_seconds",
  help: "Age of the oldest graphile-worker job that is due and not taken (0 when none), by task; sampled on scrape.",
  labelNames: ["task"] as const,
  registers: [],
  async collect() {
    const s = await sample();
    if (!s) return;
    this.reset();
    for (const r of s.jobs) if (r.state !== "ready") this.set({ task: r.task }, 0);
    for (const r of s.jobs) if (r.state === "ready") this.set({ task: r.task }, Math.max(r.oldest ?? 0, 0));
  },
});

/**
 * Worker processes: sample the queue and waiting runs from this owner pool on scrape (registers the sampled gauges).
 * Returns a function that stops sampling.
 */
const SAMPLED: Array<[string, client.Metric]> = [
  ["sat_runs_waiting", runsWaiting],
  ["sat_job_queue_depth", jobQueueDepth],
  ["sat_job_queue_oldest_ready_seconds", jobQueueOldestReady],
];

export function sampleDatabase(pool: pg.Pool): () => void {
  samplerPool = pool;
  lastSample = null;
  for (const [name, metric] of SAMPLED) if (!registry.getSingleMetric(name)) registry.registerMetric(metric);
  return () => {
    if (samplerPool !== pool) return;
    samplerPool = null;
    lastSample = null;
    for (const [name] of SAMPLED) registry.removeSingleMetric(name);
  };
}

// ---- exposition ----

/** Writes the registry in the Prometheus text format. */
export async function writeMetrics(res: http.ServerResponse): Promise<void> {
  try {
    const body = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
    res.end(body);
  } catch (err) {
    log.error("could not render metrics", errorFields(err));
    res.writeHead(500, { "content-type": "text/plain" });
    res.end("metrics unavailable\n");
  }
}

/** `Authorization: Bearer <token>` matches (constant time); true when no token is configured. */
export function metricsAuthorized(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** METRICS_PORT: a listener of its own serving GET /metrics (Bearer METRICS_TOKEN when set), 404 for anything else. */
export async function startMetricsServer(opts: { port: number; host: string; token: string | undefined }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" });
      return void res.end("not found\n");
    }
    if (!metricsAuthorized(req.headers.authorization, opts.token)) {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' });
      return void res.end("unauthorized\n");
    }
    void writeMetrics(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  return {
    url: `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
