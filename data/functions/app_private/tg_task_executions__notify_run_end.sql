-- app_private.tg_task_executions__notify_run_end: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- At the end of a run (status leaving pending/running, or a run inserted already ended): keeps the run streak (circuit breaker: pause at the failure threshold; refusals told once) and tells the account what its policy asks for (app_private.emit_notification).
CREATE OR REPLACE FUNCTION app_private.tg_task_executions__notify_run_end()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_task app_public.scheduled_tasks;
  v_policy text;
  v_settings app_private.notification_settings;
  v_refused boolean;
  v_streak app_private.task_run_streaks;
  v_threshold integer;
  v_previous app_public.task_executions;
  v_answer text := new.results ->> 'final_answer';
  v_reason text;
  v_details jsonb;
begin
  select * into v_task from app_public.scheduled_tasks t where t.task_id = new.task_id;
  if not found then
    return null;
  end if;
  v_policy := coalesce(v_task.notify_on, (select a.notify_on from app_public.accounts a where a.id = v_task.account_id), 'failure');
  select * into v_settings from app_private.notification_settings;
  v_refused := coalesce((new.results ->> 'refused')::boolean, false)
    or (new.status = 'cancelled' and coalesce((new.results ->> 'skipped')::boolean, false) and new.results ->> 'reason' like 'the plan%')
    -- the review gate: a run of a task whose prompt is flagged (start_execution, _610_flag_cancels_pending)
    or (new.status = 'cancelled' and new.error_message like 'cancelled: the task''s prompt %review%');
  v_details := jsonb_build_object('status', new.status, 'task_name', v_task.name, 'trigger', new.trigger_type,
    'scheduled_for', new.scheduled_for, 'started_at', new.started_at, 'completed_at', new.completed_at,
    'thread_id', new.thread_id, 'error', left(new.error_message, 1000));

  if new.status = 'completed' then
    if exists (select 1 from app_private.task_run_streaks s where s.task_id = new.task_id) then
      delete from app_private.task_run_streaks s where s.task_id = new.task_id;
    end if;
    if v_policy = 'always' then
      perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'run.completed',
        format('“%s” completed', left(v_task.name, 200)), 'Completed: ' || app_private.notification_excerpt(v_answer),
        v_details || jsonb_build_object('answer', left(v_answer, 4000)));
    elsif v_policy = 'change' then
      select * into v_previous from app_public.task_executions e
       where e.task_id = new.task_id and e.status = 'completed' and e.execution_id <> new.execution_id
         and e.completed_at <= coalesce(new.completed_at, now())
       order by e.completed_at desc limit 1;
      if not found or v_previous.answer_fingerprint is distinct from new.answer_fingerprint then
        perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'run.changed',
          format('“%s”: the answer changed', left(v_task.name, 200)),
          case when v_previous.execution_id is null then 'First answer: ' else 'Changed: ' end || app_private.notification_excerpt(v_answer),
          v_details || jsonb_build_object('answer', left(v_answer, 20000), 'previous_answer', left(v_previous.results ->> 'final_answer', 20000),
                                          'previous_execution_id', v_previous.execution_id, 'previous_completed_at', v_previous.completed_at),
          needs_diff := v_previous.execution_id is not null);
      end if;
    end if;
  elsif v_refused then
    -- told once, until a run completes or the task is resumed
    insert into app_private.task_run_streaks as s (task_id, refusal_notified_at) values (new.task_id, now())
    on conflict (task_id) do update set refusal_notified_at = now() where s.refusal_notified_at is null
    returning * into v_streak;
    if found and v_policy <> 'never' then
      v_reason := coalesce(new.results ->> 'reason', new.error_message, 'refused');
      perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'run.refused',
        format('“%s” was not run', left(v_task.name, 200)),
        'Refused: ' || app_private.notification_excerpt(v_reason) || ' (told once; later refusals are not repeated until a run completes)',
        v_details || jsonb_build_object('reason', left(v_reason, 1000)));
    end if;
  elsif new.status not in ('cancelled', 'skipped') then
    -- failed (and any other terminal status a run stage may add, e.g. timed out): a failure
    insert into app_private.task_run_streaks as s (task_id, consecutive_failures) values (new.task_id, 1)
    on conflict (task_id) do update set consecutive_failures = s.consecutive_failures + 1
    returning * into v_streak;
    if v_policy <> 'never' then
      perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'run.failed',
        format('“%s” failed', left(v_task.name, 200)),
        'Failed: ' || app_private.notification_excerpt(coalesce(new.error_message, 'no error message')),
        v_details || jsonb_build_object('consecutive_failures', v_streak.consecutive_failures));
    end if;
    v_threshold := coalesce(v_task.failure_threshold, v_settings.failure_threshold);
    -- The run stage locks a task before its executions; here the execution is locked already, so never wait for the
    -- task row (a deadlock with e.g. cancelExecution): if someone holds it, the breaker trips at the next failure.
    if v_threshold > 0 and v_streak.consecutive_failures >= v_threshold and v_task.status = 'active'
       and exists (select 1 from app_public.scheduled_tasks t where t.task_id = v_task.task_id and t.status = 'active'
                   for no key update skip locked) then
      v_reason := left(format('paused by the circuit breaker after %s failed runs in a row (last error: %s); resume the task to try again',
                              v_streak.consecutive_failures, app_private.notification_excerpt(new.error_message, 200)), 2000);
      perform app_private.cancel_pending_scheduled(v_task.task_id, 'task paused by the circuit breaker');
      update app_public.scheduled_tasks t
         set status = 'paused', next_execution_at = null, paused_reason = v_reason,
             metadata = t.metadata || jsonb_build_object('paused_by_circuit_breaker', now())
       where t.task_id = v_task.task_id and t.status = 'active';
      if found then
        perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'task.paused',
          format('“%s” was paused', left(v_task.name, 200)), v_reason,
          v_details || jsonb_build_object('consecutive_failures', v_streak.consecutive_failures, 'threshold', v_threshold),
          bypass_limit := true);
      end if;
    end if;
  end if;
  return null;
end;
$function$;
