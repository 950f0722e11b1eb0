-- app_private.pick_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Step of claim_runs: which due pending runs start now, at most budget: round-robin across accounts (every account's oldest due run before any
-- account's second), within each paying owner's plan concurrency cap (runs over the cap get a waitReason). Buffered occurrences (buffer_one) wait.
CREATE OR REPLACE FUNCTION app_private.pick_runs(now_at timestamp with time zone, budget integer)
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
       where e.status = 'pending' and coalesce(e.scheduled_for, e.created_at) <= now_at
         and (e.run_after is null or e.run_after <= now_at)
         and not (e.trigger_type = 'schedule' and coalesce(e.wait_reason, '') like '%(overlap policy: buffer_one)' and app_private.waits_for_overlap(e))
    ), caps as (
      -- one plan lookup per distinct owner, set-based (not one function call per due run)
      select p.owner_user_id as owner_id, (p.limits).max_concurrent_executions as cap
        from app_private.owner_plans(array(select distinct d.owner_id from due_runs d)) p
    ), due as (
      select d.*, c.cap from due_runs d left join caps c on c.owner_id = d.owner_id
    ), owners_running as (
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
       limit budget
    )
    select coalesce(array_agg(p.execution_id), '{}') into v_ids from picked p;
  return v_ids;
end;
$function$;
