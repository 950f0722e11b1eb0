-- app_private.claim_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Claims up to max_runs runs for a worker process, in named steps: recover_lost_runs (other workers' expired leases), apply_overlap_policies
-- (one claimer at a time), provider_budget (under the provider's lock when it has shared limits), pick_runs (candidates, round-robin), take_claimable_runs
-- (the candidates of billing owners this claim locks; owners another claimer holds are skipped; caps counted inside the locks), rows FOR UPDATE SKIP LOCKED.
-- Runs due now start (running); runs due within ahead_ms are reserved (pending, leased) for prepare_reserved_runs / start_prepared_runs.
-- Each claimed run gets a new lease_epoch. Returns {ids, epochs, start_in_ms (null: started now; else a reserved run's time to its second), next_due_at,
-- waiting_reason}.
CREATE OR REPLACE FUNCTION app_private.claim_runs(worker_id text, max_runs integer, provider text, ahead_ms integer DEFAULT 0)
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
  v_due bigint[];
  v_next timestamptz;
  v_now timestamptz := clock_timestamp();
  v_until timestamptz := v_now + make_interval(secs => greatest(coalesce(ahead_ms, 0), 0) / 1000.0);
begin
  if ahead_ms is null or ahead_ms < 0 or ahead_ms > 120000 then
    raise exception 'ahead_ms must be between 0 and 120000 (milliseconds), got %', ahead_ms using errcode = '22023';
  end if;
  perform app_private.recover_lost_runs(claim_runs.worker_id);
  -- one claimer at a time decides overlaps; the others leave undecided runs alone (pick_runs)
  if pg_try_advisory_xact_lock(hashtextextended('app_private.apply_overlap_policies', 0)) then
    perform app_private.apply_overlap_policies(v_now);
  end if;
  -- a provider with shared limits: its claims take turns, so its budget holds exactly
  if exists (select 1 from app_private.model_providers p where p.provider = claim_runs.provider
              and (p.max_concurrent is not null or p.requests_per_minute is not null or p.tokens_per_minute is not null)) then
    perform pg_advisory_xact_lock(hashtextextended('app_private.claim_runs:provider:' || claim_runs.provider, 0));
  end if;
  select * into v_provider from app_private.provider_budget(claim_runs.provider);
  if v_provider.available is not null then
    v_budget := least(v_budget, v_provider.available);
  end if;
  if v_budget > 0 then
    -- candidates read without locks (twice the budget: runs of owners another claimer holds are left to it), then taken exactly
    v_ids := app_private.take_claimable_runs(app_private.pick_runs(v_now, v_until, v_budget * 2), v_budget);

    with locked as (
      select e.execution_id from app_public.task_executions e
       where e.execution_id = any(v_ids) and e.status = 'pending' and e.lease_owner is null
       order by e.task_id, e.execution_id
         for update skip locked
    ), claimed as (
      -- due now: running; due later (the look-ahead): reserved (pending, leased), started by start_prepared_runs at its second
      update app_public.task_executions e
         set status = case when greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')) <= v_now then 'running' else 'pending' end,
             started_at = case when greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')) <= v_now
                               then coalesce(e.started_at, v_now) else e.started_at end,
             lease_owner = claim_runs.worker_id, provider = claim_runs.provider,
             lease_epoch = e.lease_epoch + 1,
             wait_reason = null
        from locked l
       where e.execution_id = l.execution_id
      returning e.execution_id, e.lease_epoch, e.status = 'pending' as reserved,
                greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')) as due_at
    )
    -- start_in_ms: when a reserved run is due, from now (the worker's clock need not agree with the database's)
    select array_agg(c.execution_id), array_agg(c.lease_epoch),
           array_agg(case when c.reserved then ceil(extract(epoch from c.due_at - clock_timestamp()) * 1000)::bigint end)
      into v_ids, v_epochs, v_due from claimed c;
  elsif v_provider.reason is not null then
    update app_public.task_executions e set wait_reason = v_provider.reason
     where e.execution_id in (select w.execution_id from app_public.task_executions w
                               where w.status = 'pending' and w.lease_owner is null and coalesce(w.scheduled_for, w.created_at) <= v_now
                                 and w.wait_reason is distinct from v_provider.reason
                               order by coalesce(w.scheduled_for, w.created_at) limit 1000
                                 for update skip locked);
  end if;

  select min(greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')))
    into v_next from app_public.task_executions e
   where e.status = 'pending' and e.lease_owner is null
     -- (coalesce: a null wait_reason must not make the whole condition null and hide the run from the wake-up time)
     and not (e.trigger_type = 'schedule' and coalesce(e.wait_reason, '') like '%(overlap policy: buffer_one)')
     -- a run waiting on its owner's plan cap starts when one of the owner's runs ends (that wakes the pools)
     and coalesce(e.wait_reason, '') not like 'the plan allows %';
  if v_provider.retry_at is not null and (v_next is null or v_next < v_provider.retry_at) and v_next <= v_now then
    v_next := v_provider.retry_at;
  end if;
  return jsonb_build_object('ids', coalesce(to_jsonb(v_ids), '[]'::jsonb), 'epochs', coalesce(to_jsonb(v_epochs), '[]'::jsonb),
                            'start_in_ms', coalesce(to_jsonb(v_due), '[]'::jsonb),
                            'next_due_at', v_next, 'waiting_reason', v_provider.reason);
end;
$function$;
