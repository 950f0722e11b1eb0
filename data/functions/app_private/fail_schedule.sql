-- app_private.fail_schedule: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.fail_schedule(task_id uuid, schedule_version integer, error text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  update app_public.scheduled_tasks t
     set status = 'failed', metadata = t.metadata || jsonb_build_object('schedule_error', error)
   where t.task_id = fail_schedule.task_id and t.schedule_version = fail_schedule.schedule_version and t.status = 'active';
$function$;
