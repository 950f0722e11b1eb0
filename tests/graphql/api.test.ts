/**
 * The generated GraphQL API with real signed JWTs: threads and messages, agents, tasks
 * (filter, order, pagination, count, update, delete), read-only executions, pause/resume,
 * team accounts — and another user sees none of it.
 */
import crypto from "node:crypto";
import { gql, signToken, startTestServer } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";
import { server, useServer } from "../helpers/harness.js";

useServer();

async function newUser(email?: string) {
  const sub = crypto.randomUUID();
  const token = await signToken({ sub, ...(email ? { email } : {}) });
  const res = await gql(server, "{ currentUser { rowId } allAccounts { nodes { rowId personalAccount } } }", {}, token);
  expect(res.errors).toBeUndefined();
  const personal = res.data!.allAccounts.nodes.find((n: { personalAccount: boolean }) => n.personalAccount);
  return { sub, token, accountId: personal.rowId as string };
}

test("threads and messages: A creates and reads them; B sees none and cannot post into A's thread", async () => {
  const a = await newUser("a@example.com");
  const b = await newUser("b@example.com");
  const created = await gql(
    server,
    `mutation { createThread(input: { thread: { title: "Weekly report" } }) { thread { threadId accountId title } } }`,
    {},
    a.token,
  );
  expect(created.errors).toBeUndefined();
  const thread = created.data!.createThread.thread;
  expect(thread.accountId).toBe(a.accountId); // no account_id given: lands in the personal account
  for (const [role, content] of [
    ["user", "Every Monday, summarise sales"],
    ["assistant", "Sure, which region?"],
    ["user", "EMEA only"],
  ]) {
    const m = await gql(
      server,
      `mutation($t: UUID!, $r: String!, $c: String!) { createMessage(input: { message: { threadId: $t, role: $r, content: $c } }) { message { messageId isLlmMessage } } }`,
      { t: thread.threadId, r: role, c: content },
      a.token,
    );
    expect(m.errors).toBeUndefined();
    expect(m.data!.createMessage.message.isLlmMessage).toBe(role !== "user");
  }
  const read = await gql(
    server,
    `query($t: UUID!) { threadByThreadId(threadId: $t) { title messagesByThreadId(orderBy: SEQ_ASC) { totalCount nodes { role content } } } }`,
    { t: thread.threadId },
    a.token,
  );
  expect(read.data!.threadByThreadId.messagesByThreadId.totalCount).toBe(3);
  expect(read.data!.threadByThreadId.messagesByThreadId.nodes.map((n: { content: string }) => n.content)).toEqual([
    "Every Monday, summarise sales",
    "Sure, which region?",
    "EMEA only",
  ]);

  const bRead = await gql(
    server,
    `query($t: UUID!) { threadByThreadId(threadId: $t) { title } allThreads { totalCount } allMessages { totalCount } }`,
    { t: thread.threadId },
    b.token,
  );
  expect(bRead.data).toEqual({ threadByThreadId: null, allThreads: { totalCount: 0 }, allMessages: { totalCount: 0 } });
  const bPost = await gql(
    server,
    `mutation($t: UUID!) { createMessage(input: { message: { threadId: $t, role: "user", content: "hi" } }) { message { messageId } } }`,
    { t: thread.threadId },
    b.token,
  );
  expect(bPost.errors?.[0]?.extensions?.code).toBe("ST001");
  const bMove = await gql(
    server,
    `mutation($t: UUID!) { createThread(input: { thread: { title: "x", accountId: $t } }) { thread { threadId } } }`,
    { t: a.accountId },
    b.token,
  );
  expect(bMove.errors?.[0]?.extensions?.code).toBe("42501");
});

