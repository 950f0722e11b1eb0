/**
 * Notification deliveries through the real worker tasks: signed webhooks to a loopback receiver that verifies them
 * with the `standardwebhooks` library, exponential back-off and the delivery log, the SSRF guard, bounded timeouts and
 * response sizes, auto-disable, the Slack body, the diff of a changed answer, email to a real SMTP server
 * (`smtp-server`) with the per-user opt-out, overdue alerts and the hourly digest.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TaskList } from "graphile-worker";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";
import { loadConfig, type NotificationsConfig } from "../../src/config.js";
import { startWorker } from "../../src/worker.js";
import { blockedAddressReason } from "../../src/notifications/webhook.js";
import { makeDeliverWebhook } from "../../tasks/deliver_webhook.js";
import { makeSendNotificationEmail } from "../../tasks/send_notification_email.js";
import { notificationDiff, shortDiff } from "../../tasks/notification_diff.js";
import { notificationDigest } from "../../tasks/notification_digest.js";
import { checkOverdueRuns } from "../../tasks/check_overdue_runs.js";
import { as, asRoot, closePools, createUser, superuserPool } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";
import { waitFor } from "../helpers/waitFor.js";
import { closeOwnerPool, runJobs } from "../helpers/worker.js";
import { runRuns } from "../helpers/runs.js";
import { makeOfflineExecutor } from "../../src/agent/offlineExecutor.js";
import { notificationDeliveries, notificationsTotal } from "../../src/metrics.js";
import { deliveryTaskList, taskList } from "../../tasks/index.js";

/** The current value of a delivery counter (prom-client, the one registry). */
async function delivered(channel: string, outcome: string): Promise<number> {
  return (await notificationDeliveries.get()).values.find((v) => v.labels.channel === channel && v.labels.outcome === outcome)?.value ?? 0;
}

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A loopback receiver; `answer` decides each response (default 200). */
async function receiver(answer: (n: number, res: http.ServerResponse) => void = (_n, res) => void res.end("ok")) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      answer(received.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())), server };
}

const WEBHOOKS: NotificationsConfig["webhooks"] = {
  allowedHosts: ["127.0.0.1"], // the tests' receivers are on loopback: allowed explicitly, as an operator would
  timeoutMs: 2000,
  maxResponseBytes: 1024,
  maxAttempts: 3,
  retryBaseMs: 10,
  disableAfterFailures: 50,
};
const tasks = (webhooks: Partial<NotificationsConfig["webhooks"]> = {}): TaskList => ({
  deliver_webhook: makeDeliverWebhook({ ...WEBHOOKS, ...webhooks }),
  notification_diff: notificationDiff,
  notification_digest: notificationDigest,
  check_overdue_runs: checkOverdueRuns,
});

afterAll(async () => {
  await closeOwnerPool();
  await closePools();
});

const db = () => superuserPool();

beforeEach(async () => {
  await db().query("update app_private.notification_settings set max_per_hour = 1000, failure_threshold = 0, email_enabled = false");
});

async function tenant(email?: string) {
  const client = await db().connect();
  try {
    await client.query("begin"); // createUser's claims are transaction-local
    const user = await createUser(client, email);
    const t = await seedTenant(client, user.personalAccountId);
    await client.query("commit");
    return { user, ...t };
  } finally {
    client.release();
  }
}

async function endRun(taskId: string, accountId: string, status: "completed" | "failed", text: string): Promise<string> {
  const { rows } = await db().query(
    "insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at) values ($1, $2, 'running', 'manual', now()) returning execution_id",
    [taskId, accountId],
  );
  await db().query(
    `update app_public.task_executions set status = $2::text, completed_at = now(),
            error_message = case when $2::text = 'failed' then $3::text end,
            results = case when $2::text = 'completed' then jsonb_build_object('final_answer', $3::text) else '{}'::jsonb end
      where execution_id = $1`,
    [rows[0].execution_id, status, text],
  );
  return rows[0].execution_id;
}

