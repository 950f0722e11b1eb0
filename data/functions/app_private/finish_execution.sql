-- app_private.finish_execution: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Ends an execution (completed with results, or failed with error) if lease_epoch (when given) is still the run's; false when it was cancelled, already finished or taken over.
CREATE OR REPLACE FUNCTION app_private.finish_execution(execution_id uuid, status text, results jsonb, error text, lease_epoch bigint DEFAULT NULL::bigint)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
begin
  if status not in ('completed', 'failed') then
    raise exception 'finish_execution: status must be completed or failed, got %', status;
  end if;
  update app_public.task_executions e
     set status = finish_execution.status,
         completed_at = now(),
         lease_owner = null,
         wait_reason = null,
         attempt_open = false,
         results = coalesce(finish_execution.results, '{}'::jsonb),
         error_message = case when finish_execution.status = 'failed' then left(finish_execution.error, 4000) else null end
   where e.execution_id = finish_execution.execution_id and e.status in ('running', 'pending')
     and (finish_execution.lease_epoch is null or e.lease_epoch = finish_execution.lease_epoch)
  returning * into v_execution;
  if not found then
    return false; -- cancelled, already finished, or taken over by another holder
  end if;
  update app_public.agent_runs r
     set status = finish_execution.status, completed_at = now(),
         error = case when finish_execution.status = 'failed' then left(finish_execution.error, 4000) end,
         usage = coalesce(finish_execution.results -> 'usage', '{}'::jsonb)
   where r.id = v_execution.agent_run_id;
  -- a buffered occurrence of the task (overlap policy buffer_one) starts now
  if exists (select 1 from app_public.task_executions b where b.task_id = v_execution.task_id and b.status = 'pending') then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return true;
end;
$function$;
