/**
 * Attack catalogue, issue 10 rows 4, 7, 8 and 10, plus the attacks that already held: reaching into
 * another tenant (by id, by subscription, by moving rows, by joining a team uninvited), learning
 * whether a user or a row exists, and bending tokens.
 */
import crypto from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { gql, signToken, startTestServer } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { seedTenant, type TenantRows } from "../helpers/fixtures.js";
import { server, useServer } from "../helpers/harness.js";

useServer();

interface User {
  sub: string;
  email: string;
  token: string;
  accountId: string;
}
async function newUser(): Promise<User> {
  const sub = crypto.randomUUID();
  const email = `${sub.slice(0, 8)}@tenant.test`;
  const token = await signToken({ sub, email });
  const me = await gql(server, "{ allAccounts { nodes { rowId } } }", {}, token);
  expect(me.errors).toBeUndefined();
  return { sub, email, token, accountId: me.data!.allAccounts.nodes[0].rowId as string };
}
async function seed(accountId: string): Promise<TenantRows> {
  const client = await superuserPool().connect();
  try {
    return await seedTenant(client, accountId);
  } finally {
    client.release();
  }
}
async function team(owner: User, name = "Team"): Promise<string> {
  const res = await gql(
    server,
    `mutation($n: String!) { createAccount(input: { name: $n }) { result { rowId } } }`,
    { n: name },
    owner.token,
  );
  return res.data!.createAccount.result.rowId as string;
}
const code = (res: { errors?: Array<{ extensions?: { code?: string } }> }) => res.errors?.[0]?.extensions?.code;

const INVITE = `mutation($a: UUID!, $e: String, $u: UUID) { inviteToAccount(input: { accountId: $a, email: $e, userId: $u }) { result { invitationId email invitedUserId accountName } } }`;
const ACCEPT = `mutation($i: UUID!) { acceptInvitation(input: { invitationId: $i }) { result { accountId accountRole } } }`;

