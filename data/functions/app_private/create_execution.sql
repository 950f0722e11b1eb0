-- app_private.create_execution: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.create_execution(task app_public.scheduled_tasks, trigger_type text, scheduled_for timestamp with time zone, context jsonb, run_at timestamp with time zone DEFAULT now())
 RETURNS app_public.task_executions
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
  v_agent app_public.agents;
begin
  perform app_private.charge_execution(task.account_id);
  select * into v_agent from app_public.agents where agent_id = task.agent_id;
  insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, run_after, execution_context)
  values (task.task_id, task.account_id, 'pending', create_execution.trigger_type, create_execution.scheduled_for,
          case when create_execution.run_at > now() then create_execution.run_at end,
          jsonb_build_object(
            'trigger', create_execution.trigger_type,
            'prompt_sha256', app_private.prompt_hash(task.generated_prompt),
            'prompt_source', task.prompt_source,
            'agent_id', task.agent_id,
            'model', v_agent.model,
            'created_at', now()
          ) || coalesce(context, '{}'::jsonb))
  returning * into v_execution;
  perform pg_notify('sat_runs_ready', '');
  return v_execution;
end;
$function$;