async function endpoint(
  accountId: string,
  url: string,
  extra: { format?: string; event_types?: string[] } = {},
): Promise<{ endpoint_id: string; secret: string }> {
  const { rows } = await db().query(
    "insert into app_public.webhook_endpoints (account_id, url, format, event_types) values ($1, $2, $3, $4) returning endpoint_id, secret",
    [accountId, url, extra.format ?? "standard", extra.event_types ?? []],
  );
  return rows[0];
}

async function deliveries(endpointId: string) {
  return (
    await db().query(
      "select status, attempts, last_status_code, last_error, next_attempt_at, event_type from app_public.webhook_deliveries where endpoint_id = $1 order by created_at",
      [endpointId],
    )
  ).rows;
}

test("a failed run is POSTed to the account's endpoint, signed per Standard Webhooks (verified with the standardwebhooks library), and logged", async () => {
  const r = await receiver();
  try {
    const t = await tenant();
    const ep = await endpoint(t.accountId, r.url);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const executionId = await endRun(t.taskId, t.accountId, "failed", "the model timed out\nafter 3 tries");
    const before = await delivered("webhook", "delivered");
    await runJobs(tasks());
    expect(await delivered("webhook", "delivered")).toBe(before + 1);
    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    // the receiver verifies like any Standard Webhooks consumer would: a wrong secret fails, the right one passes
    expect(() => new Webhook("whsec_" + Buffer.alloc(32, 1).toString("base64")).verify(got.body, got.headers)).toThrow();
    const payload = new Webhook(ep.secret).verify(got.body, got.headers) as {
      type: string;
      timestamp: string;
      data: Record<string, unknown>;
    };
    expect(payload.type).toBe("run.failed");
    expect(payload.data).toMatchObject({
      task_id: t.taskId,
      execution_id: executionId,
      account_id: t.accountId,
      status: "failed",
      title: "“Task” failed",
      summary: "Failed: the model timed out / after 3 tries",
    });
    const [d] = await deliveries(ep.endpoint_id);
    expect(d).toMatchObject({
      status: "delivered",
      attempts: 1,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
      event_type: "run.failed",
    });
    expect(got.headers["webhook-id"]).toBe(
      (await db().query("select delivery_id from app_public.webhook_deliveries where endpoint_id = $1", [ep.endpoint_id])).rows[0]
        .delivery_id,
    );
    // an endpoint that did not ask for run.failed gets nothing
    const other = await endpoint(t.accountId, r.url, { event_types: ["run.completed"] });
    await endRun(t.taskId, t.accountId, "failed", "again");
    await runJobs(tasks());
    expect(await deliveries(other.endpoint_id)).toEqual([]);
  } finally {
    await r.close();
  }
});

test("a failing receiver is retried with exponential back-off (next try in the log) until it answers 2xx", async () => {
  const r = await receiver((n, res) => {
    res.statusCode = n < 3 ? 503 : 204;
    res.end();
  });
  try {
    const t = await tenant();
    const ep = await endpoint(t.accountId, r.url);
    const before = Date.now();
    await endRun(t.taskId, t.accountId, "failed", "boom");
    await runJobs(tasks({ retryBaseMs: 1000 }));
    let [d] = await deliveries(ep.endpoint_id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, last_status_code: 503, last_error: "HTTP 503" });
    const wait1 = new Date(d.next_attempt_at).getTime() - before;
    expect(wait1).toBeGreaterThanOrEqual(1000);
    expect(wait1).toBeLessThan(1100 + (Date.now() - before));
    // the second wait is twice the first: bring the job forward instead of sleeping, and compare the planned delays
    await db().query("update graphile_worker._private_jobs set run_at = now() where key like 'deliver_webhook:%'");
    const second = Date.now();
    await runJobs(tasks({ retryBaseMs: 1000 }));
    [d] = await deliveries(ep.endpoint_id);
    expect(d).toMatchObject({ status: "pending", attempts: 2, last_status_code: 503 });
    const wait2 = new Date(d.next_attempt_at).getTime() - second;
    expect(wait2).toBeGreaterThanOrEqual(2000);
    expect(wait2).toBeLessThan(2300 + (Date.now() - second));
    await db().query("update graphile_worker._private_jobs set run_at = now() where key like 'deliver_webhook:%'");
    await runJobs(tasks({ retryBaseMs: 1000 }));
    [d] = await deliveries(ep.endpoint_id);
    expect(d).toMatchObject({ status: "delivered", attempts: 3, last_status_code: 204, next_attempt_at: null });
    expect(r.received.map((x) => x.headers["webhook-id"])).toEqual(Array(3).fill(r.received[0]!.headers["webhook-id"]));
  } finally {
    await r.close();
  }
});

