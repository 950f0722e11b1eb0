-- app_private.prepare_run_thread: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A run's new thread holding the task's prompt (the first user message, with its prompt_sha256). Used by start_execution and, ahead of the run's second, by prepare_reserved_runs.
CREATE OR REPLACE FUNCTION app_private.prepare_run_thread(execution app_public.task_executions, task app_public.scheduled_tasks)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_thread_id uuid;
begin
  insert into app_public.threads (account_id, agent_id, title, metadata)
  values (task.account_id, task.agent_id,
          left(task.name, 200) || ' — ' || to_char(coalesce(execution.scheduled_for, now()) at time zone task.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || task.timezone,
          jsonb_build_object('task_id', task.task_id, 'execution_id', execution.execution_id, 'trigger', execution.trigger_type))
  returning thread_id into v_thread_id;
  insert into app_public.messages (thread_id, account_id, role, content, metadata)
  values (v_thread_id, task.account_id, 'user', task.generated_prompt,
          jsonb_build_object('task_id', task.task_id, 'execution_id', execution.execution_id,
                             'prompt_sha256', app_private.prompt_hash(task.generated_prompt)));
  return v_thread_id;
end;
$function$;
