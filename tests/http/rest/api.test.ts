/**
 * The plan's REST API against the OpenAPI document (tests/http/rest/contract.ts validates every
 * response): the whole flow with a real signed JWT, the same task through REST and GraphQL,
 * every route's documented statuses, and another account's ids → 404 on every route.
 */
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import type { TaskList } from "graphile-worker";
import { loadConfig, PROJECT_ROOT } from "../../../src/config.js";
import { startServer } from "../../../src/http/server.js";
import { makeOfflineExecutor } from "../../../src/agent/offlineExecutor.js";
import { snakeKeys } from "../../../src/http/rest/router.js";
import { makeGeneratePrompt } from "../../../tasks/generate_prompt.js";
import { gql, signToken, startTestServer } from "../../helpers/api.js";
import { superuserPool } from "../../helpers/db.js";
import { apiUser, createThreadWithMessages, type TestUserToken } from "../../helpers/flows.js";
import { runJobs } from "../../helpers/worker.js";
import { runRuns } from "../../helpers/runs.js";
import { documentedStatuses, rest, seen } from "./contract.js";
import { server, useServer } from "../../helpers/harness.js";

useServer();

const offlinePrompt: TaskList = { generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) };
const offline = () => makeOfflineExecutor({ defaultModel: "gpt-4o" });
const MESSAGES: Array<[string, string]> = [
  ["user", "Every Monday at 9, summarise last week's EMEA sales"],
  ["assistant", "Sure — which figures?"],
  ["user", "Revenue and top 5 deals"],
];
const NOWHERE = "00000000-0000-4000-8000-000000000000";
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A draft task with its prompt ready, exported through REST. */
async function readyTask(u: TestUserToken): Promise<string> {
  const { threadId } = await createThreadWithMessages(server, u.token, MESSAGES, { title: "Sales digest" });
  const exported = await rest(server, "POST", `/thread/${threadId}/export`, { token: u.token, body: {} });
  expect(exported.status).toBe(202);
  await runJobs(offlinePrompt);
  return exported.body.task_id as string;
}

async function activeTask(u: TestUserToken): Promise<string> {
  const id = await readyTask(u);
  expect(
    (await rest(server, "POST", `/tasks/${id}/schedule`, { token: u.token, body: { schedule_type: "daily", scheduled_at: future(1) } }))
      .status,
  ).toBe(200);
  return id;
}

const GQL_TASK = `taskId accountId sourceThreadId agentId name description generatedPrompt originalMessageCount isScheduled scheduleType scheduledAt
  cronExpression timezone lastExecutedAt nextExecutionAt executionCount maxExecutions status metadata promptStatus promptError promptSource
  promptGeneratedAt needsReview reviewReasons missedCount scheduleDescription suggestedSchedule overlapPolicy notifyOn notifyOverdue failureThreshold runMemory consecutiveFailures pausedReason
  createdAt updatedAt originalMessages`;

