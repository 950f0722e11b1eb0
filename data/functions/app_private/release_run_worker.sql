-- app_private.release_run_worker: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A stopping worker hands all its runs back (pending, no attempt used) and drops its lease.
CREATE OR REPLACE FUNCTION app_private.release_run_worker(worker_id text, reason text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_count integer;
begin
  update app_public.task_executions e
     set status = 'pending', lease_owner = null, wait_reason = left(reason, 500),
         attempts = case when e.attempt_open then greatest(e.attempts - 1, 0) else e.attempts end, attempt_open = false
   where e.status = 'running' and e.lease_owner = release_run_worker.worker_id;
  get diagnostics v_count = row_count;
  delete from app_private.run_workers w where w.worker_id = release_run_worker.worker_id;
  if v_count > 0 then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return v_count;
end;
$function$;