describe("row 4: joining a team", () => {
  test("an owner can no longer add an arbitrary user id as a member (no createAccountMembership, insert refused in SQL)", async () => {
    const owner = await newUser();
    const victim = await newUser();
    const teamId = await team(owner);
    const res = await gql(
      server,
      `mutation($a: UUID!, $u: UUID!) { createAccountMembership(input: { accountMembership: { accountId: $a, userId: $u } }) { clientMutationId } }`,
      { a: teamId, u: victim.sub },
      owner.token,
    );
    expect(res.errors?.[0]?.message).toMatch(/Cannot query field "createAccountMembership"/);
    const client = await superuserPool().connect();
    try {
      await client.query("begin");
      await client.query("select set_config('role', 'sat_test_visitor', true), set_config('jwt.claims.sub', $1, true)", [owner.sub]);
      await expect(
        client.query("insert into app_public.account_memberships (account_id, user_id) values ($1, $2)", [teamId, victim.sub]),
      ).rejects.toMatchObject({ code: "42501" });
    } finally {
      await client.query("rollback");
      client.release();
    }
  });

  test("inviting an unknown user id answers exactly like inviting a known one (no existence oracle)", async () => {
    const owner = await newUser();
    const known = await newUser();
    const teamId = await team(owner);
    const a = await gql(server, INVITE, { a: teamId, u: known.sub }, owner.token);
    const b = await gql(server, INVITE, { a: teamId, u: crypto.randomUUID() }, owner.token);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const shape = (r: typeof a) => Object.keys(r.data!.inviteToAccount.result).map((k) => [k, typeof r.data!.inviteToAccount.result[k]]);
    expect(shape(a)).toEqual(shape(b));
  });

  test("the invitee's email is not shown to the team before acceptance, and the invitee must accept to join", async () => {
    const owner = await newUser();
    const invitee = await newUser();
    const teamId = await team(owner, "Ops");
    const inv = (await gql(server, INVITE, { a: teamId, u: invitee.sub }, owner.token)).data!.inviteToAccount.result;
    // the team sees who it invited (the id it typed), not the person's email; membership has not happened
    const seen = await gql(
      server,
      `{ allUsers { nodes { rowId email } } allAccountMemberships(condition: { accountId: "${teamId}" }) { totalCount } }`,
      {},
      owner.token,
    );
    expect(seen.data!.allUsers.nodes.map((u: { email: string }) => u.email)).not.toContain(invitee.email);
    expect(seen.data!.allAccountMemberships.totalCount).toBe(1);
    // the invitee sees the invitation (and the team's name), not the team's data
    const mine = await gql(
      server,
      "{ allAccountInvitations { nodes { invitationId accountName } } allAccounts { totalCount } }",
      {},
      invitee.token,
    );
    expect(mine.data).toEqual({
      allAccountInvitations: { nodes: [{ invitationId: inv.invitationId, accountName: "Ops" }] },
      allAccounts: { totalCount: 1 },
    });
    // someone else cannot accept it (same answer as a made-up id)
    const other = await newUser();
    expect(code(await gql(server, ACCEPT, { i: inv.invitationId }, other.token))).toBe("ST001");
    expect(code(await gql(server, ACCEPT, { i: crypto.randomUUID() }, other.token))).toBe("ST001");
    const ok = await gql(server, ACCEPT, { i: inv.invitationId }, invitee.token);
    expect(ok.data!.acceptInvitation.result).toEqual({ accountId: teamId, accountRole: "member" });
    expect((await gql(server, "{ allAccounts { totalCount } }", {}, invitee.token)).data!.allAccounts.totalCount).toBe(2);
  });

  test("an invitation by email is accepted by the user whose token carries that email; a member cannot invite (ST004); outsiders get ST001", async () => {
    const owner = await newUser();
    const invitee = await newUser();
    const teamId = await team(owner);
    const inv = await gql(server, INVITE, { a: teamId, e: invitee.email.toUpperCase() }, owner.token);
    expect(inv.data!.inviteToAccount.result).toMatchObject({ email: invitee.email, invitedUserId: null });
    expect((await gql(server, ACCEPT, { i: inv.data!.inviteToAccount.result.invitationId }, invitee.token)).errors).toBeUndefined();
    expect(code(await gql(server, INVITE, { a: teamId, e: "x@example.com" }, invitee.token))).toBe("ST004");
    const outsider = await newUser();
    expect(code(await gql(server, INVITE, { a: teamId, e: "x@example.com" }, outsider.token))).toBe("ST001");
    expect(code(await gql(server, INVITE, { a: teamId, e: "not an email" }, owner.token))).toBe("ST003");
  });

  test("the invitee can decline (delete) an invitation", async () => {
    const owner = await newUser();
    const invitee = await newUser();
    const teamId = await team(owner);
    const inv = (await gql(server, INVITE, { a: teamId, u: invitee.sub }, owner.token)).data!.inviteToAccount.result;
    const del = await gql(
      server,
      `mutation($i: UUID!) { deleteAccountInvitationByInvitationId(input: { invitationId: $i }) { deletedAccountInvitationId } }`,
      { i: inv.invitationId },
      invitee.token,
    );
    expect(del.errors).toBeUndefined();
    expect(code(await gql(server, ACCEPT, { i: inv.invitationId }, invitee.token))).toBe("ST001");
  });
});

describe("row 7: an agent stays in its task's account", () => {
  test("a member cannot move a team task's agent to their personal account (ST014); the task keeps running", async () => {
    const owner = await newUser();
    const member = await newUser();
    const teamId = await team(owner);
    const inv = (await gql(server, INVITE, { a: teamId, u: member.sub }, owner.token)).data!.inviteToAccount.result;
    await gql(server, ACCEPT, { i: inv.invitationId }, member.token);
    const rows = await seed(teamId);
    const move = await gql(
      server,
      `mutation($id: UUID!, $a: UUID!) { updateAgentByAgentId(input: { agentId: $id, agentPatch: { accountId: $a } }) { agent { accountId } } }`,
      { id: rows.agentId, a: member.accountId },
      member.token,
    );
    expect(code(move)).toBe("ST014");
    const { rows: agent } = await superuserPool().query("select account_id from app_public.agents where agent_id = $1", [rows.agentId]);
    expect(agent[0].account_id).toBe(teamId);
  });

  test("a task cannot point at another account's agent, even written by an admin (composite foreign key)", async () => {
    const a = await newUser();
    const b = await newUser();
    const ra = await seed(a.accountId);
    const rb = await seed(b.accountId);
    await expect(
      superuserPool().query("update app_public.scheduled_tasks set agent_id = $2 where task_id = $1", [ra.taskId, rb.agentId]),
    ).rejects.toMatchObject({ code: "23503" });
  });
});