test("SSRF: loopback, private, link-local and metadata addresses are refused unless the host is allow-listed; nothing is sent", async () => {
  for (const bad of [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fe80::1",
    "fd00:ec2::254",
    "::ffff:127.0.0.1",
    "::ffff:a9fe:a9fe",
  ]) {
    expect([bad, blockedAddressReason(bad)]).toEqual([bad, expect.stringMatching(/loopback, private, link-local, metadata or reserved/)]);
  }
  for (const good of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"]) expect(blockedAddressReason(good)).toBeNull();

  const r = await receiver();
  try {
    const t = await tenant();
    const ep = await endpoint(t.accountId, r.url);
    const local = await endpoint(t.accountId, r.url.replace("127.0.0.1", "localhost"));
    await endRun(t.taskId, t.accountId, "failed", "boom");
    const refusedBefore = await delivered("webhook", "refused");
    await runJobs(tasks({ allowedHosts: [] }));
    expect(await delivered("webhook", "refused")).toBe(refusedBefore + 2);
    expect(r.received).toEqual([]);
    for (const id of [ep.endpoint_id, local.endpoint_id]) {
      const [d] = await deliveries(id);
      // refused for good: no back-off for an address that will not change its nature
      expect(d).toMatchObject({ status: "failed", attempts: 1, last_status_code: null, next_attempt_at: null });
      expect(d.last_error).toMatch(/^refused: (127\.0\.0\.1|localhost) resolves to (127\.0\.0\.1|::1) is a loopback/);
    }
  } finally {
    await r.close();
  }
});

test("bounded: a receiver that never answers times out; one that streams forever is cut after WEBHOOK_MAX_RESPONSE_BYTES", async () => {
  const silent = await receiver(() => undefined);
  const endless = await receiver((_n, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write(Buffer.alloc(4096, 120)), 5);
    res.on("close", () => clearInterval(timer));
  });
  try {
    const t = await tenant();
    const a = await endpoint(t.accountId, silent.url);
    const b = await endpoint(t.accountId, endless.url);
    await endRun(t.taskId, t.accountId, "failed", "boom");
    const started = Date.now();
    await runJobs(tasks({ timeoutMs: 300, maxAttempts: 1 }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await deliveries(a.endpoint_id))[0]).toMatchObject({ status: "failed", last_error: "timed out after 300 ms" });
    expect((await deliveries(b.endpoint_id))[0]).toMatchObject({ status: "delivered", last_status_code: 200 });
  } finally {
    silent.server.closeAllConnections();
    endless.server.closeAllConnections();
    await silent.close();
    await endless.close();
  }
});

