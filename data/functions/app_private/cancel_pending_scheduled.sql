-- app_private.cancel_pending_scheduled: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.cancel_pending_scheduled(task_id uuid, reason text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_count integer;
begin
  perform graphile_worker.remove_job('run_execution:' || e.execution_id)
     from app_public.task_executions e
    where e.task_id = cancel_pending_scheduled.task_id and e.status = 'pending' and e.trigger_type = 'schedule';
  update app_public.task_executions e
     set status = 'cancelled', completed_at = now(), error_message = 'cancelled: ' || reason
   where e.task_id = cancel_pending_scheduled.task_id and e.status = 'pending' and e.trigger_type = 'schedule';
  get diagnostics v_count = row_count;
  return v_count;
end;
$function$;
