-- app_private.pick_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Step of claim_runs: which pending runs due by until_at (now, or the look-ahead) a claim takes, at most budget: round-robin across accounts
-- (every account's oldest due run before any account's second), within each paying owner's plan concurrency cap (running and reserved runs
-- hold slots; due runs over the cap get a waitReason). Read without locks: take_claimable_runs makes it exact.
-- A scheduled run with an earlier live execution of its task is left to apply_overlap_policies.
CREATE OR REPLACE FUNCTION app_private.pick_runs(now_at timestamp with time zone, until_at timestamp with time zone, budget integer)
 RETURNS uuid[]
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_ids uuid[];
begin
    with due_runs as (
      select e.execution_id, e.account_id, coalesce(e.scheduled_for, e.created_at) as due_at, a.primary_owner_user_id as owner_id,
             row_number() over (partition by e.account_id order by coalesce(e.scheduled_for, e.created_at), e.execution_id) as account_rank
        from app_public.task_executions e
        join app_public.accounts a on a.id = e.account_id
       where e.status = 'pending' and e.lease_owner is null
         and coalesce(e.scheduled_for, e.created_at) <= until_at
         and (e.run_after is null or e.run_after <= until_at)
         -- a scheduled run with an earlier live execution of its task waits for its overlap policy to be applied
         -- (apply_overlap_policies, when due; buffer_one keeps it waiting), unless the policy is allow_all
         and e.execution_id not in (select r.execution_id from app_private.runs_awaiting_overlap() as r(execution_id))
    ), caps as (
      -- one plan lookup per distinct owner, set-based (not one function call per due run)
      select p.owner_user_id as owner_id, (p.limits).max_concurrent_executions as cap
        from app_private.owner_plans(array(select distinct d.owner_id from due_runs d)) p
    ), due as (
      select d.*, c.cap from due_runs d left join caps c on c.owner_id = d.owner_id
    ), owners_holding as (
      select a.primary_owner_user_id as owner_id, count(*)::int as n
        from app_public.task_executions e join app_public.accounts a on a.id = e.account_id
       where app_private.holds_owner_slot(e)
       group by 1
    ), ranked as (
      select d.*, coalesce(r.n, 0) as running,
             row_number() over (partition by d.owner_id order by d.account_rank, d.due_at, d.execution_id) as owner_rank
        from due d left join owners_holding r on r.owner_id = d.owner_id
    ), over_cap as (
      select r.execution_id, format('the plan allows %s runs at a time (over all accounts of the same owner); starts when one finishes', r.cap) as reason
        from ranked r
       where r.cap is not null and r.owner_rank > r.cap - r.running and r.due_at <= now_at
    ), capped as (
      -- a due run over its owner's cap says why it waits (rows another claimer has locked are left for it)
      update app_public.task_executions e
         set wait_reason = o.reason
        from over_cap o
       where o.execution_id = e.execution_id
         and e.execution_id in (select x.execution_id from app_public.task_executions x
                                  join over_cap o2 on o2.execution_id = x.execution_id
                                 where x.wait_reason is distinct from o2.reason -- only the rows whose reason changes are locked
                                 order by x.task_id, x.execution_id
                                   for update of x skip locked)
    ), picked as (
      select r.execution_id, r.account_rank, r.due_at from ranked r
       where r.cap is null or r.owner_rank <= r.cap - r.running
       order by r.account_rank, r.due_at, r.execution_id
       limit budget
    )
    -- in the order they should start (take_claimable_runs walks it)
    select coalesce(array_agg(p.execution_id order by p.account_rank, p.due_at, p.execution_id), '{}') into v_ids from picked p;
  return v_ids;
end;
$function$;