test("auto-disable: after a long run of failures the endpoint is turned off, the account is told, and later events skip it", async () => {
  const r = await receiver((_n, res) => {
    res.statusCode = 500;
    res.end();
  });
  try {
    const t = await tenant();
    const ep = await endpoint(t.accountId, r.url);
    for (let i = 0; i < 3; i++) await endRun(t.taskId, t.accountId, "failed", `e${i}`);
    const [failedBefore, disabledBefore] = [await delivered("webhook", "failed"), await delivered("webhook", "disabled")];
    await runJobs(tasks({ maxAttempts: 1, disableAfterFailures: 3 }));
    expect([await delivered("webhook", "failed"), await delivered("webhook", "disabled")]).toEqual([failedBefore + 3, disabledBefore + 1]);
    const row = (
      await db().query("select enabled, disabled_reason, consecutive_failures from app_public.webhook_endpoints where endpoint_id = $1", [
        ep.endpoint_id,
      ])
    ).rows[0];
    expect(row.enabled).toBe(false);
    expect(row.disabled_reason).toMatch(/^turned off after 3 failed delivery attempts in a row \(last: HTTP 500\)/);
    const told = (
      await db().query("select kind, summary from app_public.notifications where account_id = $1 and kind = 'endpoint.disabled'", [
        t.accountId,
      ])
    ).rows;
    expect(told).toHaveLength(1);
    expect(told[0].summary).toContain(r.url);
    await endRun(t.taskId, t.accountId, "failed", "later");
    expect(await deliveries(ep.endpoint_id)).toHaveLength(3);
    // re-enabled by its owner: the count starts again
    await db().query("update app_public.webhook_endpoints set enabled = true where endpoint_id = $1", [ep.endpoint_id]);
    expect(
      (
        await db().query("select consecutive_failures, disabled_reason from app_public.webhook_endpoints where endpoint_id = $1", [
          ep.endpoint_id,
        ])
      ).rows[0],
    ).toEqual({ consecutive_failures: 0, disabled_reason: null });
  } finally {
    await r.close();
  }
});

test("change: the diff job writes a short diff into the inbox and the Slack-compatible body carries it", async () => {
  const r = await receiver();
  try {
    const t = await tenant();
    await db().query("update app_public.scheduled_tasks set notify_on = 'change' where task_id = $1", [t.taskId]);
    await endRun(t.taskId, t.accountId, "completed", "Deals:\nACME 10k\nGlobex 5k");
    const ep = await endpoint(t.accountId, r.url, { format: "slack" });
    await endRun(t.taskId, t.accountId, "completed", "Deals:\nACME 12k\nGlobex 5k");
    await runJobs(tasks());
    const inbox = (
      await db().query("select summary, diff from app_public.notifications where task_id = $1 order by created_at", [t.taskId])
    ).rows;
    expect(inbox.map((n) => n.diff)).toEqual([null, "- ACME 10k\n+ ACME 12k"]);
    expect(r.received).toHaveLength(1);
    expect(JSON.parse(r.received[0]!.body)).toEqual({
      text: "*“Task”: the answer changed*\nChanged: Deals: / ACME 12k / Globex 5k\n```\n- ACME 10k\n+ ACME 12k\n```",
    });
    expect(new Webhook(ep.secret).verify(r.received[0]!.body, r.received[0]!.headers)).toBeTruthy();
    expect(shortDiff("a\nb\nc", "a\nx\nc\nd\ne", 2)).toBe("- b\n+ x\n… 2 more changed lines");
  } finally {
    await r.close();
  }
});

