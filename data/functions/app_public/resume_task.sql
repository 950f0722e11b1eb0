-- app_public.resume_task: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- @behavior -*
-- Resumes a paused task, planned from now (no catch-up of the paused time). GraphQL resumeTask passes the next time it planned for the schedule version it read; from psql leave both null and the worker plans it within seconds. Raises ST002 unless paused.
CREATE OR REPLACE FUNCTION app_public.resume_task(task_id uuid, planned_next timestamp with time zone DEFAULT NULL::timestamp with time zone, planned_version integer DEFAULT NULL::integer)
 RETURNS app_public.scheduled_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status <> 'paused' then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only a paused task can be resumed', v_task.task_id, v_task.status));
  end if;
  update app_public.scheduled_tasks t
     set status = case when t.is_scheduled then 'active' else 'draft' end,
         next_execution_at = case when t.is_scheduled and planned_version is not distinct from t.schedule_version then planned_next end
   where t.task_id = v_task.task_id returning * into v_task;
  return v_task;
end;
$function$;