test("the plan's flow through REST with a real JWT: export (waiting for the prompt) → schedule → execute → history; GraphQL sees the same task", async () => {
  const a = await apiUser();
  const { threadId, agentId } = await createThreadWithMessages(server, a.token, MESSAGES, { title: "Sales digest" });

  // The client waits up to 20 s; the worker generates the prompt meanwhile → 201 with the prompt.
  const exporting = rest(server, "POST", `/thread/${threadId}/export?wait=20`, {
    token: a.token,
    body: { task_name: "Weekly sales", task_description: "EMEA" },
  });
  let done = false;
  void exporting.finally(() => (done = true));
  while (!done) {
    await runJobs(offlinePrompt);
    await new Promise((r) => setTimeout(r, 50));
  }
  const exported = await exporting;
  expect(exported.status).toBe(201);
  expect(exported.body).toMatchObject({ original_message_count: 3, agent_id: agentId, source_thread_id: threadId, prompt_status: "ready" });
  expect(exported.body.generated_prompt).toMatch(/Revenue and top 5 deals/);
  const taskId = exported.body.task_id as string;
  expect(exported.headers.get("location")).toBe(`/api/tasks/${taskId}`);

  const got = await rest(server, "GET", `/tasks/${taskId}`, { token: a.token });
  expect(got.status).toBe(200);
  expect(got.body).toMatchObject({
    name: "Weekly sales",
    description: "EMEA",
    status: "draft",
    generated_prompt: exported.body.generated_prompt,
  });
  expect(got.body.original_messages.map((m: { content: string }) => m.content)).toEqual(MESSAGES.map(([, c]) => c));

  const scheduled = await rest(server, "POST", `/tasks/${taskId}/schedule`, {
    token: a.token,
    body: { schedule_type: "weekly", scheduled_at: future(2), timezone: "Europe/London", max_executions: 12 },
  });
  expect(scheduled.status).toBe(200);
  expect(scheduled.body).toMatchObject({
    status: "active",
    is_scheduled: true,
    schedule_type: "weekly",
    timezone: "Europe/London",
    max_executions: 12,
  });
  expect(scheduled.body.next_execution_at).not.toBeNull();

  const executed = await rest(server, "POST", `/tasks/${taskId}/execute`, { token: a.token, body: { reason: "try it now" } });
  expect(executed.status).toBe(202);
  expect(executed.body).toMatchObject({ task_id: taskId, status: "pending", trigger_type: "manual" });
  expect(executed.body.execution_context).toMatchObject({ reason: "try it now", requested_by: a.sub });
  expect(executed.headers.get("location")).toBe(`/api/tasks/${taskId}/executions`);
  await runRuns(offline());

  const history = await rest(server, "GET", `/tasks/${taskId}/executions`, { token: a.token });
  expect(history.status).toBe(200);
  expect(history.body).toMatchObject({ total_count: 1, limit: 50, offset: 0 });
  expect(history.body.executions[0]).toMatchObject({ execution_id: executed.body.execution_id, status: "completed" });
  expect(history.body.executions[0].thread_id).not.toBeNull();

  const listed = await rest(server, "GET", "/tasks?status=active", { token: a.token });
  expect(listed.body.total_count).toBe(1);
  expect(listed.body.tasks[0].task_id).toBe(taskId);

  // The same task, read through GraphQL with the same token, is the REST task field for field.
  const viaRest = (await rest(server, "GET", `/tasks/${taskId}`, { token: a.token })).body;
  const viaGql = await gql(server, `query($id: UUID!) { scheduledTaskByTaskId(taskId: $id) { ${GQL_TASK} } }`, { id: taskId }, a.token);
  expect(viaGql.errors).toBeUndefined();
  expect(snakeKeys(viaGql.data!.scheduledTaskByTaskId)).toEqual(viaRest);
  const { task_id: _t, ...listedFields } = listed.body.tasks[0];
  const { original_messages: _m, task_id: _t2, ...detailFields } = viaRest;
  expect(listedFields).toEqual(detailFields);
  const execGql = await gql(
    server,
    `query($id: UUID!) { scheduledTaskByTaskId(taskId: $id) { taskExecutionsByTaskId { nodes { executionId status threadId results } } } }`,
    { id: taskId },
    a.token,
  );
  const e = execGql.data!.scheduledTaskByTaskId.taskExecutionsByTaskId.nodes[0];
  expect(snakeKeys(e)).toEqual({
    execution_id: history.body.executions[0].execution_id,
    status: "completed",
    thread_id: history.body.executions[0].thread_id,
    results: history.body.executions[0].results,
  });
});

