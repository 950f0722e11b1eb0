-- app_private.preparation_matches: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- True when a run prepared ahead (prepare_reserved_runs) can start with its preparation: not started yet, and its task's prompt and agent unchanged since (preparation_of).
CREATE OR REPLACE FUNCTION app_private.preparation_matches(execution app_public.task_executions, task app_public.scheduled_tasks)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  return execution.thread_id is not null and execution.agent_run_id is null and execution.attempts = 0
     and execution.execution_context -> 'prepared' = app_private.preparation_of(task);
end;
$function$;
