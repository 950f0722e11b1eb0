-- app_private.run_payload: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- What the run pool needs to run an execution: ids, lease epoch, trigger, the agent's settings, the plan's max_tokens ceiling, run memory and the thread's history.
CREATE OR REPLACE FUNCTION app_private.run_payload(execution app_public.task_executions, task app_public.scheduled_tasks)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  -- plpgsql, not sql: its plans are cached for the session (one call per run, at the start and ahead of it)
  return jsonb_build_object(
    'execution_id', execution.execution_id,
    'task_id', task.task_id,
    'account_id', task.account_id,
    'thread_id', execution.thread_id,
    'agent_run_id', execution.agent_run_id,
    'attempts', execution.attempts,
    'lease_epoch', execution.lease_epoch,
    'task_name', task.name,
    'scheduled_for', execution.scheduled_for,
    'due_at', coalesce(execution.scheduled_for, execution.created_at),
    'trigger_type', execution.trigger_type,
    'memory', case when task.run_memory then app_private.run_memory_for_execution(execution.execution_id) end,
    'max_tokens_ceiling', (select (app_private.owner_plan_limits(a.primary_owner_user_id)).max_tokens_ceiling
                             from app_public.accounts a where a.id = task.account_id),
    'agent', (select jsonb_build_object('system_prompt', a.system_prompt, 'model', a.model, 'temperature', a.temperature,
                                        'max_tokens', a.max_tokens, 'tools', a.tools, 'mcp_servers', a.mcp_servers)
                from app_public.agents a where a.agent_id = task.agent_id),
    'history', (select coalesce(jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content, 'metadata', m.metadata) order by m.seq), '[]'::jsonb)
                  from app_public.messages m where m.thread_id = execution.thread_id));
end;
$function$;