test("export: 202 at once (or after ?wait= runs out) with a URL to poll; invalid input 422 naming the field; ST005 422; 413; 400; 401", async () => {
  const a = await apiUser();
  const { threadId } = await createThreadWithMessages(server, a.token, MESSAGES);
  const started = Date.now();
  const waited = await rest(server, "POST", `/thread/${threadId}/export?wait=1`, { token: a.token });
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(waited.status).toBe(202);
  expect(waited.body).toMatchObject({ prompt_status: "pending", generated_prompt: null });
  expect(waited.headers.get("retry-after")).toBe("1");
  expect(waited.headers.get("location")).toBe(waited.body.status_url);
  await runJobs(offlinePrompt);
  const polled = await rest(server, "GET", waited.body.status_url.replace(/^\/api/, ""), { token: a.token });
  expect(polled.body).toMatchObject({ prompt_status: "ready", status: "draft" });

  expect((await rest(server, "POST", `/thread/${threadId}/export?wait=31`, { token: a.token })).body.error).toMatchObject({
    code: "ST003",
    field: "wait",
  });
  expect((await rest(server, "POST", `/thread/${threadId}/export`, { token: a.token, body: { task_name: 5 } })).body.error).toMatchObject({
    code: "ST003",
    field: "task_name",
  });
  const tooLong = await rest(server, "POST", `/thread/${threadId}/export`, { token: a.token, body: { task_name: "x".repeat(300) } });
  expect(tooLong.status).toBe(422); // refused by export_thread itself
  expect(tooLong.body.error).toMatchObject({ code: "ST003", field: "task_name" });
  expect((await rest(server, "POST", `/thread/${NOWHERE}/export`, { token: a.token })).body.error.code).toBe("ST001");

  const { threadId: silent } = await createThreadWithMessages(server, a.token, [["assistant", "Hello"]]);
  const nothing = await rest(server, "POST", `/thread/${silent}/export`, { token: a.token });
  expect(nothing.status).toBe(422);
  expect(nothing.body.error.code).toBe("ST005");

  const big = await rest(server, "POST", `/thread/${threadId}/export`, { token: a.token, body: { task_description: "x".repeat(70_000) } });
  expect(big.status).toBe(413);
  expect(big.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  const malformed = await rest(server, "POST", `/thread/${threadId}/export`, { token: a.token, rawBody: "{nope" });
  expect(malformed.status).toBe(400);
  expect(malformed.body.error.code).toBe("BAD_REQUEST");

  const anonymous = await rest(server, "POST", `/thread/${threadId}/export`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.body.error.code).toBe("ST401");
  const forged = await rest(server, "POST", `/thread/${threadId}/export`, {
    token: await signToken({ sub: a.sub }, { secret: "x".repeat(40) }),
  });
  expect(forged.status).toBe(401);
  expect(forged.body.error.code).toBe("UNAUTHENTICATED");
  expect(forged.headers.get("www-authenticate")).toMatch(/Bearer/);
});

test("GET /api/tasks: status filter, sort and order, limit (default 50) and offset, total count; limits refused naming the field", async () => {
  const a = await apiUser();
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await readyTask(a));
  const client = await superuserPool().connect();
  try {
    for (const [i, id] of ids.entries()) {
      await client.query(
        "update app_public.scheduled_tasks set name = $2, status = $3, next_execution_at = now() + make_interval(hours => $4) where task_id = $1",
        [id, `task-${"cab"[i]}`, i === 2 ? "paused" : "active", 10 - i],
      );
    }
  } finally {
    client.release();
  }
  const names = (r: { body: { tasks: Array<{ name: string }> } }) => r.body.tasks.map((t) => t.name);
  const all = await rest(server, "GET", "/tasks", { token: a.token });
  expect(all.body).toMatchObject({ total_count: 3, limit: 50, offset: 0 });
  expect(names(await rest(server, "GET", "/tasks?sort=name&order=asc", { token: a.token }))).toEqual(["task-a", "task-b", "task-c"]);
  expect(names(await rest(server, "GET", "/tasks?sort=next_execution_at&order=asc", { token: a.token }))).toEqual([
    "task-b",
    "task-a",
    "task-c",
  ]);
  expect(names(await rest(server, "GET", "/tasks?sort=created_at&order=desc", { token: a.token }))).toEqual(["task-b", "task-a", "task-c"]);
  const page = await rest(server, "GET", "/tasks?status=active&sort=name&limit=1&offset=1", { token: a.token });
  expect(page.body).toMatchObject({ total_count: 2, limit: 1, offset: 1 });
  expect(names(page)).toEqual(["task-a"]); // active: c, a (name, descending by default)
  for (const [query, field] of [
    ["status=running", "status"],
    ["sort=status", "sort"],
    ["order=up", "order"],
    ["limit=-1", "limit"],
    ["limit=5000", "limit"],
    ["offset=x", "offset"],
    ["colour=red", "colour"],
  ]) {
    const r = await rest(server, "GET", `/tasks?${query}`, { token: a.token });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: "ST003", field });
  }
});

