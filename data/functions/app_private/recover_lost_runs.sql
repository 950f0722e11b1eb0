-- app_private.recover_lost_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Step of claim_runs: runs held by workers whose lease expired go back to pending (no attempt used), except the claiming worker's own: it is alive.
CREATE OR REPLACE FUNCTION app_private.recover_lost_runs(except_worker text DEFAULT NULL::text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_count integer;
begin
  -- a lease loss costs no attempt: the attempt that was under way is given back; a reservation just ends
  update app_public.task_executions e
     set status = 'pending', lease_owner = null,
         attempts = case when e.attempt_open then greatest(e.attempts - 1, 0) else e.attempts end, attempt_open = false,
         wait_reason = case when e.status = 'running' then 'the worker running it stopped responding; resuming in the same thread' else e.wait_reason end
   where e.execution_id in (
           select l.execution_id from app_public.task_executions l
            where l.status in ('running', 'pending') and l.lease_owner is not null
              and l.lease_owner is distinct from recover_lost_runs.except_worker
              and not exists (select 1 from app_private.run_workers w where w.worker_id = l.lease_owner and w.lease_expires_at > now())
            order by l.task_id, l.execution_id
              for update skip locked)
     and e.status in ('running', 'pending') and e.lease_owner is not null;
  get diagnostics v_count = row_count;
  delete from app_private.run_workers w where w.lease_expires_at < now() - interval '1 hour';
  return v_count;
end;
$function$;
