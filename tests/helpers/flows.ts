/** Shared GraphQL flows for task tests: users, threads, export. */
import crypto from "node:crypto";
import type { ApiServer } from "../../src/http/server.js";
import { makeGeneratePrompt } from "../../tasks/generate_prompt.js";
import { gql, signToken } from "./api.js";
import { runJobs } from "./worker.js";

export interface TestUserToken {
  sub: string;
  token: string;
}

export async function apiUser(): Promise<TestUserToken> {
  const sub = crypto.randomUUID();
  return { sub, token: await signToken({ sub, email: `${sub.slice(0, 8)}@example.com` }) };
}

export async function createThreadWithMessages(
  server: ApiServer,
  token: string,
  messages: Array<[string, string]>,
  opts: { title?: string; agent?: Record<string, unknown> } = {},
): Promise<{ threadId: string; agentId: string }> {
  const agent = await gql(
    server,
    `mutation($a: AgentInput!) { createAgent(input: { agent: $a }) { agent { agentId } } }`,
    { a: { name: "Helper", ...opts.agent } },
    token,
  );
  if (agent.errors) throw new Error(JSON.stringify(agent.errors));
  const agentId = agent.data!.createAgent.agent.agentId as string;
  const t = await gql(
    server,
    `mutation($a: UUID!, $title: String) { createThread(input: { thread: { title: $title, agentId: $a } }) { thread { threadId } } }`,
    { a: agentId, title: opts.title ?? null },
    token,
  );
  const threadId = t.data!.createThread.thread.threadId as string;
  for (const [role, content] of messages) {
    const m = await gql(
      server,
      `mutation($t: UUID!, $r: String!, $c: String!) { createMessage(input: { message: { threadId: $t, role: $r, content: $c } }) { message { messageId } } }`,
      { t: threadId, r: role, c: content },
      token,
    );
    if (m.errors) throw new Error(JSON.stringify(m.errors));
  }
  return { threadId, agentId };
}

/** A draft task with a ready prompt: a thread of one user message, exported, its prompt generated offline by the worker. */
export async function readyTask(
  server: ApiServer,
  u: TestUserToken,
  opts: { text?: string; agent?: Record<string, unknown> } = {},
): Promise<{ taskId: string; accountId: string }> {
  const { threadId } = await createThreadWithMessages(server, u.token, [["user", opts.text ?? "Check the order status of order 42."]], {
    agent: opts.agent ?? {},
  });
  const res = await gql(
    server,
    `mutation($t: UUID!) { exportThread(input: { threadId: $t }) { result { taskId accountId } } }`,
    { t: threadId },
    u.token,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  await runJobs({ generate_prompt: makeGeneratePrompt({ provider: null, contextBudgetTokens: 100000, maxTokens: 2000 }) });
  return res.data!.exportThread.result as { taskId: string; accountId: string };
}

/** executeTask as `u`; the new execution's id (throws with the GraphQL errors when refused). */
export async function executeTask(server: ApiServer, u: TestUserToken, taskId: string): Promise<string> {
  const r = await gql(
    server,
    `mutation($id: UUID!) { executeTask(input: { taskId: $id }) { result { executionId } } }`,
    { id: taskId },
    u.token,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.executeTask.result.executionId as string;
}
