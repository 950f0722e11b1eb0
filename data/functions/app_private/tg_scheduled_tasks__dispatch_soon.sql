-- app_private.tg_scheduled_tasks__dispatch_soon: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Enqueues dispatch_due_tasks for an occurrence due before the next crontab tick could dispatch it (precise dispatch).
CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__dispatch_soon()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_lookahead interval;
  v_run_at timestamptz;
begin
  if current_setting('sat.dispatch_soon', true) = 'on' then
    return null; -- already enqueued in this transaction
  end if;
  select coalesce(s.lookahead, interval '65 seconds') into v_lookahead from app_private.scheduler_settings s;
  if new.next_execution_at <= now() + v_lookahead then
    v_run_at := now(); -- in reach of a dispatch now
  elsif v_lookahead >= interval '65 seconds' then
    return null; -- a tick comes between `occurrence - lookahead` and 5 s before the occurrence: it dispatches it in time
  else
    v_run_at := new.next_execution_at - v_lookahead + interval '1 second'; -- a short look-ahead: dispatch once it is in reach
  end if;
  perform graphile_worker.add_job('dispatch_due_tasks', json_build_object('reason', 'dispatch_soon'),
    run_at := v_run_at, max_attempts := 5,
    job_key := 'dispatch_soon:' || floor(extract(epoch from v_run_at))::bigint, job_key_mode := 'preserve_run_at');
  if v_run_at = now() then
    perform set_config('sat.dispatch_soon', 'on', true);
  end if;
  return null;
end;
$function$;
