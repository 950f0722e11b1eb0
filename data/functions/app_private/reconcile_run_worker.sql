-- app_private.reconcile_run_worker: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The run pool's heartbeat: renews the worker's lease and reconciles both ways. owned = {execution_id: lease_epoch or null} of the runs the pool runs.
-- Runs held by the worker but not owned are handed back at once; returns {released, lost}, lost = owned runs the worker no longer holds (stop them).
CREATE OR REPLACE FUNCTION app_private.reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_released integer;
  v_lost uuid[];
begin
  -- the lease renewed (heartbeat_run_worker), and the runs held here but no longer run by the worker (its copy ended
  -- without writing, e.g. an outage) back at once
  v_released := app_private.release_runs(reconcile_run_worker.worker_id,
    array(select h.id from unnest(app_private.heartbeat_run_worker(reconcile_run_worker.worker_id, reconcile_run_worker.capacity,
                                                                  reconcile_run_worker.provider, reconcile_run_worker.lease_seconds)) h(id)
           where not (coalesce(owned, '{}'::jsonb) ? h.id::text)),
    'the worker holding it no longer ran it; resuming in the same thread');
  -- run (or reserved) by the worker but no longer held with the epoch it runs under: cancelled, finished or taken over
  select coalesce(array_agg(o.key::uuid), '{}') into v_lost
    from jsonb_each(coalesce(owned, '{}'::jsonb)) o
   where not exists (select 1 from app_public.task_executions e
                      where e.execution_id = o.key::uuid and e.status in ('running', 'pending') and e.lease_owner = reconcile_run_worker.worker_id
                        and (jsonb_typeof(o.value) = 'null' or e.lease_epoch = (o.value)::text::bigint));
  return jsonb_build_object('released', v_released, 'lost', to_jsonb(v_lost));
end;
$function$;