test("email: text and HTML from one template to a real SMTP server; a user who opted out gets none", async () => {
  const mails: string[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, cb) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString()));
      stream.on("end", () => {
        mails.push(raw);
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
  const port = (smtp.server.address() as AddressInfo).port;
  try {
    await db().query("update app_private.notification_settings set email_enabled = true");
    const t = await tenant("ada@example.com");
    const quiet = await tenant("bob@example.com");
    const client = await db().connect();
    try {
      await client.query("begin");
      await as(client, quiet.user.id);
      expect((await client.query("select (app_public.set_email_notifications(false)).email_notifications as on")).rows[0].on).toBe(false);
      await asRoot(client);
      await client.query("commit");
    } finally {
      client.release();
    }
    await endRun(t.taskId, t.accountId, "failed", "Quota <exceeded> & stopped");
    await endRun(quiet.taskId, quiet.accountId, "failed", "also failed");
    const email = { smtpUrl: `smtp://127.0.0.1:${port}`, from: "Tasks <tasks@example.com>", publicUrl: "https://tasks.example.com" };
    const sentBefore = await delivered("email", "delivered");
    await runJobs({ send_notification_email: makeSendNotificationEmail(email) });
    await waitFor(() => mails.length === 1, { what: "the email" });
    expect(await delivered("email", "delivered")).toBe(sentBefore + 1);
    const raw = mails[0]!.replace(/=\r\n/g, "");
    expect(raw).toMatch(/^To: ada@example\.com/m);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?Q\?=5BScheduled_tasks=5D_=E2=80=9CTask\?/m); // "[Scheduled tasks] “Task” failed", encoded
    expect(raw).toMatch(/Content-Type: text\/plain/);
    expect(raw).toMatch(/Content-Type: text\/html/);
    expect(raw).toContain("Failed: Quota <exceeded> & stopped"); // plain text, as is
    expect(raw).toContain("Failed: Quota &lt;exceeded&gt; &amp; stopped"); // HTML, escaped
    expect(raw).toContain(`https://tasks.example.com/api/tasks/${t.taskId}/executions`);
    const sent = (
      await db().query(
        "select u.email, n.emailed_at is not null as emailed from app_public.notifications n join app_public.users u on u.id = n.user_id where n.task_id = any($1)",
        [[t.taskId, quiet.taskId]],
      )
    ).rows;
    expect(sent).toEqual(
      expect.arrayContaining([
        { email: "ada@example.com", emailed: true },
        { email: "bob@example.com", emailed: false },
      ]),
    );
  } finally {
    await db().query("update app_private.notification_settings set email_enabled = false");
    await new Promise<void>((r) => smtp.close(() => r()));
  }
});

test("overdue check and hourly digest through their jobs", async () => {
  const t = await tenant();
  await db().query("update app_private.notification_settings set max_per_hour = 1");
  await db().query(
    "insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for) values ($1, $2, 'pending', 'schedule', now() - interval '6 minutes')",
    [t.taskId, t.accountId],
  );
  await db().query("select graphile_worker.add_job('check_overdue_runs', '{}'::json)"); // as the crontab does every minute
  const overdueBefore = (await notificationsTotal.get()).values.find((v) => v.labels.kind === "run.overdue")?.value ?? 0;
  await runJobs({ check_overdue_runs: checkOverdueRuns });
  expect((await notificationsTotal.get()).values.find((v) => v.labels.kind === "run.overdue")?.value).toBe(overdueBefore + 1);
  await db().query("update app_public.task_executions set status = 'cancelled' where task_id = $1 and status = 'pending'", [t.taskId]);
  await endRun(t.taskId, t.accountId, "failed", "held back 1");
  await endRun(t.taskId, t.accountId, "failed", "held back 2");
  expect(
    (await db().query("select kind from app_public.notifications where account_id = $1", [t.accountId])).rows.map((r) => r.kind),
  ).toEqual(["run.overdue"]);
  // the hour ends: move the held-back ones an hour back instead of waiting, then the crontab's digest job runs
  await db().query("update app_private.notification_holdbacks set window_start = window_start - interval '1 hour' where account_id = $1", [
    t.accountId,
  ]);
  await db().query("select graphile_worker.add_job('notification_digest', '{}'::json)");
  await runJobs({ notification_digest: notificationDigest });
  const digest = (
    await db().query("select summary from app_public.notifications where account_id = $1 and kind = 'notifications.coalesced'", [
      t.accountId,
    ])
  ).rows;
  expect(digest).toEqual([{ summary: "Held back to avoid a flood (0 told that hour): 2 run.failed." }]);
});

