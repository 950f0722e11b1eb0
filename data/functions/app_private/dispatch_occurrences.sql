-- app_private.dispatch_occurrences: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Creates one execution per decided occurrence (pending, trigger schedule, scheduled_for) and wakes the run pools, which start each at its own second
-- (overlap with a running execution is judged then, by claim_runs). Occurrences beyond the billing owner's monthly executions are recorded as skipped.
-- Advances next_execution_at, execution_count and missed_count; completes tasks at max_executions or when no next time exists.
CREATE OR REPLACE FUNCTION app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamp with time zone)
 RETURNS TABLE(dispatched integer, skipped integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$

#variable_conflict use_column
declare
  v_dispatched integer;
  v_skipped integer;
  v_accounts uuid[];
  v_counts integer[];
  v_victims uuid[];
  v_period date := app_private.usage_period(now_at);
  v_over_reason constant text := 'the plan''s limit of executions per month is reached (counted over all accounts of the same owner)';
begin
  -- 0. the tasks' rows in task_id order, before any other lock: the run stage (start_claimed_runs) takes
  --    task rows in the same order, so a dispatch and a run start cannot deadlock
  perform 1 from app_public.scheduled_tasks t
    where t.task_id in (select d.task_id from unnest(decisions) d)
    order by t.task_id for no key update;
  -- 1. one statement: the executions (a repeat of an occurrence is a no-op: unique (task_id, scheduled_for))
  --    and the tasks' advance (next time, counters, completion at max_executions)
  with d as materialized (
    select d.task_id, d.scheduled_for, coalesce(d.missed, 0) as missed, d.next_at, t.account_id, t.execution_count, t.max_executions,
           d.skip_reason,
           app_private.prompt_hash(t.generated_prompt) as prompt_sha256, t.prompt_source, t.agent_id, a.model
      from unnest(decisions) d
      join app_public.scheduled_tasks t on t.task_id = d.task_id
      left join app_public.agents a on a.agent_id = t.agent_id
  ), ins as (
    insert into app_public.task_executions
      (task_id, account_id, status, trigger_type, scheduled_for, completed_at, error_message, results, execution_context)
    select d.task_id, d.account_id,
           case when d.skip_reason is null then 'pending' else 'cancelled' end,
           'schedule', d.scheduled_for,
           case when d.skip_reason is null then null else now_at end,
           case when d.skip_reason is null then null else 'skipped: ' || d.skip_reason end,
           case when d.skip_reason is null then '{}'::jsonb else jsonb_build_object('skipped', true, 'reason', d.skip_reason) end,
           jsonb_build_object('trigger', 'schedule', 'scheduled_for', d.scheduled_for, 'dispatched_at', now_at,
                              'missed_before', d.missed, 'prompt_sha256', d.prompt_sha256, 'prompt_source', d.prompt_source,
                              'agent_id', d.agent_id, 'model', d.model)
      from d
     where d.scheduled_for is not null
    on conflict (task_id, scheduled_for) where scheduled_for is not null do nothing
    returning task_id, account_id, status
  ), advance as (
    update app_public.scheduled_tasks t
       set next_execution_at = case when f.final then null else f.next_at end,
           execution_count = t.execution_count + f.counted,
           missed_count = t.missed_count + f.missed,
           status = case when f.final then 'completed' else t.status end,
           updated_at = case when t.updated_at >= now() then t.updated_at + interval '1 millisecond' else now() end
      from (select d.task_id, d.next_at, d.missed, coalesce((i.status = 'pending')::int, 0) as counted,
                   d.next_at is null
                   or (d.max_executions is not null and d.execution_count + coalesce((i.status = 'pending')::int, 0) >= d.max_executions) as final
              from d left join ins i on i.task_id = d.task_id) f
     where t.task_id = f.task_id
  )
  select coalesce(sum(c.n), 0), coalesce(sum(c.s), 0), array_agg(c.account_id) filter (where c.n > 0), array_agg(c.n) filter (where c.n > 0)
    into v_dispatched, v_skipped, v_accounts, v_counts
    from (select i.account_id, count(*) filter (where i.status = 'pending')::int as n, count(*) filter (where i.status <> 'pending')::int as s
            from ins i group by i.account_id) c;

  if v_dispatched = 0 then
    return query select 0, v_skipped;
    return;
  end if;

  -- 2. the monthly allowance, last (the counter rows stay locked only until commit): count the batch's
  --    runs (the roll-up trigger adds them to each billing owner), then skip those beyond the owner's
  --    allowance, latest first, and give their count back
  insert into app_private.account_usage as u (account_id, period, executions)
  select c.account_id, v_period, c.n from unnest(v_accounts, v_counts) as c(account_id, n)
  on conflict (account_id, period) do update set executions = u.executions + excluded.executions;

  with over as (
    select o.owner_id, ou.executions - l.executions_per_month as excess
      from (select distinct acc.primary_owner_user_id as owner_id from app_public.accounts acc where acc.id = any(v_accounts)) o
      cross join lateral app_private.owner_plan_limits(o.owner_id) l
      join app_private.owner_usage ou on ou.owner_user_id = o.owner_id and ou.period = v_period
     where l.executions_per_month is not null and ou.executions > l.executions_per_month
  )
  select array_agg(w.execution_id) into v_victims
    from (select e.execution_id, acc.primary_owner_user_id as owner_id,
                 row_number() over (partition by acc.primary_owner_user_id order by e.scheduled_for desc, e.execution_id) as rn
            from app_public.task_executions e
            join unnest(decisions) d on d.task_id = e.task_id and d.scheduled_for = e.scheduled_for
            join app_public.accounts acc on acc.id = e.account_id
           where e.status = 'pending' and e.trigger_type = 'schedule' and e.created_at = now() -- created by this batch
             and acc.primary_owner_user_id in (select o.owner_id from over o)) w
    join over o on o.owner_id = w.owner_id and w.rn <= o.excess;

  if v_victims is not null then
    -- the rare path: undo what step 1 did for the over-allowance runs
    with skipped as (
      update app_public.task_executions e
         set status = 'cancelled', completed_at = now_at, error_message = 'skipped: ' || v_over_reason,
             results = jsonb_build_object('skipped', true, 'reason', v_over_reason)
       where e.execution_id = any(v_victims)
      returning e.task_id, e.account_id
    ), refund as (
      update app_private.account_usage u set executions = u.executions - s.n
        from (select s.account_id, count(*)::int as n from skipped s group by s.account_id) s
       where u.account_id = s.account_id and u.period = v_period
    )
    update app_public.scheduled_tasks t
       set execution_count = t.execution_count - 1,
           -- completed only because this run reached max_executions: it did not run, so the task goes on
           status = case when t.status = 'completed' and d.next_at is not null then 'active' else t.status end,
           next_execution_at = case when t.status = 'completed' and d.next_at is not null then d.next_at else t.next_execution_at end
      from skipped s join unnest(decisions) d on d.task_id = s.task_id
     where t.task_id = s.task_id;
    v_dispatched := v_dispatched - cardinality(v_victims);
    v_skipped := v_skipped + cardinality(v_victims);
  end if;

  -- the run pools start each run at its occurrence's own time (a catch-up: now)
  if v_dispatched > 0 then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return query select v_dispatched, v_skipped;
end;
$function$;