test("PUT: edits fields, changes status through pause/resume (409 and nothing changed when refused), 422 naming the field", async () => {
  const a = await apiUser();
  const id = await activeTask(a);
  const edited = await rest(server, "PUT", `/tasks/${id}`, {
    token: a.token,
    body: { name: "Renamed", description: null, generated_prompt: "Do the thing", status: "paused" },
  });
  expect(edited.status).toBe(200);
  expect(edited.body).toMatchObject({
    name: "Renamed",
    description: null,
    generated_prompt: "Do the thing",
    prompt_source: "user",
    status: "paused",
    next_execution_at: null,
  });
  // the overlap policy (judged when an occurrence is due): set through REST, refused with the allowed values when unknown
  const policy = await rest(server, "PUT", `/tasks/${id}`, { token: a.token, body: { overlap_policy: "buffer_one" } });
  expect({ status: policy.status, overlap_policy: policy.body.overlap_policy }).toEqual({ status: 200, overlap_policy: "buffer_one" });
  const badPolicy = await rest(server, "PUT", `/tasks/${id}`, { token: a.token, body: { overlap_policy: "queue_all" } });
  expect(badPolicy.status).toBe(422);
  expect(badPolicy.body.error).toMatchObject({
    code: "ST003",
    field: "overlap_policy",
    message: expect.stringMatching(/skip, buffer_one, allow_all, cancel_other/),
  });
  // the same status again is no change; resuming goes through resume_task
  expect((await rest(server, "PUT", `/tasks/${id}`, { token: a.token, body: { status: "paused" } })).body.status).toBe("paused");
  expect((await rest(server, "PUT", `/tasks/${id}`, { token: a.token, body: { status: "active" } })).body.status).toBe("active");

  const draft = await readyTask(a);
  const refused = await rest(server, "PUT", `/tasks/${draft}`, { token: a.token, body: { name: "Not applied", status: "active" } });
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: "ST002", message: expect.stringMatching(/paused/) });
  expect((await rest(server, "GET", `/tasks/${draft}`, { token: a.token })).body).toMatchObject({ name: "Sales digest", status: "draft" });

  for (const [body, field] of [
    [{ status: "completed" }, "status"],
    [{ name: "" }, "name"],
    [{ name: 1 }, "name"],
    [{ owner: "me" }, "owner"],
  ] as const) {
    const r = await rest(server, "PUT", `/tasks/${id}`, { token: a.token, body });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ field });
  }
  expect((await rest(server, "PUT", `/tasks/${id}`, { token: a.token, rawBody: "[" })).status).toBe(400);
  expect((await rest(server, "PUT", `/tasks/${id}`, { token: a.token, body: { description: "x".repeat(70_000) } })).status).toBe(413);
});

