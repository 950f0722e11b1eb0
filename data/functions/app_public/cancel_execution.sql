-- app_public.cancel_execution: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Cancels a pending execution at once, or stops a running one within seconds (messages written so far stay).
CREATE OR REPLACE FUNCTION app_public.cancel_execution(execution_id uuid)
 RETURNS app_public.task_executions
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_execution app_public.task_executions;
begin
  select e.* into v_execution from app_public.task_executions e
   where e.execution_id = cancel_execution.execution_id
     and (app_private.is_admin() or e.account_id in (select app_hidden.current_user_account_ids()))
   for update;
  if not found then
    perform app_hidden.raise_error('ST001', format('execution %s not found', execution_id));
  end if;
  if v_execution.status not in ('pending', 'running') then
    perform app_hidden.raise_error('ST002',
      format('execution %s is %s; only pending or running executions can be cancelled', v_execution.execution_id, v_execution.status));
  end if;
  if v_execution.status = 'pending' then
    perform graphile_worker.remove_job('run_execution:' || v_execution.execution_id);
  end if;
  -- a running agent loop notices within a second or two and stops; messages written so far stay
  update app_public.task_executions e
     set status = 'cancelled', cancel_requested_at = now(), completed_at = now(),
         error_message = 'cancelled by ' || coalesce(app_hidden.current_user_id()::text, 'an administrator')
   where e.execution_id = v_execution.execution_id
  returning * into v_execution;
  update app_public.agent_runs r set status = 'cancelled', completed_at = now()
   where r.id = v_execution.agent_run_id and r.status = 'running';
  return v_execution;
end;
$function$;