test("agents: create, list, update, delete", async () => {
  const a = await newUser();
  const c = await gql(
    server,
    `mutation { createAgent(input: { agent: { name: "Researcher", systemPrompt: "Be precise", model: "gpt-4o-mini", temperature: 0.2, maxTokens: 1000 } }) { agent { agentId name } } }`,
    {},
    a.token,
  );
  expect(c.errors).toBeUndefined();
  const id = c.data!.createAgent.agent.agentId;
  const u = await gql(
    server,
    `mutation($id: UUID!) { updateAgentByAgentId(input: { agentId: $id, agentPatch: { name: "Analyst" } }) { agent { name } } }`,
    { id },
    a.token,
  );
  expect(u.data!.updateAgentByAgentId.agent.name).toBe("Analyst");
  const bad = await gql(
    server,
    `mutation { createAgent(input: { agent: { name: "x", temperature: 5 } }) { agent { agentId } } }`,
    {},
    a.token,
  );
  expect(bad.errors?.[0]?.extensions?.code).toBe("23514");
  expect((await gql(server, "{ allAgents { totalCount } }", {}, a.token)).data!.allAgents.totalCount).toBe(1);
  const d = await gql(server, `mutation($id: UUID!) { deleteAgentByAgentId(input: { agentId: $id }) { deletedAgentId } }`, { id }, a.token);
  expect(d.errors).toBeUndefined();
  expect((await gql(server, "{ allAgents { totalCount } }", {}, a.token)).data!.allAgents.totalCount).toBe(0);
});

test("scheduled tasks: filter by status, order, paginate, count, update allowed fields, delete; executions read-only", async () => {
  const a = await newUser();
  const b = await newUser();
  const client = await superuserPool().connect();
  const ids: string[] = [];
  try {
    for (const [i, status] of ["active", "paused", "active", "draft", "active"].entries()) {
      const t = await seedTenant(client, a.accountId);
      await client.query(
        "update app_public.scheduled_tasks set status = $2, name = $3, next_execution_at = now() + make_interval(hours => $4) where task_id = $1",
        [t.taskId, status, `task-${String.fromCharCode(101 - i)}`, 10 - i],
      );
      ids.push(t.taskId);
    }
    await seedTenant(client, b.accountId);
  } finally {
    client.release();
  }
  const list = await gql(
    server,
    `{ allScheduledTasks(condition: { status: "active" }, orderBy: NAME_ASC, first: 2, offset: 1) { totalCount nodes { name status } } }`,
    {},
    a.token,
  );
  expect(list.errors).toBeUndefined();
  expect(list.data!.allScheduledTasks.totalCount).toBe(3);
  expect(list.data!.allScheduledTasks.nodes.map((n: { name: string }) => n.name)).toEqual(["task-c", "task-e"]);
  const byNext = await gql(server, `{ allScheduledTasks(orderBy: NEXT_EXECUTION_AT_DESC) { nodes { name } } }`, {}, a.token);
  expect(byNext.data!.allScheduledTasks.nodes.map((n: { name: string }) => n.name)).toEqual([
    "task-e",
    "task-d",
    "task-c",
    "task-b",
    "task-a",
  ]);
  const byCreated = await gql(server, `{ allScheduledTasks(orderBy: CREATED_AT_ASC) { nodes { taskId } } }`, {}, a.token);
  expect(byCreated.data!.allScheduledTasks.nodes).toHaveLength(5);
  // Cursor (keyset) paging, as the README recommends for large lists: two pages of an account's tasks.
  const pageQuery = `query($acc: UUID!, $after: Cursor) { allScheduledTasks(condition: { accountId: $acc }, orderBy: NAME_DESC, first: 3, after: $after) { pageInfo { endCursor hasNextPage } nodes { name } } }`;
  const page1 = await gql(server, pageQuery, { acc: a.accountId, after: null }, a.token);
  expect(page1.errors).toBeUndefined();
  expect(page1.data!.allScheduledTasks.nodes.map((n: { name: string }) => n.name)).toEqual(["task-e", "task-d", "task-c"]);
  expect(page1.data!.allScheduledTasks.pageInfo.hasNextPage).toBe(true);
  const page2 = await gql(server, pageQuery, { acc: a.accountId, after: page1.data!.allScheduledTasks.pageInfo.endCursor }, a.token);
  expect(page2.data!.allScheduledTasks.nodes.map((n: { name: string }) => n.name)).toEqual(["task-b", "task-a"]);
  expect(page2.data!.allScheduledTasks.pageInfo.hasNextPage).toBe(false);

  const upd = await gql(
    server,
    `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { name: "Renamed", description: "d", generatedPrompt: "Do the thing" } }) { scheduledTask { name description generatedPrompt promptSource } } }`,
    { id: ids[0] },
    a.token,
  );
  expect(upd.errors).toBeUndefined();
  expect(upd.data!.updateScheduledTaskByTaskId.scheduledTask).toEqual({
    name: "Renamed",
    description: "d",
    generatedPrompt: "Do the thing",
    promptSource: "user",
  });
  const statusPatch = await gql(
    server,
    `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { status: "completed" } }) { scheduledTask { status } } }`,
    { id: ids[0] },
    a.token,
  );
  expect(statusPatch.errors?.[0]?.message).toMatch(/status/); // not in the patch type: status changes only through functions
  const tooLong = await gql(
    server,
    `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { name: "" } }) { scheduledTask { name } } }`,
    { id: ids[0] },
    a.token,
  );
  expect(tooLong.errors?.[0]?.extensions?.code).toBe("23514");

  const execs = await gql(
    server,
    `query($id: UUID!) { scheduledTaskByTaskId(taskId: $id) { taskExecutionsByTaskId { totalCount nodes { status } } } }`,
    { id: ids[0] },
    a.token,
  );
  expect(execs.data!.scheduledTaskByTaskId.taskExecutionsByTaskId).toEqual({ totalCount: 1, nodes: [{ status: "completed" }] });
  const mutationNames = await gql(server, `{ __type(name: "Mutation") { fields { name } } }`);
  const names = mutationNames.data!.__type.fields.map((f: { name: string }) => f.name);
  expect(names.filter((n: string) => /TaskExecution|AgentRun|createScheduledTask/.test(n))).toEqual([]);

  const bDel = await gql(
    server,
    `mutation($id: UUID!) { deleteScheduledTaskByTaskId(input: { taskId: $id }) { deletedScheduledTaskId } }`,
    { id: ids[1] },
    b.token,
  );
  expect(bDel.errors).toMatchObject([{ message: expect.stringMatching(/^No values were deleted in collection 'scheduled_tasks'/) }]); // RLS: B cannot see it
  const del = await gql(
    server,
    `mutation($id: UUID!) { deleteScheduledTaskByTaskId(input: { taskId: $id }) { deletedScheduledTaskId } }`,
    { id: ids[1] },
    a.token,
  );
  expect(del.errors).toBeUndefined();
  expect((await gql(server, "{ allScheduledTasks { totalCount } }", {}, a.token)).data!.allScheduledTasks.totalCount).toBe(4);
});