test("schedule, execute, pause, resume, delete: documented conflicts and invalid input", async () => {
  const a = await apiUser();
  const { threadId } = await createThreadWithMessages(server, a.token, MESSAGES);
  const pending = (await rest(server, "POST", `/thread/${threadId}/export`, { token: a.token })).body.task_id as string;
  const notReady = await rest(server, "POST", `/tasks/${pending}/schedule`, { token: a.token, body: { schedule_type: "daily" } });
  expect(notReady.status).toBe(409);
  expect(notReady.body.error.code).toBe("ST006");
  await runJobs(offlinePrompt);

  const badCron = await rest(server, "POST", `/tasks/${pending}/schedule`, {
    token: a.token,
    body: { schedule_type: "cron", cron_expression: "* * *" },
  });
  expect(badCron.status).toBe(422);
  expect(badCron.body.error).toMatchObject({ code: "ST003", field: "cron_expression" });
  expect(
    (await rest(server, "POST", `/tasks/${pending}/schedule`, { token: a.token, body: { schedule_type: "hourly" } })).body.error.field,
  ).toBe("schedule_type");
  expect((await rest(server, "POST", `/tasks/${pending}/schedule`, { token: a.token, body: {} })).body.error.field).toBe("schedule_type");
  expect(
    (
      await rest(server, "POST", `/tasks/${pending}/schedule`, {
        token: a.token,
        body: { schedule_type: "once", scheduled_at: "2020-01-01T00:00:00Z" },
      })
    ).body.error.field,
  ).toBe("scheduled_at");
  expect(
    (
      await rest(server, "POST", `/tasks/${pending}/schedule`, {
        token: a.token,
        body: { schedule_type: "once", scheduled_at: "tomorrow" },
      })
    ).body.error.field,
  ).toBe("scheduled_at");
  expect((await rest(server, "POST", `/tasks/${pending}/schedule`, { token: a.token, rawBody: "{" })).status).toBe(400);
  expect(
    (
      await rest(server, "POST", `/tasks/${pending}/schedule`, {
        token: a.token,
        body: { schedule_type: "cron", cron_expression: "x".repeat(70_000) },
      })
    ).status,
  ).toBe(413);

  expect((await rest(server, "POST", `/tasks/${pending}/pause`, { token: a.token })).body.error.code).toBe("ST002"); // a draft is not active
  expect((await rest(server, "POST", `/tasks/${pending}/resume`, { token: a.token })).status).toBe(409);
  expect(
    (
      await rest(server, "POST", `/tasks/${pending}/schedule`, {
        token: a.token,
        body: { schedule_type: "daily", scheduled_at: future(1) },
      })
    ).status,
  ).toBe(200);
  expect((await rest(server, "POST", `/tasks/${pending}/pause`, { token: a.token })).body.status).toBe("paused");
  expect((await rest(server, "POST", `/tasks/${pending}/resume`, { token: a.token })).body.status).toBe("active");

  expect((await rest(server, "POST", `/tasks/${pending}/execute`, { token: a.token })).status).toBe(202);
  const twice = await rest(server, "POST", `/tasks/${pending}/execute`, { token: a.token });
  expect(twice.status).toBe(409);
  expect(twice.body.error.code).toBe("ST009");
  expect((await rest(server, "POST", `/tasks/${pending}/execute`, { token: a.token, body: { reason: 5 } })).body.error.field).toBe(
    "reason",
  );
  expect((await rest(server, "POST", `/tasks/${pending}/execute`, { token: a.token, rawBody: "{" })).status).toBe(400);
  expect((await rest(server, "POST", `/tasks/${pending}/execute`, { token: a.token, body: { reason: "x".repeat(70_000) } })).status).toBe(
    413,
  );
  await runRuns(offline());

  expect((await rest(server, "GET", `/tasks/${pending}/executions?limit=x`, { token: a.token })).status).toBe(422);
  expect((await rest(server, "DELETE", `/tasks/${pending}`, { token: a.token })).status).toBe(204);
  expect((await rest(server, "GET", `/tasks/${pending}`, { token: a.token })).status).toBe(404);
  expect((await rest(server, "DELETE", `/tasks/${pending}`, { token: a.token })).status).toBe(404);
});

test("plan limits answer 429 with Retry-After: executions per month (ST008), prompt generations per hour (ST013)", async () => {
  const a = await apiUser();
  const id = await readyTask(a);
  const client = await superuserPool().connect();
  try {
    await client.query(
      `insert into app_private.owner_usage (owner_user_id, period, executions) values ($1, app_private.usage_period(now()), 100000)
       on conflict (owner_user_id, period) do update set executions = excluded.executions`,
      [a.sub],
    );
  } finally {
    client.release();
  }
  const used = await rest(server, "POST", `/tasks/${id}/execute`, { token: a.token });
  expect(used.status).toBe(429);
  expect(used.body.error.code).toBe("ST008");
  const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1));
  expect(Math.abs(Number(used.headers.get("retry-after")) - (nextMonth.getTime() - Date.now()) / 1000)).toBeLessThan(60);

  const { threadId } = await createThreadWithMessages(server, a.token, MESSAGES);
  const exportIt = () => rest(server, "POST", `/thread/${threadId}/export`, { token: a.token });
  let last = await exportIt();
  for (let i = 0; i < 40 && last.status === 202; i++) last = await exportIt();
  expect(last.status).toBe(429);
  expect(last.body.error.code).toBe("ST013");
  const retryAfter = Number(last.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(3000);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  await runJobs(offlinePrompt);
});

