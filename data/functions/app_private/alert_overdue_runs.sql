-- app_private.alert_overdue_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Tells, once per occurrence, of runs not started within notification_settings.overdue_after of their due time (tasks with overdue alerts on). Returns how many.
CREATE OR REPLACE FUNCTION app_private.alert_overdue_runs(now_at timestamp with time zone DEFAULT now())
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_bound interval := (select s.overdue_after from app_private.notification_settings s);
  v_count integer := 0;
  r record;
begin
  for r in
    with late as (
      -- an execution due but not started
      select e.task_id, coalesce(e.scheduled_for, e.created_at) as due_at, e.execution_id, e.wait_reason
        from app_public.task_executions e
       where e.status = 'pending' and coalesce(e.scheduled_for, e.created_at) < now_at - v_bound
      union all
      -- an occurrence not even dispatched (no worker ran the scheduler)
      select t.task_id, t.next_execution_at, null::uuid, 'not dispatched: no worker ran the scheduler'
        from app_public.scheduled_tasks t
       where t.status = 'active' and t.next_execution_at < now_at - v_bound
    ), fresh as (
      insert into app_private.overdue_alerts (task_id, due_at, execution_id)
      select l.task_id, l.due_at, l.execution_id from late l
        join app_public.scheduled_tasks t on t.task_id = l.task_id
        join app_public.accounts a on a.id = t.account_id
       where coalesce(t.notify_overdue, a.notify_overdue)
      on conflict do nothing
      returning task_id, due_at, execution_id
    )
    select f.*, l.wait_reason, t.account_id, t.name, t.timezone
      from fresh f join late l on l.task_id = f.task_id and l.due_at = f.due_at
      join app_public.scheduled_tasks t on t.task_id = f.task_id
  loop
    perform app_private.emit_notification(r.account_id, r.task_id, r.execution_id, 'run.overdue',
      format('“%s” is overdue', left(r.name, 200)),
      format('Due at %s and not started after %s%s', to_char(r.due_at at time zone r.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || r.timezone,
             to_char(now_at - r.due_at, 'HH24:MI:SS'), coalesce(' — ' || r.wait_reason, '')),
      jsonb_build_object('due_at', r.due_at, 'wait_reason', r.wait_reason, 'overdue_after_seconds', extract(epoch from v_bound)));
    v_count := v_count + 1;
  end loop;
  delete from app_private.overdue_alerts o where o.created_at < now_at - interval '7 days';
  return v_count;
end;
$function$;
