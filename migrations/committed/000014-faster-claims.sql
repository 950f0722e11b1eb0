--! Previous: sha1:2f279eda908cfc9f626d92dca52147a503181639
--! Hash: sha1:2884fd0d5e28878951ba75d4e45b4e6b1b3441b4
--! Message: Faster claims

-- bench:runs showed claim_runs taking 0.5–2 s per batch with 10,000 runs due at once: it looked up
-- the owner's plan with one owner_plan_limits call per due run, and its count of running runs per
-- owner was planned as a nested loop over the due set (12 million comparisons at 1,500 running). The rule ("the highest-tier plan
-- among the accounts the user is primary owner of") now has one set-based home, owner_plans, used
-- by owner_plan_limits and by claim_runs alike.

create function app_private.owner_plans(owner_user_ids uuid[])
  returns table (owner_user_id uuid, limits app_private.plan_limits)
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  -- a join on the owners (index on accounts.primary_owner_user_id), not "= any(array)" tested per account
  select distinct on (a.primary_owner_user_id) a.primary_owner_user_id, l
    from (select distinct o.id from unnest(owner_plans.owner_user_ids) as o(id)) o
    join app_public.accounts a on a.primary_owner_user_id = o.id
    join app_private.plan_limits l on l.plan = a.plan
   order by a.primary_owner_user_id, l.tier desc, l.plan;
$$;
comment on function app_private.owner_plans(uuid[]) is
  'The plan whose allowances apply to each billing owner: the highest-tier plan among the accounts the user is primary owner of.';

create or replace function app_private.owner_plan_limits(owner_user_id uuid) returns app_private.plan_limits
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select p.limits from app_private.owner_plans(array[owner_plan_limits.owner_user_id]) p;
$$;
comment on function app_private.owner_plan_limits(uuid) is
  'The plan whose allowances apply to a billing owner (app_private.owner_plans for one owner).';

create or replace function app_private.claim_runs(worker_id text, max_runs integer, provider text) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_budget integer := max_runs;
  v_provider record;
  v_ids uuid[];
  v_next timestamptz;
  v_now timestamptz := clock_timestamp();
begin
  perform pg_advisory_xact_lock(hashtextextended('app_private.claim_runs', 0));
  perform app_private.recover_lost_runs();
  select * into v_provider from app_private.provider_budget(claim_runs.provider);
  if v_provider.available is not null then
    v_budget := least(v_budget, v_provider.available);
  end if;
  if v_budget > 0 then
    with due_runs as (
      select e.execution_id, e.account_id, coalesce(e.scheduled_for, e.created_at) as due_at, a.primary_owner_user_id as owner_id,
             row_number() over (partition by e.account_id order by coalesce(e.scheduled_for, e.created_at), e.execution_id) as account_rank
        from app_public.task_executions e
        join app_public.accounts a on a.id = e.account_id
       where e.status = 'pending' and coalesce(e.scheduled_for, e.created_at) <= v_now
         and (e.run_after is null or e.run_after <= v_now)
    ), caps as (
      -- one plan lookup per distinct owner, set-based (not one function call per due run)
      select p.owner_user_id as owner_id, (p.limits).max_concurrent_executions as cap
        from app_private.owner_plans(array(select distinct d.owner_id from due_runs d)) p
    ), due as (
      select d.*, c.cap from due_runs d left join caps c on c.owner_id = d.owner_id
    ), owners_running as (
      -- every owner with runs in progress (a hash aggregate over the running runs); filtering by the due
      -- owners made the planner re-scan the due set once per running run
      select a.primary_owner_user_id as owner_id, count(*)::int as n
        from app_public.task_executions e join app_public.accounts a on a.id = e.account_id
       where e.status = 'running'
       group by 1
    ), ranked as (
      select d.*, coalesce(r.n, 0) as running,
             row_number() over (partition by d.owner_id order by d.account_rank, d.due_at, d.execution_id) as owner_rank
        from due d left join owners_running r on r.owner_id = d.owner_id
    ), capped as (
      update app_public.task_executions e
         set wait_reason = format('the plan allows %s runs at a time (over all accounts of the same owner); starts when one finishes', r.cap)
        from ranked r
       where r.execution_id = e.execution_id and r.cap is not null and r.owner_rank > r.cap - r.running
         and e.wait_reason is distinct from format('the plan allows %s runs at a time (over all accounts of the same owner); starts when one finishes', r.cap)
    ), picked as (
      select r.execution_id from ranked r
       where r.cap is null or r.owner_rank <= r.cap - r.running
       order by r.account_rank, r.due_at, r.execution_id
       limit v_budget
    )
    select array_agg(p.execution_id) into v_ids from picked p;

    with claimed as (
      update app_public.task_executions e
         set status = 'running', lease_owner = claim_runs.worker_id, provider = claim_runs.provider,
             started_at = coalesce(e.started_at, v_now), wait_reason = null
       where e.execution_id = any(v_ids) and e.status = 'pending'
      returning e.execution_id
    )
    select array_agg(c.execution_id) into v_ids from claimed c;
  elsif v_provider.reason is not null then
    -- visible on the oldest waiting runs (not rewritten on every claim)
    update app_public.task_executions e set wait_reason = v_provider.reason
     where e.execution_id in (select w.execution_id from app_public.task_executions w
                               where w.status = 'pending' and coalesce(w.scheduled_for, w.created_at) <= v_now
                                 and w.wait_reason is distinct from v_provider.reason
                               order by coalesce(w.scheduled_for, w.created_at) limit 1000);
  end if;

  select min(greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')))
    into v_next from app_public.task_executions e
   where e.status = 'pending';
  if v_provider.retry_at is not null and (v_next is null or v_next < v_provider.retry_at) and v_next <= v_now then
    v_next := v_provider.retry_at;
  end if;
  return jsonb_build_object('ids', coalesce(to_jsonb(v_ids), '[]'::jsonb), 'next_due_at', v_next,
                            'waiting_reason', v_provider.reason);
end;
$$;