test("through the real run stage: a run the run pool completes tells `always` tasks, with the answer's first lines", async () => {
  const t = await tenant();
  await db().query("update app_public.task_executions set status = 'cancelled' where status = 'pending'");
  await db().query("update app_public.scheduled_tasks set notify_on = 'always' where task_id = $1", [t.taskId]);
  const { rows } = await db().query(
    "insert into app_public.task_executions (task_id, account_id, status, trigger_type) values ($1, $2, 'pending', 'manual') returning execution_id",
    [t.taskId, t.accountId],
  );
  await runRuns(makeOfflineExecutor({ defaultModel: "gpt-4o" }));
  const told = (await db().query("select kind, summary, execution_id from app_public.notifications where task_id = $1", [t.taskId])).rows;
  expect(told).toEqual([
    { kind: "run.completed", summary: expect.stringMatching(/^Completed: \[Dry run/), execution_id: rows[0].execution_id },
  ]);
  expect(
    (await db().query("select answer_fingerprint from app_public.task_executions where execution_id = $1", [rows[0].execution_id])).rows[0]
      .answer_fingerprint,
  ).toMatch(/^[0-9a-f]{64}$/);
});

test("circuit breaker never waits for a locked task row (the run stage's lock order is task, then execution): it trips at the next failure", async () => {
  await db().query("update app_private.notification_settings set failure_threshold = 2");
  const t = await tenant();
  await db().query(
    "update app_public.scheduled_tasks set status = 'active', is_scheduled = true, schedule_type = 'daily', scheduled_at = now() + interval '1 day' where task_id = $1",
    [t.taskId],
  );
  await endRun(t.taskId, t.accountId, "failed", "e1");
  const { rows } = await db().query(
    "insert into app_public.task_executions (task_id, account_id, status, trigger_type, started_at) values ($1, $2, 'running', 'manual', now()) returning execution_id",
    [t.taskId, t.accountId],
  );
  const holder = await db().connect();
  try {
    await holder.query("begin");
    await holder.query("select 1 from app_public.scheduled_tasks where task_id = $1 for update", [t.taskId]); // as pauseTask / cancelExecution do
    const started = Date.now();
    // the second failure in a row: the breaker would pause now, but the task row is held; it must not wait for it
    await db().query(
      "update app_public.task_executions set status = 'failed', completed_at = now(), error_message = 'e2' where execution_id = $1",
      [rows[0].execution_id],
    );
    expect(Date.now() - started).toBeLessThan(2000);
    await holder.query("commit");
  } finally {
    holder.release();
  }
  const status = async () =>
    (await db().query("select status from app_public.scheduled_tasks where task_id = $1", [t.taskId])).rows[0].status;
  expect(await status()).toBe("active");
  await endRun(t.taskId, t.accountId, "failed", "e3");
  expect(await status()).toBe("paused");
});

test("the worker process delivers in a pool of its own: a receiver that hangs does not hold dispatch's slots", async () => {
  const hanging = await receiver(() => undefined); // never answers
  const ok = await receiver();
  const config = loadConfig({
    ...process.env,
    WORKER_CONCURRENCY: "1",
    NOTIFY_DELIVERY_CONCURRENCY: "2",
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
    WEBHOOK_TIMEOUT_MS: "30000",
  });
  const worker = await startWorker({
    ownerUrl: process.env.TEST_OWNER_URL!,
    config,
    tasks: taskList(config),
    deliveryTasks: deliveryTaskList(config),
  });
  try {
    const t = await tenant();
    await endpoint(t.accountId, hanging.url);
    await endpoint(t.accountId, ok.url);
    await endRun(t.taskId, t.accountId, "failed", "boom");
    await waitFor(() => ok.received.length === 1 && hanging.received.length === 1, {
      what: "both deliveries attempted",
      timeoutMs: 10_000,
    });
    // the general pool (concurrency 1) still runs its jobs while a delivery hangs
    await db().query("select graphile_worker.add_job('check_overdue_runs', '{}'::json, job_key := 'overdue-probe')");
    await waitFor(async () => (await db().query("select 1 from graphile_worker.jobs where key = 'overdue-probe'")).rowCount === 0, {
      what: "the general pool's job",
      timeoutMs: 10_000,
    });
  } finally {
    hanging.server.closeAllConnections();
    await worker.stop();
    await hanging.close();
    await ok.close();
  }
});
