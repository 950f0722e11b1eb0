-- app_private.waits_for_overlap: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- True while a buffered occurrence (overlap policy buffer_one) must wait for an earlier execution of its task.
CREATE OR REPLACE FUNCTION app_private.waits_for_overlap(e app_public.task_executions)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  -- a buffered run (buffer_one) waits while an earlier execution of its task is live
  select e.trigger_type = 'schedule'
     and (select t.overlap_policy from app_public.scheduled_tasks t where t.task_id = e.task_id) = 'buffer_one'
     and exists (select 1 from app_public.task_executions x
                  where x.task_id = e.task_id and x.status in ('pending', 'running') and x.execution_id <> e.execution_id
                    and (x.status = 'running'
                         or (coalesce(x.scheduled_for, x.created_at), x.execution_id) < (coalesce(e.scheduled_for, e.created_at), e.execution_id)));
$function$;
