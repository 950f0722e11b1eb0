-- app_private.tg_scheduled_tasks__schedule_changed: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__schedule_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if tg_op = 'UPDATE' and (new.schedule_type, new.scheduled_at, new.cron_expression, new.timezone, new.max_executions, new.status)
       is not distinct from (old.schedule_type, old.scheduled_at, old.cron_expression, old.timezone, old.max_executions, old.status)
     and new.next_execution_at is not null then
    return new;
  end if;
  if tg_op = 'UPDATE' and (new.schedule_type, new.scheduled_at, new.cron_expression, new.timezone, new.max_executions)
       is distinct from (old.schedule_type, old.scheduled_at, old.cron_expression, old.timezone, old.max_executions) then
    new.schedule_version := old.schedule_version + 1;
  end if;
  if new.status = 'active' and new.is_scheduled and new.next_execution_at is null then
    perform graphile_worker.add_job('plan_task', json_build_object('task_id', new.task_id),
      job_key := 'plan_task:' || new.task_id, max_attempts := 10);
  end if;
  return new;
end;
$function$;