describe("row 8: taskUpdated subscriptions", () => {
  async function subscribe(taskId: string, token?: string) {
    const { createClient } = await import("graphql-ws");
    const { default: WebSocket } = await import("ws");
    const client = createClient({
      url: server.url.replace("http", "ws") + "/graphql",
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- subscription payloads are untyped JSON
    const events: any[] = [];
    let failed: unknown = null;
    client.subscribe(
      {
        query: `subscription($id: UUID!) { taskUpdated(taskId: $id) { event task { name } execution { status } } }`,
        variables: { id: taskId },
      },
      { next: (v) => events.push(v), error: (e) => (failed = e), complete: () => undefined },
    );
    return { client, events, failed: () => failed };
  }

  test("another tenant and an anonymous subscriber get ST001 and no events; the owner gets the events", async () => {
    const a = await newUser();
    const b = await newUser();
    const rows = await seed(a.accountId);
    const owner = await subscribe(rows.taskId, a.token);
    const other = await subscribe(rows.taskId, b.token);
    const anon = await subscribe(rows.taskId);
    await new Promise((r) => setTimeout(r, 500)); // let the LISTENs start
    await superuserPool().query("update app_public.scheduled_tasks set status = 'paused' where task_id = $1", [rows.taskId]);
    await new Promise((r) => setTimeout(r, 700));
    for (const s of [owner, other, anon]) await s.client.dispose();
    expect(owner.events.at(-1)?.data?.taskUpdated).toMatchObject({ event: "task_updated", task: { name: "Task" } });
    for (const s of [other, anon]) {
      const errors = [
        ...s.events.flatMap((e) => e.errors ?? []),
        ...((s.failed() as Array<{ extensions?: { code?: string } }> | null) ?? []),
      ];
      expect(errors.map((e) => e.extensions?.code)).toContain("ST001");
      expect(s.events.filter((e) => e.data?.taskUpdated)).toEqual([]);
    }
  });
});

describe("row 10: statuses and oracles", () => {
  test("updateThreadByThreadId on another tenant's thread answers NOT_FOUND (not thread: null)", async () => {
    const a = await newUser();
    const b = await newUser();
    const rows = await seed(a.accountId);
    const res = await gql(
      server,
      `mutation($id: UUID!) { updateThreadByThreadId(input: { threadId: $id, threadPatch: { title: "pwned" } }) { thread { title } } }`,
      { id: rows.threadId },
      b.token,
    );
    expect(code(res)).toBe("NOT_FOUND");
  });

  test.each([
    ["createAgent", "agentId", `mutation($id: UUID!) { createAgent(input: { agent: { agentId: $id, name: "x" } }) { agent { agentId } } }`],
    [
      "createThread",
      "threadId",
      `mutation($id: UUID!) { createThread(input: { thread: { threadId: $id, title: "x" } }) { thread { threadId } } }`,
    ],
  ])("%s with a client-chosen %s (another tenant's id) is refused the same way for any id: no 23505 oracle", async (_m, _f, mutation) => {
    const a = await newUser();
    const b = await newUser();
    const rows = await seed(a.accountId);
    const existing = await gql(server, mutation, { id: mutation.includes("Agent") ? rows.agentId : rows.threadId }, b.token);
    const fresh = await gql(server, mutation, { id: crypto.randomUUID() }, b.token);
    expect(existing.errors?.[0]?.message).toBeDefined();
    expect(existing.errors?.[0]?.extensions?.code).not.toBe("23505");
    expect(existing.errors?.[0]?.message).toBe(fresh.errors?.[0]?.message);
  });

  test.each([
    ["not an email", "not-an-email"],
    ["300 characters", `${"a".repeat(290)}@x.example`],
  ])("a token whose email claim is %s is accepted with the claim ignored (200, never 500)", async (_what, email) => {
    const token = await signToken({ sub: crypto.randomUUID(), email });
    const res = await gql(server, "{ currentUser { email } }", {}, token);
    expect(res.status).toBe(200);
    expect(res.data?.currentUser).toEqual({ email: null });
  });
});

describe("attacks that already held: cross-tenant matrix", () => {
  let a: User, b: User, rows: TenantRows;
  beforeAll(async () => {
    a = await newUser();
    b = await newUser();
    rows = await seed(a.accountId);
  });
  test.each([
    ["read a task by id", `query($id: UUID!) { scheduledTaskByTaskId(taskId: $id) { name } }`, "task", null],
    [
      "rename a task",
      `mutation($id: UUID!) { updateScheduledTaskByTaskId(input: { taskId: $id, scheduledTaskPatch: { name: "x" } }) { scheduledTask { name } } }`,
      "task",
      "NOT_FOUND",
    ],
    [
      "delete a task",
      `mutation($id: UUID!) { deleteScheduledTaskByTaskId(input: { taskId: $id }) { deletedScheduledTaskId } }`,
      "task",
      "NOT_FOUND",
    ],
    ["execute a task", `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { executionId } } }`, "task", "ST001"],
    ["pause a task", `mutation($id: UUID!) { pauseTask(input: { taskId: $id }) { result { status } } }`, "task", "ST001"],
    [
      "confirm a task's prompt",
      `mutation($id: UUID!) { confirmTaskPrompt(input: { taskId: $id }) { result { status } } }`,
      "task",
      "ST001",
    ],
    ["export a thread", `mutation($id: UUID!) { exportThread(input: { threadId: $id }) { result { taskId } } }`, "thread", "ST001"],
    [
      "cancel an execution",
      `mutation($id: UUID!) { cancelExecution(input: { executionId: $id }) { result { status } } }`,
      "execution",
      "ST001",
    ],
    [
      "post into a thread",
      `mutation($id: UUID!) { createMessage(input: { message: { threadId: $id, role: "user", content: "hi" } }) { message { messageId } } }`,
      "thread",
      "ST001",
    ],
  ])("tenant B tries to %s of tenant A", async (_what, query, kind, expected) => {
    const id = kind === "task" ? rows.taskId : kind === "thread" ? rows.threadId : rows.executionId;
    const res = await gql(server, query, { id }, b.token);
    if (expected === null) {
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data!)[0]).toBeNull();
    } else {
      expect(code(res)).toBe(expected);
    }
    const { rows: still } = await superuserPool().query("select name, status from app_public.scheduled_tasks where task_id = $1", [
      rows.taskId,
    ]);
    expect(still[0]).toEqual({ name: "Task", status: "draft" }); // and A's row exists, unchanged
  });
});

