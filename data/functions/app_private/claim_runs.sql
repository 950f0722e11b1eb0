-- app_private.claim_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Claims up to max_runs runnable executions for a worker process, in named steps: recover_lost_runs (other workers' expired leases),
-- apply_overlap_policies (due occurrences overlapping a live execution of their task), provider_budget (the provider's shared limits),
-- then round-robin across accounts (each account's oldest first) within each paying owner's plan concurrency cap. Each claimed run gets a new lease_epoch.
-- Returns {ids, epochs, next_due_at, waiting_reason}.
CREATE OR REPLACE FUNCTION app_private.claim_runs(worker_id text, max_runs integer, provider text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_budget integer := max_runs;
  v_provider record;
  v_ids uuid[];
  v_epochs bigint[];
  v_next timestamptz;
  v_now timestamptz := clock_timestamp();
begin
  perform pg_advisory_xact_lock(hashtextextended('app_private.claim_runs', 0));
  perform app_private.recover_lost_runs(claim_runs.worker_id);
  perform app_private.apply_overlap_policies(v_now);
  select * into v_provider from app_private.provider_budget(claim_runs.provider);
  if v_provider.available is not null then
    v_budget := least(v_budget, v_provider.available);
  end if;
  if v_budget > 0 then
    v_ids := app_private.pick_runs(v_now, v_budget);

    with claimed as (
      update app_public.task_executions e
         set status = 'running', lease_owner = claim_runs.worker_id, provider = claim_runs.provider,
             lease_epoch = e.lease_epoch + 1,
             started_at = coalesce(e.started_at, v_now), wait_reason = null
       where e.execution_id = any(v_ids) and e.status = 'pending'
      returning e.execution_id, e.lease_epoch
    )
    select array_agg(c.execution_id), array_agg(c.lease_epoch) into v_ids, v_epochs from claimed c;
  elsif v_provider.reason is not null then
    update app_public.task_executions e set wait_reason = v_provider.reason
     where e.execution_id in (select w.execution_id from app_public.task_executions w
                               where w.status = 'pending' and coalesce(w.scheduled_for, w.created_at) <= v_now
                                 and w.wait_reason is distinct from v_provider.reason
                               order by coalesce(w.scheduled_for, w.created_at) limit 1000);
  end if;

  select min(greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')))
    into v_next from app_public.task_executions e
   where e.status = 'pending'
     -- (coalesce: a null wait_reason must not make the whole condition null and hide the run from the wake-up time)
     and not (e.trigger_type = 'schedule' and coalesce(e.wait_reason, '') like '%(overlap policy: buffer_one)');
  if v_provider.retry_at is not null and (v_next is null or v_next < v_provider.retry_at) and v_next <= v_now then
    v_next := v_provider.retry_at;
  end if;
  return jsonb_build_object('ids', coalesce(to_jsonb(v_ids), '[]'::jsonb), 'epochs', coalesce(to_jsonb(v_epochs), '[]'::jsonb),
                            'next_due_at', v_next, 'waiting_reason', v_provider.reason);
end;
$function$;
