-- app_private.tg_scheduled_tasks__cancel_jobs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__cancel_jobs()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform graphile_worker.remove_job('run_execution:' || e.execution_id)
     from app_public.task_executions e where e.task_id = old.task_id and e.status = 'pending';
  perform graphile_worker.remove_job('plan_task:' || old.task_id);
  return old;
end;
$function$;
