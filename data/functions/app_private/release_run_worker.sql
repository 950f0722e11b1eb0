-- app_private.release_run_worker: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A stopping worker hands all its runs back (release_runs: pending, no attempt used) and drops its lease.
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
  v_count := app_private.release_runs(release_run_worker.worker_id,
    array(select e.execution_id from app_public.task_executions e
           where e.status in ('running', 'pending') and e.lease_owner = release_run_worker.worker_id),
    reason);
  delete from app_private.run_workers w where w.worker_id = release_run_worker.worker_id;
  return v_count;
end;
$function$;
