-- app_private.skip_due_occurrence: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Records a dispatched occurrence as skipped (cancelled, results.skipped, error_message "skipped: <reason>") and gives back what dispatch counted for it.
CREATE OR REPLACE FUNCTION app_private.skip_due_occurrence(execution_id uuid, reason text, details jsonb)
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
     set status = 'cancelled', completed_at = now(), lease_owner = null, wait_reason = null,
         error_message = left('skipped: ' || skip_due_occurrence.reason, 2000),
         results = jsonb_build_object('skipped', true, 'reason', skip_due_occurrence.reason) || coalesce(details, '{}'::jsonb)
   where e.execution_id = skip_due_occurrence.execution_id and e.status = 'pending'
  returning * into v_execution;
  if not found then
    return false;
  end if;
  if v_execution.trigger_type = 'schedule' then
    update app_public.scheduled_tasks t
       set execution_count = greatest(t.execution_count - 1, 0),
           status = case when t.status = 'completed' and t.schedule_type <> 'once' and t.max_executions is not null
                          and t.execution_count - 1 < t.max_executions then 'active' else t.status end,
           next_execution_at = case when t.status = 'completed' and t.schedule_type <> 'once' and t.max_executions is not null
                          and t.execution_count - 1 < t.max_executions then null else t.next_execution_at end
     where t.task_id = v_execution.task_id;
    update app_private.account_usage u set executions = greatest(u.executions - 1, 0)
     where u.account_id = v_execution.account_id and u.period = app_private.usage_period(v_execution.created_at);
  end if;
  return true;
end;
$function$;