test("pauseTask / resumeTask enforce transitions with documented codes; B gets not-found", async () => {
  const a = await newUser();
  const b = await newUser();
  const client = await superuserPool().connect();
  let taskId: string;
  try {
    const t = await seedTenant(client, a.accountId);
    taskId = t.taskId;
    await client.query(
      "update app_public.scheduled_tasks set status = 'active', is_scheduled = true, schedule_type = 'daily', scheduled_at = now() + interval '1 day', next_execution_at = now() + interval '1 day' where task_id = $1",
      [taskId],
    );
  } finally {
    client.release();
  }
  const pause = `mutation($id: UUID!) { pauseTask(input: { taskId: $id }) { result { status } } }`;
  const resume = `mutation($id: UUID!) { resumeTask(input: { taskId: $id }) { result { status } } }`;
  const bPause = await gql(server, pause, { id: taskId }, b.token);
  expect(bPause).toMatchObject({ errors: [{ extensions: { code: "ST001" } }] });
  expect((await gql(server, resume, { id: taskId }, a.token)).errors?.[0]).toMatchObject({
    extensions: { code: "ST002" },
    message: expect.stringMatching(/only a paused task can be resumed/),
  });
  expect((await gql(server, pause, { id: taskId }, a.token)).data!.pauseTask.result.status).toBe("paused");
  expect((await gql(server, pause, { id: taskId }, a.token)).errors?.[0]?.extensions?.code).toBe("ST002");
  expect((await gql(server, resume, { id: taskId }, a.token)).data!.resumeTask.result.status).toBe("active");
  expect((await gql(server, pause, { id: taskId })).errors?.[0]?.extensions?.code).toBe("ST001"); // anonymous
});

