-- app_public.schedule_task: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- @behavior -*
-- SQL entry point of scheduleTask (psql). Sets the schedule and activates the task; next_execution_at is planned by the worker within seconds when planned_next is null.
CREATE OR REPLACE FUNCTION app_public.schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone DEFAULT NULL::timestamp with time zone, cron_expression text DEFAULT NULL::text, timezone text DEFAULT 'UTC'::text, max_executions integer DEFAULT NULL::integer, planned_next timestamp with time zone DEFAULT NULL::timestamp with time zone)
 RETURNS app_public.scheduled_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status not in ('draft', 'active', 'paused') then
    perform app_hidden.raise_error('ST002', format('task %s is %s; only draft, active and paused tasks can be scheduled', v_task.task_id, v_task.status));
  end if;
  if schedule_type is null or schedule_type not in ('once', 'daily', 'weekly', 'monthly', 'cron') then
    perform app_hidden.raise_error('ST003', format('schedule_type must be one of once, daily, weekly, monthly, cron (got %s)', coalesce(schedule_type, 'null')));
  end if;
  if timezone is null or not app_hidden.is_iana_timezone(timezone) then
    perform app_hidden.raise_error('ST003', format('timezone must be an IANA time zone name such as Europe/London (got %s)', coalesce(timezone, 'null')));
  end if;
  if max_executions is not null and max_executions <= 0 then
    perform app_hidden.raise_error('ST003', format('max_executions must be a positive whole number or null for unlimited (got %s)', max_executions));
  end if;
  if schedule_type = 'once' and scheduled_at is null then
    perform app_hidden.raise_error('ST003', 'scheduled_at is required for schedule_type once');
  end if;
  if schedule_type = 'once' and scheduled_at <= now() then
    perform app_hidden.raise_error('ST003', format('scheduled_at must be in the future (got %s)', scheduled_at));
  end if;
  if schedule_type = 'cron' and nullif(btrim(cron_expression), '') is null then
    perform app_hidden.raise_error('ST003', 'cron_expression is required for schedule_type cron');
  end if;
  if schedule_type <> 'cron' and nullif(btrim(cron_expression), '') is not null then
    perform app_hidden.raise_error('ST003', format('cron_expression is only allowed with schedule_type cron (got schedule_type %s)', schedule_type));
  end if;
  if cron_expression is not null and length(cron_expression) > 100 then
    perform app_hidden.raise_error('ST003', 'cron_expression must be at most 100 characters');
  end if;
  if max_executions is not null and max_executions <= v_task.execution_count then
    perform app_hidden.raise_error('ST003', format('max_executions (%s) must be greater than the executions already dispatched (%s)', max_executions, v_task.execution_count));
  end if;
  perform app_private.assert_task_runnable(v_task);
  perform app_private.cancel_pending_scheduled(v_task.task_id, 'schedule changed');
  update app_public.scheduled_tasks t
     set is_scheduled = true,
         schedule_type = schedule_task.schedule_type,
         scheduled_at = schedule_task.scheduled_at,
         cron_expression = nullif(btrim(schedule_task.cron_expression), ''),
         timezone = schedule_task.timezone,
         max_executions = schedule_task.max_executions,
         status = 'active',
         next_execution_at = planned_next
   where t.task_id = v_task.task_id
  returning * into v_task;
  return v_task;
end;
$function$;
