/**
 * Attack catalogue, issue 10 row 9: hammering one task with concurrent executeTask while its run
 * starts. execute_task and start_execution take the task row before the execution row (one lock
 * order), so the losers get ST009 and nobody gets a deadlock ("An error occurred").
 */
import crypto from "node:crypto";
import type pg from "pg";
import { gql, signToken } from "../helpers/api.js";
import { as, superuserPool } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";
import { ownerPool } from "../helpers/worker.js";
import { server, useServer } from "../helpers/harness.js";

useServer();

async function userWithTask() {
  const sub = crypto.randomUUID();
  const token = await signToken({ sub });
  const me = await gql(server, "{ allAccounts { nodes { rowId } } }", {}, token);
  const accountId = me.data!.allAccounts.nodes[0].rowId as string;
  const client = await superuserPool().connect();
  try {
    const t = await seedTenant(client, accountId);
    return { sub, token, accountId, taskId: t.taskId };
  } finally {
    client.release();
  }
}

async function waitUntilBlocked(pid: number) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await superuserPool().query("select wait_event_type from pg_stat_activity where pid = $1", [pid]);
    if (rows[0]?.wait_event_type === "Lock") return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the start never waited on a lock");
}

test("executeTask while the task's pending run is being started: ST009, not a deadlock", async () => {
  const u = await userWithTask();
  const { rows } = await superuserPool().query(
    "insert into app_public.task_executions (task_id, account_id, status) values ($1, $2, 'pending') returning execution_id",
    [u.taskId, u.accountId],
  );
  const executionId = rows[0].execution_id as string;

  // the API request: holds the task row (as execute_task does first) ...
  const api = await superuserPool().connect();
  const starter: pg.PoolClient = await ownerPool().connect();
  try {
    await api.query("begin");
    await as(api, u.sub);
    await api.query("select 1 from app_public.scheduled_tasks where task_id = $1 for update", [u.taskId]);
    // ... while the run pool starts the pending run
    const pid = (await starter.query("select pg_backend_pid() as pid")).rows[0].pid as number;
    const started = starter.query("select app_private.start_execution($1, 'offline', 'gpt-4o') as s", [executionId]);
    await waitUntilBlocked(pid);
    // execute_task now inserts its execution: the one lock order makes it a plain ST009
    await expect(api.query("select app_public.execute_task($1)", [u.taskId])).rejects.toMatchObject({ code: "ST009" });
    await api.query("rollback");
    const s = (await started).rows[0].s;
    expect(s).toMatchObject({ execution_id: executionId, task_id: u.taskId });
  } finally {
    await api.query("rollback").catch(() => undefined);
    api.release();
    starter.release();
  }
});

test("20 concurrent executeTask on one task while runs start: one succeeds, the rest get ST009, none 'An error occurred'", async () => {
  const u = await userWithTask();
  let stop = false;
  // a run pool's start path, as fast as it can go
  const starting = (async () => {
    while (!stop) {
      await ownerPool().query(
        "select app_private.start_execution(e.execution_id, 'offline', 'gpt-4o') from app_public.task_executions e where e.task_id = $1 and e.status = 'pending'",
        [u.taskId],
      );
      await new Promise((r) => setImmediate(r));
    }
  })();
  const results = await Promise.all(
    Array.from({ length: 20 }, () =>
      gql(server, `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { executionId } } }`, { id: u.taskId }, u.token),
    ),
  );
  stop = true;
  await starting;
  const codes = results.map((r) => (r.errors ? (r.errors[0]?.extensions?.code ?? r.errors[0]?.message) : "ok"));
  expect(codes.filter((c) => c === "ok")).toHaveLength(1);
  expect(codes.filter((c) => c === "ST009")).toHaveLength(19);
});