test("another account's task or thread is 404 on every route, and stays unchanged", async () => {
  const a = await apiUser();
  const b = await apiUser();
  const id = await activeTask(a);
  const { threadId } = await createThreadWithMessages(server, a.token, MESSAGES);
  const routes: Array<[string, string, unknown?]> = [
    ["POST", `/thread/${threadId}/export`, {}],
    ["GET", `/tasks/${id}`],
    ["PUT", `/tasks/${id}`, { name: "stolen" }],
    ["PUT", `/tasks/${id}`, { status: "paused" }],
    ["DELETE", `/tasks/${id}`],
    ["POST", `/tasks/${id}/schedule`, { schedule_type: "daily" }],
    ["POST", `/tasks/${id}/execute`, {}],
    ["POST", `/tasks/${id}/pause`],
    ["POST", `/tasks/${id}/resume`],
    ["GET", `/tasks/${id}/executions`],
  ];
  for (const [method, path, body] of routes) {
    const r = await rest(server, method, path, { token: b.token, body });
    expect([method, path, r.status]).toEqual([method, path, 404]);
    expect(["ST001", "NOT_FOUND"]).toContain(r.body.error.code);
  }
  expect((await rest(server, "GET", "/tasks", { token: b.token })).body.total_count).toBe(0);
  const mine = await rest(server, "GET", `/tasks/${id}`, { token: a.token });
  expect(mine.body).toMatchObject({ name: "Sales digest", status: "active" });
  const exec = await rest(server, "GET", `/tasks/${id}/executions`, { token: a.token });
  expect(exec.body.total_count).toBe(0);
  // and a task id that exists nowhere is the same 404
  expect((await rest(server, "GET", `/tasks/${NOWHERE}`, { token: a.token })).status).toBe(404);
});

