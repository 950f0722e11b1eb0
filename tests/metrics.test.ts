/**
 * GET /metrics over real HTTP: refused without the bearer token on the API port, served on METRICS_PORT's own
 * listener; after a manual execution runs through the real run pool, its counters and the lateness histogram moved;
 * queue gauges sampled from graphile_worker.jobs; HTTP requests counted by route template.
 */
import http from "node:http";
import type { TaskList } from "graphile-worker";
import { ConfigError, loadConfig } from "../src/config.js";
import type { ApiServer } from "../src/http/server.js";
import { makeOfflineExecutor } from "../src/agent/offlineExecutor.js";
import { sampleDatabase, startMetricsServer, type MetricsServer } from "../src/metrics.js";
import { makeGeneratePrompt } from "../tasks/generate_prompt.js";
import { gql, startTestServer } from "./helpers/api.js";
import { closePools } from "./helpers/db.js";
import { apiUser, createThreadWithMessages } from "./helpers/flows.js";
import { runRuns } from "./helpers/runs.js";
import { closeOwnerPool, ownerPool, runJobs } from "./helpers/worker.js";

const TOKEN = "metrics-test-token-0123456789";
let server: ApiServer;
let plain: ApiServer;
let listener: MetricsServer;

beforeAll(async () => {
  server = await startTestServer({ METRICS_TOKEN: TOKEN });
  plain = await startTestServer({ METRICS_TOKEN: undefined, METRICS_PORT: undefined });
  listener = await startMetricsServer({ port: 0, host: "127.0.0.1", token: TOKEN });
});
afterAll(async () => {
  await listener.close();
  await server.close();
  await plain.close();
  await closeOwnerPool();
  await closePools();
});

const offlinePrompt: TaskList = { generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) };

/**
 * GET over a fresh connection (no keep-alive pool): fetch's process-wide pool could hand us a socket to a server an
 * earlier test file closed on the same port (read ECONNRESET).
 */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

/** One sample's value from the exposition text (0 when the series is absent). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
    const [series, v] = [line.slice(0, line.lastIndexOf(" ")), line.slice(line.lastIndexOf(" ") + 1)];
    if (!series.startsWith(name) || (series.length > name.length && series[name.length] !== "{")) continue;
    if (Object.entries(labels).every(([k, val]) => series.includes(`${k}="${val}"`))) return Number(v);
  }
  return 0;
}

async function scrape(url: string, token: string | undefined = TOKEN): Promise<string> {
  const res = await get(url, token ? { authorization: `Bearer ${token}` } : {});
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
}

test("API port: /metrics needs the bearer token; without METRICS_TOKEN it is not served there at all", async () => {
  expect((await get(`${server.url}/metrics`)).status).toBe(401);
  expect((await get(`${server.url}/metrics`, { authorization: "Bearer wrong-token-0123456789abc" })).status).toBe(401);
  expect((await get(`${server.url}/metrics`, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
  const text = await scrape(`${server.url}/metrics`);
  expect(text).toMatch(/^process_cpu_user_seconds_total /m); // default process metrics
  expect(text).toMatch(/^# TYPE sat_executions_total counter$/m);
  const res = await get(`${plain.url}/metrics`);
  expect(res.status).toBe(404);
});

test("METRICS_PORT listener: /metrics with the token, 401 without, 404 elsewhere", async () => {
  expect((await get(listener.url)).status).toBe(401);
  expect((await get(listener.url.replace(/\/metrics$/, "/graphql"), { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  expect(await scrape(listener.url)).toMatch(/^# TYPE sat_http_requests_total counter$/m);
});

test("METRICS_TOKEN and METRICS_PORT are validated by loadConfig", () => {
  expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(ConfigError);
  expect(() => loadConfig({ METRICS_PORT: "http" })).toThrow(/METRICS_PORT/);
  expect(loadConfig({ METRICS_PORT: "9464", HOST: "0.0.0.0" }).metrics).toEqual({ port: 9464, host: "0.0.0.0", token: undefined });
});

test("a manual execution run by the run pool moves the executions counter (completed, manual) and the lateness histogram", async () => {
  const before = await scrape(listener.url);
  const u = await apiUser();
  const { threadId } = await createThreadWithMessages(server, u.token, [["user", "Summarise the weather in Oslo every morning."]]);
  const exported = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    u.token,
  );
  expect(exported.errors).toBeUndefined();
  await runJobs(offlinePrompt);
  const taskId = exported.data!.exportThread.result.taskId as string;
  const res = await gql(
    server,
    `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { executionId } } }`,
    { id: taskId },
    u.token,
  );
  expect(res.errors).toBeUndefined();
  await runRuns(makeOfflineExecutor({ defaultModel: "gpt-4o" }));
  const { rows } = await ownerPool().query("select status, trigger_type from app_public.task_executions where execution_id = $1", [
    res.data!.executeTask.result.executionId,
  ]);
  expect(rows[0]).toEqual({ status: "completed", trigger_type: "manual" });

  const after = await scrape(listener.url);
  const diff = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
  expect(diff("sat_executions_total", { outcome: "completed", trigger: "manual" })).toBeGreaterThanOrEqual(1);
  expect(diff("sat_execution_start_lateness_seconds_count", { trigger: "manual" })).toBeGreaterThanOrEqual(1);
  expect(diff("sat_execution_duration_seconds_count", { outcome: "completed" })).toBeGreaterThanOrEqual(1);
  expect(diff("sat_prompt_generations_total", { outcome: "ready", generator: "offline" })).toBeGreaterThanOrEqual(1);
  // HTTP requests by route template and status, never by raw path
  expect(value(after, "sat_http_requests_total", { method: "POST", route: "/graphql", status: "200" })).toBeGreaterThanOrEqual(4);
  expect(after).not.toMatch(/account_id|task_id|execution_id/);
});

test("queue depth and oldest ready job are sampled from graphile_worker.jobs on scrape", async () => {
  const stop = sampleDatabase(ownerPool());
  try {
    await ownerPool().query(
      "select graphile_worker.add_job('metrics_probe', '{}'::json, run_at := now() - interval '90 seconds', job_key := 'metrics-probe')",
    );
    const text = await scrape(listener.url);
    expect(value(text, "sat_job_queue_depth", { task: "metrics_probe", state: "ready" })).toBe(1);
    expect(value(text, "sat_job_queue_oldest_ready_seconds", { task: "metrics_probe" })).toBeGreaterThanOrEqual(89);
    expect(text).toMatch(/^sat_runs_waiting \d+$/m);
  } finally {
    await ownerPool().query("select graphile_worker.remove_job('metrics-probe')");
    stop();
  }
  expect(await scrape(listener.url)).not.toMatch(/sat_job_queue_depth/); // only worker processes sample the database
});