test("team accounts: owners invite, invitees accept; members read; only owners manage membership", async () => {
  const owner = await newUser();
  const member = await newUser();
  const outsider = await newUser();
  const team = await gql(
    server,
    `mutation { createAccount(input: { name: "Ops" }) { result { rowId personalAccount } } }`,
    {},
    owner.token,
  );
  expect(team.errors).toBeUndefined();
  const teamId = team.data!.createAccount.result.rowId;
  expect(team.data!.createAccount.result.personalAccount).toBe(false);
  const invite = `mutation($a: UUID!, $u: UUID!, $r: String!) { inviteToAccount(input: { accountId: $a, userId: $u, accountRole: $r }) { result { invitationId } } }`;
  const accept = `mutation($i: UUID!) { acceptInvitation(input: { invitationId: $i }) { result { accountRole } } }`;
  const inv = await gql(server, invite, { a: teamId, u: member.sub, r: "member" }, owner.token);
  expect(inv.errors).toBeUndefined();
  expect(
    (await gql(server, accept, { i: inv.data!.inviteToAccount.result.invitationId }, member.token)).data!.acceptInvitation.result,
  ).toEqual({ accountRole: "member" });
  // the owner's thread in the team account is visible to the member
  const t = await gql(
    server,
    `mutation($a: UUID!) { createThread(input: { thread: { title: "Team thread", accountId: $a } }) { thread { threadId } } }`,
    { a: teamId },
    owner.token,
  );
  expect(t.errors).toBeUndefined();
  expect((await gql(server, "{ allThreads { nodes { title } } }", {}, member.token)).data!.allThreads.nodes).toEqual([
    { title: "Team thread" },
  ]);
  expect((await gql(server, "{ allThreads { totalCount } }", {}, outsider.token)).data!.allThreads.totalCount).toBe(0);
  // a member cannot invite people or remove the owner
  expect((await gql(server, invite, { a: teamId, u: outsider.sub, r: "owner" }, member.token)).errors?.[0]?.extensions?.code).toBe("ST004");
  const remove = `mutation($a: UUID!, $u: UUID!) { deleteAccountMembershipByAccountIdAndUserId(input: { accountId: $a, userId: $u }) { deletedAccountMembershipId } }`;
  expect((await gql(server, remove, { a: teamId, u: owner.sub }, member.token)).errors).toMatchObject([
    { message: expect.stringMatching(/^No values were deleted in collection 'account_memberships'/) },
  ]);
  // the last owner cannot leave; the owner removes the member
  expect((await gql(server, remove, { a: teamId, u: owner.sub }, owner.token)).errors?.[0]?.extensions?.code).toBe("ST004");
  expect((await gql(server, remove, { a: teamId, u: member.sub }, owner.token)).errors).toBeUndefined();
  expect((await gql(server, "{ allThreads { totalCount } }", {}, member.token)).data!.allThreads.totalCount).toBe(0);
  // personal accounts cannot be shared
  expect((await gql(server, invite, { a: owner.accountId, u: member.sub, r: "member" }, owner.token)).errors?.[0]?.extensions?.code).toBe(
    "ST003",
  );
});

test("health endpoints and GraphiQL only when enabled", async () => {
  expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
  expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: "ready" });
  expect((await fetch(`${server.url}/graphiql`)).status).toBe(404);
  const withUi = await startTestServer({ GRAPHIQL: "true" });
  try {
    const res = await fetch(`${withUi.url}/graphiql`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/ruru|graphiql/i);
  } finally {
    await withUi.close();
  }
});