test("every route: 401 without a token, 429 over the per-user limit (Retry-After, shared with /graphql), 503 while the database is down", async () => {
  const a = await apiUser();
  const id = await readyTask(a);
  const routes: Array<[string, string, unknown?]> = [
    ["POST", `/thread/${NOWHERE}/export`, {}],
    ["GET", "/tasks"],
    ["GET", `/tasks/${id}`],
    ["PUT", `/tasks/${id}`, { name: "x" }],
    ["DELETE", `/tasks/${NOWHERE}`],
    ["POST", `/tasks/${id}/schedule`, { schedule_type: "daily" }],
    ["POST", `/tasks/${id}/execute`, {}],
    ["POST", `/tasks/${id}/pause`],
    ["POST", `/tasks/${id}/resume`],
    ["GET", `/tasks/${id}/executions`],
    ["GET", "/notifications"],
    ["POST", "/notifications/read"],
    ["POST", `/notifications/${NOWHERE}/read`],
    ["PUT", `/accounts/${NOWHERE}/notifications`, { notify_on: "never" }],
  ];
  for (const [method, path, body] of routes) expect((await rest(server, method, path, { body })).status).toBe(401);
  // a malformed id is invalid input naming the path parameter, on every route that takes one
  for (const [method, path, body] of routes) {
    if (!/[0-9a-f-]{36}/.test(path)) continue;
    const r = await rest(server, method, path.replace(/[0-9a-f-]{36}/, "not-a-uuid"), { token: a.token, body });
    const field = (
      { thread: "thread_id", tasks: "task_id", notifications: "notification_id", accounts: "account_id" } as Record<string, string>
    )[path.split("/")[1]!];
    expect([method, path, r.status, r.body.error.field]).toEqual([method, path, 422, field]);
  }

  const limited = await startTestServer({ RATE_LIMIT_PER_USER: "1" });
  try {
    expect((await gql(limited, "{ currentUser { rowId } }", {}, a.token)).status).toBe(200);
    for (const [method, path, body] of routes) {
      const r = await rest(limited, method, path, { token: a.token, body });
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe("RATE_LIMITED");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  } finally {
    await limited.close();
  }

  // The database behind a proxy that is then closed.
  const target = new URL(process.env.TEST_AUTH_URL!);
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((c) => {
    const up = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [c, up]) {
      sockets.add(s);
      s.on("error", () => undefined);
    }
    c.pipe(up).pipe(c);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const authUrl = new URL(process.env.TEST_AUTH_URL!);
  authUrl.hostname = "127.0.0.1";
  authUrl.port = String((proxy.address() as net.AddressInfo).port);
  const config = loadConfig({ ...process.env, PORT: "0", GRAPHIQL: "false" });
  const down = await startServer({ config, authUrl: authUrl.toString(), jwt: { ...config.jwt, secret: process.env.TEST_JWT_SECRET } });
  try {
    expect((await rest(down, "GET", "/tasks", { token: a.token })).status).toBe(200); // provisioned while up
    for (const s of sockets) s.resetAndDestroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    for (const [method, path, body] of routes) {
      const r = await rest(down, method, path, { token: a.token, body });
      expect([method, path, r.status]).toEqual([method, path, 503]);
      expect(r.body.error.code).toBe("DATABASE_UNAVAILABLE");
      expect(r.headers.get("retry-after")).toBe("5");
    }
  } finally {
    await down.close();
  }
});

test("POST /api/schedules/parse: ok / refused / ambiguous, the spec posted as it is to /schedule; 401, 422 naming the field, 429", async () => {
  const a = await apiUser();
  const now = "2027-03-10T10:00:00.000Z";
  const ok = await rest(server, "POST", "/schedules/parse", {
    token: a.token,
    body: { text: "every weekday at 9am", timezone: "Europe/Paris", now, count: 2 },
  });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({
    status: "ok",
    spec: { schedule_type: "cron", scheduled_at: null, cron_expression: "0 9 * * 1-5", timezone: "Europe/Paris", max_executions: null },
    description: "At 09:00, Monday through Friday (Europe/Paris)",
    occurrences: ["2027-03-11T08:00:00.000Z", "2027-03-12T08:00:00.000Z"],
    used: ["every weekday", "at 9am"],
    source: "grammar",
  });
  const refused = await rest(server, "POST", "/schedules/parse", { token: a.token, body: { text: "every minute" } });
  expect(refused.body).toMatchObject({ status: "refused", refusal: "too_frequent", spec: null, occurrences: [] });
  const ambiguous = await rest(server, "POST", "/schedules/parse", { token: a.token, body: { text: "every day at 5" } });
  expect(ambiguous.body).toMatchObject({ status: "ambiguous", question: expect.stringMatching(/05:00 .* or 17:00/) });

  // the answer's spec is a ScheduleRequest: confirm it with one call
  const id = await readyTask(a);
  // the exported conversation ("Every Monday at 9, summarise …") came with a suggestion; nothing is scheduled by it
  const draft = await rest(server, "GET", `/tasks/${id}`, { token: a.token });
  expect(draft.body).toMatchObject({
    status: "draft",
    schedule_type: null,
    suggested_schedule: { scheduleType: "weekly", words: "Every Monday at 9, summarise last week's EMEA sales", source: "grammar" },
  });
  const parsed = await rest(server, "POST", "/schedules/parse", {
    token: a.token,
    body: { text: "tomorrow at 8am", timezone: "Asia/Tokyo" },
  });
  const scheduled = await rest(server, "POST", `/tasks/${id}/schedule`, { token: a.token, body: parsed.body.spec });
  expect(scheduled.status).toBe(200);
  expect(scheduled.body).toMatchObject({ status: "active", schedule_type: "once", schedule_description: parsed.body.description });
  expect(Date.parse(scheduled.body.next_execution_at)).toBe(Date.parse(parsed.body.occurrences[0]));

  expect((await rest(server, "POST", "/schedules/parse", { body: { text: "every day at 9" } })).status).toBe(401);
  for (const [body, field] of [
    [{ text: "x".repeat(501) }, "text"],
    [{ text: "every day at 9", timezone: "Mars/Olympus" }, "timezone"],
    [{ text: "every day at 9", count: 0 }, "count"],
    [{}, "text"],
  ] as const) {
    const r = await rest(server, "POST", "/schedules/parse", { token: a.token, body });
    expect([r.status, r.body.error.code, r.body.error.field]).toEqual([422, "ST003", field]);
  }
  const limited = await startTestServer({ RATE_LIMIT_PER_USER: "1" });
  try {
    expect((await rest(limited, "POST", "/schedules/parse", { token: a.token, body: { text: "every day at 9" } })).status).toBe(200);
    const r = await rest(limited, "POST", "/schedules/parse", { token: a.token, body: { text: "every day at 9" } });
    expect([r.status, r.body.error.code]).toEqual([429, "RATE_LIMITED"]);
  } finally {
    await limited.close();
  }
});

test("the OpenAPI document is served as written, with a local Swagger UI at /api/docs (no CDN)", async () => {
  const served = await (await fetch(`${server.url}/api/openapi.json`)).json();
  expect(served).toEqual(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "src/http/rest/openapi.json"), "utf8")));
  expect(served.openapi).toMatch(/^3\.1\./);
  const page = await fetch(`${server.url}/api/docs`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).not.toMatch(/https?:\/\//);
  for (const asset of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
    const res = await fetch(`${server.url}${asset}`);
    expect([asset, res.status]).toEqual([asset, 200]);
    const text = await res.text();
    if (asset.endsWith("init.js")) expect(text).toMatch(/"\/api\/openapi\.json"/);
  }
  const missing = await fetch(`${server.url}/api/docs/no-such-file.js`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  const unknown = await rest(server, "GET", "/tasks/x/y/z", { token: (await apiUser()).token }).catch((e: Error) => e);
  expect(unknown).toBeInstanceOf(Error); // not a documented path: the contract helper refuses it
});

test("notifications through REST: a task's policy (PUT), the account default, the inbox (list, unread filter, mark read); others get 404", async () => {
  const a = await apiUser();
  const b = await apiUser();
  const id = await activeTask(a);
  const put = await rest(server, "PUT", `/tasks/${id}`, {
    token: a.token,
    body: { notify_on: "always", failure_threshold: 5, run_memory: true },
  });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({
    notify_on: "always",
    notify_overdue: null,
    failure_threshold: 5,
    run_memory: true,
    consecutive_failures: 0,
    paused_reason: null,
  });
  const badPolicy = await rest(server, "PUT", `/tasks/${id}`, { token: a.token, body: { notify_on: "loud" } });
  expect([badPolicy.status, badPolicy.body.error.field]).toEqual([422, "notify_on"]);
  expect((await rest(server, "PUT", `/tasks/${id}`, { token: a.token, body: { failure_threshold: 2000 } })).body.error.field).toBe(
    "failure_threshold",
  );
  expect((await rest(server, "PUT", `/tasks/${id}`, { token: b.token, body: { notify_on: "never" } })).status).toBe(404);

  const accountId = put.body.account_id as string;
  const acc = await rest(server, "PUT", `/accounts/${accountId}/notifications`, {
    token: a.token,
    body: { notify_on: "change", notify_overdue: false },
  });
  expect([acc.status, acc.body]).toEqual([200, { account_id: accountId, notify_on: "change", notify_overdue: false }]);
  expect((await rest(server, "PUT", `/accounts/${accountId}/notifications`, { token: a.token, body: {} })).status).toBe(422);
  expect((await rest(server, "PUT", `/accounts/${accountId}/notifications`, { token: b.token, body: { notify_on: "never" } })).status).toBe(
    404,
  );

  // a run ends (as the run stage ends it): the inbox has it
  const { rows } = await superuserPool().query(
    "insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at) values ($1, $2, 'running', 'manual', now()) returning execution_id",
    [id, accountId],
  );
  await superuserPool().query(
    "update app_public.task_executions set status = 'failed', completed_at = now(), error_message = 'HTTP 500 from the model' where execution_id = $1",
    [rows[0].execution_id],
  );
  const inbox = await rest(server, "GET", "/notifications?limit=10", { token: a.token });
  expect(inbox.status).toBe(200);
  expect(inbox.body).toMatchObject({ total_count: 1, unread_count: 1, limit: 10, offset: 0 });
  expect(inbox.body.notifications[0]).toMatchObject({
    kind: "run.failed",
    task_id: id,
    execution_id: rows[0].execution_id,
    summary: "Failed: HTTP 500 from the model",
    read_at: null,
  });
  expect((await rest(server, "GET", "/notifications?unread=maybe", { token: a.token })).body.error.field).toBe("unread");
  const nid = inbox.body.notifications[0].notification_id as string;
  expect((await rest(server, "POST", `/notifications/${nid}/read`, { token: b.token })).status).toBe(404);
  const read = await rest(server, "POST", `/notifications/${nid}/read`, { token: a.token });
  expect(read.status).toBe(200);
  expect(read.body.read_at).not.toBeNull();
  expect((await rest(server, "GET", "/notifications?unread=true", { token: a.token })).body).toMatchObject({
    total_count: 0,
    unread_count: 0,
  });
  expect((await rest(server, "GET", "/notifications", { token: a.token })).body.total_count).toBe(1);
  expect((await rest(server, "POST", "/notifications/read", { token: a.token })).body).toEqual({ updated: 0 });
  expect((await rest(server, "GET", "/notifications", { token: b.token })).body.total_count).toBe(0);
});

test("every status each operation documents was seen above, with a body matching the document", () => {
  const missing = documentedStatuses().filter((s) => !seen.has(s));
  expect(missing).toEqual([]);
});
