-- app_private.tg_task_executions__notify_inserted: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_task_executions__notify_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform pg_notify('graphql:task:' || i.task_id, json_build_object(
            'event', 'execution_updated', 'task_id', i.task_id, 'execution_id', i.execution_id, 'status', i.status)::text)
     from inserted i;
  return null;
end;
$function$;
