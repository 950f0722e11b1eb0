-- app_private.tg_task_executions__notify_run_stopped: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_task_executions__notify_run_stopped()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform pg_notify('sat_run_stopped', json_build_object('execution_id', new.execution_id, 'worker_id', old.lease_owner)::text);
  return null;
end;
$function$;
