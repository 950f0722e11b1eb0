-- app_public.execute_task: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Runs the task now, in a new thread. The prompt must be ready and not awaiting review; allowed for draft, active and paused tasks.
-- Refused (ST009) while another execution of the task is running or due. Manual runs do not count towards max_executions.
CREATE OR REPLACE FUNCTION app_public.execute_task(task_id uuid, reason text DEFAULT NULL::text)
 RETURNS app_public.task_executions
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status not in ('draft', 'active', 'paused') then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only draft, active and paused tasks can be executed', v_task.task_id, v_task.status));
  end if;
  perform app_private.assert_task_runnable(v_task);
  if reason is not null and length(reason) > 500 then
    perform app_hidden.raise_error('ST003', 'reason must be at most 500 characters');
  end if;
  if exists (select 1 from app_public.task_executions e
              where e.task_id = v_task.task_id and e.status in ('pending', 'running')
                and (e.status = 'running' or coalesce(e.scheduled_for, e.created_at) <= now())) then
    perform app_hidden.raise_error('ST009',
      format('task %s already has an execution pending or running', v_task.task_id),
      'wait for it to finish, or cancel it with cancelExecution');
  end if;
  return app_private.create_execution(v_task, 'manual', null, jsonb_build_object(
    'requested_by', app_hidden.current_user_id(),
    'requested_at', now(),
    'reason', coalesce(reason, 'manual run')));
end;
$function$;
