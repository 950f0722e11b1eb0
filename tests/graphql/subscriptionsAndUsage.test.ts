/**
 * README promises about what a user sees live and counted: `taskUpdated` reads the task and execution under RLS
 * (someone else's task id yields the event with nulls, while the owner gets the rows), and
 * `Account.executionsThisMonth` counts an account's executions as they are created, for its members only.
 */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";
import { gql } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { apiUser, createThreadWithMessages, type TestUserToken } from "../helpers/flows.js";
import { waitFor } from "../helpers/waitFor.js";
import { runJobs } from "../helpers/worker.js";
import { server, useServer } from "../helpers/harness.js";

useServer();

const offlinePrompt = { generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) };

async function exportedTask(u: TestUserToken): Promise<string> {
  const { threadId } = await createThreadWithMessages(server, u.token, [["user", "Post the standup summary every morning."]], {
    title: "Standup",
  });
  const res = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId } } }`,
    { t: threadId },
    u.token,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.exportThread.result.taskId as string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- subscription payloads are untyped JSON
type Payload = any;

/** Subscribes to taskUpdated as `u`; resolves once the server LISTENs on the task's channel. */
async function subscribe(u: TestUserToken, taskId: string): Promise<{ client: Client; events: Payload[] }> {
  const client = createClient({
    url: server.url.replace("http", "ws") + "/graphql",
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${u.token}` },
  });
  const events: Payload[] = [];
  client.subscribe(
    {
      query: `subscription($id: UUID!) { taskUpdated(taskId: $id) { event task { taskId promptStatus } execution { status } } }`,
      variables: { id: taskId },
    },
    { next: (v) => void events.push(v), error: (e) => void events.push({ error: e }), complete: () => undefined },
  );
  return { client, events };
}

test("taskUpdated: the owner gets the task; another user subscribing to its id is refused (ST001) and gets no events", async () => {
  const a = await apiUser();
  const b = await apiUser();
  const taskId = await exportedTask(a);
  const owner = await subscribe(a, taskId);
  const other = await subscribe(b, taskId);
  try {
    // both subscriptions LISTEN on the task's channel (one connection, two listeners: two LISTEN statements or one)
    await waitFor(
      async () =>
        (
          await superuserPool().query("select 1 from pg_stat_activity where query = $1 and state = 'idle'", [
            `LISTEN "graphql:task:${taskId}"`,
          ])
        ).rowCount,
      {
        what: "the subscriptions' LISTEN",
      },
    );
    await runJobs(offlinePrompt); // prompt generation: pending → ready
    await waitFor(() => owner.events.some((e) => e.data?.taskUpdated?.task?.promptStatus === "ready"), { what: "the owner's event" });
    await waitFor(() => other.events.length > 0, { what: "the other user's refusal" });
    expect(owner.events.at(-1)).toEqual({
      data: { taskUpdated: { event: "task_updated", task: { taskId, promptStatus: "ready" }, execution: null } },
    });
    const errorsOf = (e: Payload): Payload[] => (Array.isArray(e.errors) ? e.errors : Array.isArray(e.error) ? e.error : []);
    expect(other.events.flatMap(errorsOf).map((x) => x.extensions?.code)).toContain("ST001");
    expect(other.events.some((e) => e.data?.taskUpdated)).toBe(false);
  } finally {
    await owner.client.dispose();
    await other.client.dispose();
  }
});

test("executionsThisMonth counts the account's executions as they are created; others cannot read it", async () => {
  const a = await apiUser();
  const b = await apiUser();
  const taskIds = [await exportedTask(a), await exportedTask(a)]; // one live execution per task at a time
  await runJobs(offlinePrompt);
  const accounts = (u: TestUserToken) =>
    gql(server, "{ allAccounts { nodes { rowId personalAccount executionsThisMonth } } }", {}, u.token);
  const before = await accounts(a);
  expect(before.errors).toBeUndefined();
  expect(before.data!.allAccounts.nodes).toEqual([{ rowId: expect.any(String), personalAccount: true, executionsThisMonth: 0 }]);
  const accountId = before.data!.allAccounts.nodes[0].rowId as string;

  for (const taskId of taskIds) {
    const exec = await gql(
      server,
      `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { status } } }`,
      { id: taskId },
      a.token,
    );
    expect(exec.errors).toBeUndefined();
  }
  expect((await accounts(a)).data!.allAccounts.nodes[0].executionsThisMonth).toBe(2);
  // the counter is the one in the database (app_private.account_usage) …
  const { rows } = await superuserPool().query(
    "select executions from app_private.account_usage where account_id = $1 and period = app_private.usage_period(now())",
    [accountId],
  );
  expect(rows).toEqual([{ executions: 2 }]);
  // … and another user sees neither the account nor its count (their own account is at 0)
  const byB = await gql(server, "query($id: UUID!) { accountByRowId(rowId: $id) { executionsThisMonth } }", { id: accountId }, b.token);
  expect(byB.errors).toBeUndefined();
  expect(byB.data!.accountByRowId).toBeNull();
  expect((await accounts(b)).data!.allAccounts.nodes).toEqual([
    { rowId: expect.any(String), personalAccount: true, executionsThisMonth: 0 },
  ]);
});