describe("attacks that already held: JWT matrix", () => {
  const ME = "{ currentUser { rowId } }";
  const secret = () => new TextEncoder().encode(process.env.TEST_JWT_SECRET);
  const claims = () => new SignJWT({}).setSubject(crypto.randomUUID()).setIssuedAt();
  test.each<[string, () => Promise<string>]>([
    ["alg none", async () => new UnsecuredJWT({}).setSubject(crypto.randomUUID()).setExpirationTime("5m").encode()],
    [
      "HS512 (not allow-listed)",
      async () => claims().setProtectedHeader({ alg: "HS512" }).setExpirationTime("5m").sign(new Uint8Array(64).fill(1)),
    ],
    [
      "RS256 with no JWKS configured (HS/RS confusion)",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        return claims().setProtectedHeader({ alg: "RS256" }).setExpirationTime("5m").sign(privateKey);
      },
    ],
    [
      "HS256 keyed with an RSA public key",
      async () => {
        const { publicKey } = await generateKeyPair("RS256", { extractable: true });
        const jwk = await exportJWK(publicKey);
        return claims()
          .setProtectedHeader({ alg: "HS256" })
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode(JSON.stringify(jwk)));
      },
    ],
    [
      "expired",
      async () =>
        claims()
          .setProtectedHeader({ alg: "HS256" })
          .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
          .sign(secret()),
    ],
    ["no exp", async () => claims().setProtectedHeader({ alg: "HS256" }).sign(secret())],
    [
      "a non-UUID subject",
      async () => new SignJWT({}).setSubject("admin").setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(secret()),
    ],
    [
      "a tampered payload",
      async () => {
        const [h, , s] = (await signToken({ sub: crypto.randomUUID() })).split(".");
        return `${h}.${Buffer.from(JSON.stringify({ sub: crypto.randomUUID(), exp: 9999999999 })).toString("base64url")}.${s}`;
      },
    ],
  ])("a token with %s gets 401 UNAUTHENTICATED", async (_what, make) => {
    const res = await gql(server, ME, {}, await make());
    expect(res.status).toBe(401);
    expect(code(res)).toBe("UNAUTHENTICATED");
  });

  test("a token from the wrong issuer gets 401 when JWT_ISSUER is set", async () => {
    const strict = await startTestServer({ JWT_ISSUER: "https://issuer.test" });
    try {
      const wrong = await claims()
        .setIssuer("https://evil.test")
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime("5m")
        .sign(secret());
      const right = await claims()
        .setIssuer("https://issuer.test")
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime("5m")
        .sign(secret());
      expect((await gql(strict, ME, {}, wrong)).status).toBe(401);
      expect((await gql(strict, ME, {}, right)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
