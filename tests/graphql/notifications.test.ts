/**
 * Notifications through GraphQL with real signed JWTs: the policy of a task and the account default, the inbox
 * (list, count, mark read), the live `notificationAdded` subscription (only your own; anonymous refused), webhook
 * endpoints and their delivery log under RLS, and the email opt-out.
 */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { ApiServer } from "../../src/http/server.js";
import { gql, startTestServer } from "../helpers/api.js";
import { closePools, superuserPool } from "../helpers/db.js";
import { apiUser, createThreadWithMessages, type TestUserToken } from "../helpers/flows.js";
import { waitFor } from "../helpers/waitFor.js";
import { closeOwnerPool, runJobs } from "../helpers/worker.js";
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";

let server: ApiServer;
beforeAll(async () => {
  server = await startTestServer();
  await superuserPool().query("update app_private.notification_settings set max_per_hour = 1000, email_enabled = false");
});
afterAll(async () => {
  await server.close();
  await closeOwnerPool();
  await closePools();
});

const offlinePrompt = { generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) };

async function task(u: TestUserToken): Promise<{ taskId: string; accountId: string }> {
  const { threadId } = await createThreadWithMessages(server, u.token, [["user", "Check the status page every hour."]], {
    title: "Status",
  });
  const res = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId accountId } } }`,
    { t: threadId },
    u.token,
  );
  expect(res.errors).toBeUndefined();
  await runJobs(offlinePrompt);
  return res.data!.exportThread.result;
}

/** Ends a run of the task as the run stage would (an UPDATE of its status). */
async function failRun(taskId: string, accountId: string, error: string): Promise<string> {
  const { rows } = await superuserPool().query(
    "insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at) values ($1, $2, 'running', 'manual', now()) returning execution_id",
    [taskId, accountId],
  );
  await superuserPool().query(
    "update app_public.task_executions set status = 'failed', completed_at = now(), error_message = $2 where execution_id = $1",
    [rows[0].execution_id, error],
  );
  return rows[0].execution_id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- subscription payloads are untyped JSON
type Payload = Record<string, any>;

function subscribe(u: TestUserToken | null): { client: Client; events: Payload[] } {
  const client = createClient({
    url: server.url.replace("http", "ws") + "/graphql",
    webSocketImpl: WebSocket,
    connectionParams: u ? { authorization: `Bearer ${u.token}` } : {},
  });
  const events: Payload[] = [];
  client.subscribe(
    { query: `subscription { notificationAdded { event notification { kind title summary taskId executionId readAt } } }` },
    { next: (v) => void events.push(v), error: (e) => void events.push({ error: e }), complete: () => undefined },
  );
  return { client, events };
}

test("policy: a task's notifyOn / failureThreshold / runMemory and the account default are set through GraphQL; bad values name the field", async () => {
  const a = await apiUser();
  const { taskId, accountId } = await task(a);
  const read = await gql(
    server,
    `query($id: UUID!) { scheduledTaskByTaskId(taskId: $id) { notifyOn notifyOverdue failureThreshold runMemory effectiveNotifyOn consecutiveFailures } }`,
    { id: taskId },
    a.token,
  );
  expect(read.data!.scheduledTaskByTaskId).toEqual({
    notifyOn: null,
    notifyOverdue: null,
    failureThreshold: null,
    runMemory: false,
    effectiveNotifyOn: "failure",
    consecutiveFailures: 0,
  });

  const acc = await gql(
    server,
    `mutation($id: UUID!) { updateAccountByRowId(input: { rowId: $id, accountPatch: { notifyOn: "always", notifyOverdue: false } }) { account { notifyOn notifyOverdue } } }`,
    { id: accountId },
    a.token,
  );
  expect(acc.errors).toBeUndefined();
  expect(acc.data!.updateAccountByRowId.account).toEqual({ notifyOn: "always", notifyOverdue: false });

  const upd = await gql(
    server,
    `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { notifyOn: "change", notifyOverdue: true, failureThreshold: 5, runMemory: true } }) { scheduledTask { notifyOn notifyOverdue failureThreshold runMemory effectiveNotifyOn } } }`,
    { id: taskId },
    a.token,
  );
  expect(upd.errors).toBeUndefined();
  expect(upd.data!.updateScheduledTaskByTaskId.scheduledTask).toEqual({
    notifyOn: "change",
    notifyOverdue: true,
    failureThreshold: 5,
    runMemory: true,
    effectiveNotifyOn: "change",
  });

  const bad = await gql(
    server,
    `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { notifyOn: "hourly" } }) { scheduledTask { notifyOn } } }`,
    { id: taskId },
    a.token,
  );
  expect(bad.errors?.[0]).toMatchObject({
    message: expect.stringMatching(/^notify_on: must be never, failure, always or change/),
    extensions: { code: "ST003" },
  });
  // another user cannot change it
  const b = await apiUser();
  const other = await gql(
    server,
    `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { notifyOn: "never" } }) { scheduledTask { notifyOn } } }`,
    { id: taskId },
    b.token,
  );
  expect(other.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
});

test("inbox: the failed run arrives live on notificationAdded (only to its account's users), is listed, counted and marked read", async () => {
  const a = await apiUser();
  const b = await apiUser();
  const { taskId, accountId } = await task(a);
  await gql(server, `{ currentUser { rowId } }`, {}, b.token); // provision b
  // one subscriber connection LISTENs for all subscriptions: wait for each one's LISTEN in turn
  const listening = (u: TestUserToken) =>
    waitFor(
      async () =>
        (await superuserPool().query("select 1 from pg_stat_activity where query = $1", [`LISTEN "graphql:notifications:${u.sub}"`]))
          .rowCount,
      {
        what: "the subscription's LISTEN",
      },
    );
  const mine = subscribe(a);
  await listening(a);
  const theirs = subscribe(b);
  await listening(b);
  const anon = subscribe(null);
  try {
    await waitFor(() => anon.events.length > 0, { what: "the anonymous refusal" });
    expect(JSON.stringify(anon.events[0])).toContain("ST401");

    const executionId = await failRun(taskId, accountId, "upstream 502\nretry later");
    await waitFor(() => mine.events.length > 0, { what: "the live notification" });
    expect(mine.events[0]).toEqual({
      data: {
        notificationAdded: {
          event: "notification_added",
          notification: {
            kind: "run.failed",
            title: "“Status” failed",
            summary: "Failed: upstream 502 / retry later",
            taskId,
            executionId,
            readAt: null,
          },
        },
      },
    });

    const list = await gql(
      server,
      `{ unreadNotificationCount allNotifications(orderBy: CREATED_AT_DESC) { totalCount nodes { notificationId kind taskId executionId } } }`,
      {},
      a.token,
    );
    expect(list.data!.unreadNotificationCount).toBe(1);
    expect(list.data!.allNotifications.totalCount).toBe(1);
    const id = list.data!.allNotifications.nodes[0].notificationId;
    // b sees none and cannot mark a's
    const bList = await gql(server, `{ unreadNotificationCount allNotifications { totalCount } }`, {}, b.token);
    expect(bList.data).toEqual({ unreadNotificationCount: 0, allNotifications: { totalCount: 0 } });
    const steal = await gql(
      server,
      `mutation($id: UUID!) { markNotificationRead(input: { notificationId: $id }) { result { readAt } } }`,
      { id },
      b.token,
    );
    expect(steal.errors?.[0]?.extensions?.code).toBe("ST001");
    const mark = await gql(
      server,
      `mutation($id: UUID!) { markNotificationRead(input: { notificationId: $id }) { result { readAt } } }`,
      { id },
      a.token,
    );
    expect(mark.data!.markNotificationRead.result.readAt).not.toBeNull();
    await failRun(taskId, accountId, "again");
    const all = await gql(server, `mutation { markAllNotificationsRead(input: {}) { result } }`, {}, a.token);
    expect(all.data!.markAllNotificationsRead.result).toBe(1);
    expect((await gql(server, `{ unreadNotificationCount }`, {}, a.token)).data!.unreadNotificationCount).toBe(0);
    expect(theirs.events).toEqual([]);
  } finally {
    await mine.client.dispose();
    await theirs.client.dispose();
    await anon.client.dispose();
  }
});

test("webhook endpoints: created with a generated secret, checked, visible only to the account, with their delivery log", async () => {
  const a = await apiUser();
  const b = await apiUser();
  const { taskId, accountId } = await task(a);
  const bad = await gql(
    server,
    `mutation { createWebhookEndpoint(input: { webhookEndpoint: { url: "ftp://example.com/x" } }) { webhookEndpoint { endpointId } } }`,
    {},
    a.token,
  );
  expect(bad.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^url: must be an http/), extensions: { code: "ST003" } });
  const badType = await gql(
    server,
    `mutation { createWebhookEndpoint(input: { webhookEndpoint: { url: "https://example.com/x", eventTypes: ["run.exploded"] } }) { webhookEndpoint { endpointId } } }`,
    {},
    a.token,
  );
  expect(badType.errors?.[0]?.message).toMatch(/^event_types: "run.exploded" is not one of run.failed, /);
  const created = await gql(
    server,
    `mutation { createWebhookEndpoint(input: { webhookEndpoint: { url: "https://hooks.example.com/in", eventTypes: ["run.failed"], format: "slack" } }) { webhookEndpoint { endpointId accountId secret enabled format } } }`,
    {},
    a.token,
  );
  expect(created.errors).toBeUndefined();
  const ep = created.data!.createWebhookEndpoint.webhookEndpoint;
  expect(ep).toMatchObject({ accountId, enabled: true, format: "slack", secret: expect.stringMatching(/^whsec_/) });
  const rotated = await gql(
    server,
    `mutation($id: UUID!) { rotateWebhookSecret(input: { endpointId: $id }) { result { secret } } }`,
    { id: ep.endpointId },
    a.token,
  );
  expect(rotated.data!.rotateWebhookSecret.result.secret).not.toBe(ep.secret);

  await failRun(taskId, accountId, "boom");
  const log = await gql(server, `{ allWebhookDeliveries { nodes { endpointId eventType status attempts nextAttemptAt } } }`, {}, a.token);
  expect(log.data!.allWebhookDeliveries.nodes).toEqual([
    { endpointId: ep.endpointId, eventType: "run.failed", status: "pending", attempts: 0, nextAttemptAt: expect.any(String) },
  ]);

  const seen = await gql(server, `{ allWebhookEndpoints { totalCount } allWebhookDeliveries { totalCount } }`, {}, b.token);
  expect(seen.data).toEqual({ allWebhookEndpoints: { totalCount: 0 }, allWebhookDeliveries: { totalCount: 0 } });
  const steal = await gql(
    server,
    `mutation($id: UUID!) { rotateWebhookSecret(input: { endpointId: $id }) { result { secret } } }`,
    { id: ep.endpointId },
    b.token,
  );
  expect(steal.errors?.[0]?.extensions?.code).toBe("ST001");
  const disable = await gql(
    server,
    `mutation($id: UUID!) { updateWebhookEndpointByEndpointId(input: { endpointId: $id, webhookEndpointPatch: { enabled: false } }) { webhookEndpoint { enabled } } }`,
    { id: ep.endpointId },
    b.token,
  );
  expect(disable.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  expect(
    (await superuserPool().query("select enabled from app_public.webhook_endpoints where endpoint_id = $1", [ep.endpointId])).rows[0]
      .enabled,
  ).toBe(true);

  const optOut = await gql(
    server,
    `mutation { setEmailNotifications(input: { enabled: false }) { result { emailNotifications } } }`,
    {},
    a.token,
  );
  expect(optOut.data!.setEmailNotifications.result.emailNotifications).toBe(false);
});
