-- app_private.release_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Hands some of a worker's runs back (pending, no attempt used): runs it could not prepare, or that it no longer runs.
CREATE OR REPLACE FUNCTION app_private.release_runs(worker_id text, execution_ids uuid[], reason text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_count integer;
begin
  -- running runs go back to pending (no attempt used); reserved runs just lose their reservation
  update app_public.task_executions e
     set status = 'pending', lease_owner = null,
         wait_reason = case when e.status = 'running' then left(reason, 500) else e.wait_reason end,
         attempts = case when e.attempt_open then greatest(e.attempts - 1, 0) else e.attempts end, attempt_open = false
   where e.execution_id = any(release_runs.execution_ids) and e.status in ('running', 'pending') and e.lease_owner = release_runs.worker_id;
  get diagnostics v_count = row_count;
  if v_count > 0 then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return v_count;
end;
$function$;
