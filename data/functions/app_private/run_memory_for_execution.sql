-- app_private.run_memory_for_execution: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The run-memory context of an execution whose task has run_memory on: "Last run, at <time in the task's zone>, you reported: <answer>" (at most max_chars of it), from the previous completed run; null when off or when there is none. The run stage gives it to the agent.
CREATE OR REPLACE FUNCTION app_private.run_memory_for_execution(execution_id uuid, max_chars integer DEFAULT 4000)
 RETURNS text
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_memory text;
begin
  select format('Last run, at %s, you reported: %s',
                to_char(p.completed_at at time zone t.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || t.timezone,
                left(p.results ->> 'final_answer', max_chars)
                  || case when length(p.results ->> 'final_answer') > max_chars then ' […]' else '' end)
    into v_memory
    from app_public.task_executions e
    join app_public.scheduled_tasks t on t.task_id = e.task_id and t.run_memory
    cross join lateral (
      select p.* from app_public.task_executions p
       where p.task_id = e.task_id and p.status = 'completed' and p.execution_id <> e.execution_id
         and p.completed_at <= coalesce(e.started_at, 'infinity') and coalesce(p.results ->> 'final_answer', '') <> ''
       order by p.completed_at desc limit 1) p
   where e.execution_id = run_memory_for_execution.execution_id;
  return v_memory;
end;
$function$;
