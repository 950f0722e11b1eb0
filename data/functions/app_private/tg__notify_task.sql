-- app_private.tg__notify_task: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg__notify_task()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_row jsonb := to_jsonb(coalesce(new, old));
begin
  perform pg_notify('graphql:task:' || (v_row ->> 'task_id'), json_build_object(
    'event', tg_argv[0] || case when tg_op = 'DELETE' then '_deleted' else '' end,
    'task_id', v_row ->> 'task_id',
    'execution_id', v_row ->> 'execution_id',
    'status', v_row ->> 'status')::text);
  return null;
end;
$function$;
