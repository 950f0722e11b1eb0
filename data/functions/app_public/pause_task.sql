-- app_public.pause_task: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Pauses an active task: it is not dispatched until resumed. Raises ST002 for any other status.
CREATE OR REPLACE FUNCTION app_public.pause_task(task_id uuid)
 RETURNS app_public.scheduled_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status <> 'active' then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only an active task can be paused', v_task.task_id, v_task.status));
  end if;
  perform app_private.cancel_pending_scheduled(v_task.task_id, 'task paused');
  update app_public.scheduled_tasks t set status = 'paused', next_execution_at = null
    where t.task_id = v_task.task_id returning * into v_task;
  return v_task;
end;
$function$;
