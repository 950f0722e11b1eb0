/** Shared GraphQL flows for task tests: users, threads, export. */
import crypto from "node:crypto";
import type { ApiServer } from "../../src/http/server.js";
import { gql, signToken } from "./api.js";

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
