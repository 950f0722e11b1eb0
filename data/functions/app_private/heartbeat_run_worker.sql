-- app_private.heartbeat_run_worker: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Renews a worker process's lease and returns the runs it holds (the first step of reconcile_run_worker, the run pool's heartbeat).
CREATE OR REPLACE FUNCTION app_private.heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer)
 RETURNS uuid[]
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  insert into app_private.run_workers as w (worker_id, lease_expires_at, capacity, provider)
  values (heartbeat_run_worker.worker_id, now() + make_interval(secs => heartbeat_run_worker.lease_seconds), heartbeat_run_worker.capacity, heartbeat_run_worker.provider)
  on conflict (worker_id) do update
    set heartbeat_at = now(), lease_expires_at = excluded.lease_expires_at, capacity = excluded.capacity, provider = excluded.provider;
  -- the runs it holds: running, or reserved ahead of their second
  return array(select e.execution_id from app_public.task_executions e
                where e.status in ('running', 'pending') and e.lease_owner = heartbeat_run_worker.worker_id);
end;
$function$;
