/** Seeds one row in every tenant table for an account, as root (bypassing RLS). */
import type pg from "pg";

export interface TenantRows {
  accountId: string;
  agentId: string;
  threadId: string;
  messageId: string;
  agentRunId: string;
  taskId: string;
  executionId: string;
}

export async function seedTenant(client: pg.ClientBase, accountId: string, opts: { prompt?: string } = {}): Promise<TenantRows> {
  const q = async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows[0];
  const agent = await q(
    "insert into app_public.agents (account_id, name, system_prompt) values ($1, 'Agent', 'Be helpful') returning agent_id",
    [accountId],
  );
  const thread = await q("insert into app_public.threads (account_id, agent_id, title) values ($1, $2, 'Thread') returning thread_id", [
    accountId,
    agent.agent_id,
  ]);
  const message = await q(
    "insert into app_public.messages (thread_id, role, content) values ($1, 'user', 'Summarise the news every morning') returning message_id",
    [thread.thread_id],
  );
  const run = await q("insert into app_public.agent_runs (account_id, thread_id, agent_id) values ($1, $2, $3) returning id", [
    accountId,
    thread.thread_id,
    agent.agent_id,
  ]);
  const task = await q(
    `insert into app_public.scheduled_tasks (account_id, source_thread_id, agent_id, name, generated_prompt, original_messages, prompt_status, prompt_source)
     values ($1, $2, $3, 'Task', $4, '[]', 'ready', 'offline') returning task_id`,
    [accountId, thread.thread_id, agent.agent_id, opts.prompt ?? "Summarise the news"],
  );
  const execution = await q(
    "insert into app_public.task_executions (task_id, account_id, thread_id, agent_run_id, status) values ($1, $2, $3, $4, 'completed') returning execution_id",
    [task.task_id, accountId, thread.thread_id, run.id],
  );
  return {
    accountId,
    agentId: agent.agent_id,
    threadId: thread.thread_id,
    messageId: message.message_id,
    agentRunId: run.id,
    taskId: task.task_id,
    executionId: execution.execution_id,
  };
}
