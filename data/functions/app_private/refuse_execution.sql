-- app_private.refuse_execution: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Fails an execution refused before it ran (its MCP servers are not allowed) and gives back the execution it was billed for.
CREATE OR REPLACE FUNCTION app_private.refuse_execution(execution_id uuid, error text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
begin
  update app_public.task_executions e
     set status = 'failed', completed_at = now(), lease_owner = null, wait_reason = null,
         results = e.results || jsonb_build_object('refused', true, 'billed', false),
         error_message = left(refuse_execution.error, 4000)
   where e.execution_id = refuse_execution.execution_id and e.status in ('running', 'pending')
  returning * into v_execution;
  if not found then
    return false;
  end if;
  update app_public.agent_runs r set status = 'failed', completed_at = now(), error = left(refuse_execution.error, 4000)
   where r.id = v_execution.agent_run_id;
  -- the roll-up trigger gives it back to the billing owner too
  update app_private.account_usage u set executions = greatest(u.executions - 1, 0)
   where u.account_id = v_execution.account_id and u.period = app_private.usage_period(v_execution.created_at);
  return true;
end;
$function$;
