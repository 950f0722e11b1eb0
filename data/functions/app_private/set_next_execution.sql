-- app_private.set_next_execution: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.set_next_execution(task_id uuid, schedule_version integer, next_at timestamp with time zone, scheduled_at timestamp with time zone)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.scheduled_tasks t
     set next_execution_at = next_at,
         scheduled_at = coalesce(set_next_execution.scheduled_at, t.scheduled_at),
         status = case when next_at is null then 'completed' else t.status end
   where t.task_id = set_next_execution.task_id and t.schedule_version = set_next_execution.schedule_version
     and t.status = 'active' and t.next_execution_at is null;
  return found;
end;
$function$;
