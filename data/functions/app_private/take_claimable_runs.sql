-- app_private.take_claimable_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Step of claim_runs: of the candidates (pick_runs, in start order), the runs whose billing owners this claim could lock (pg_try_advisory_xact_lock; owners another claimer holds are skipped), at most budget, each owner's plan concurrency cap counted again inside its lock. Caps hold exactly with any number of claimers.
CREATE OR REPLACE FUNCTION app_private.take_claimable_runs(candidates uuid[], budget integer)
 RETURNS uuid[]
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_id uuid;
  v_owner uuid;
  v_locked uuid[] := '{}';
  v_skipped uuid[] := '{}';
  v_take uuid[] := '{}';
  v_ids uuid[];
begin
  for v_id, v_owner in
    select p.execution_id, a.primary_owner_user_id
      from unnest(candidates) with ordinality as p(execution_id, n)
      join app_public.task_executions e on e.execution_id = p.execution_id
      join app_public.accounts a on a.id = e.account_id
     order by p.n
  loop
    continue when v_owner = any(v_skipped);
    if not v_owner = any(v_locked) then
      if pg_try_advisory_xact_lock(hashtextextended('app_private.claim_runs:owner:' || v_owner::text, 0)) then
        v_locked := v_locked || v_owner;
      else
        v_skipped := v_skipped || v_owner; -- another claimer takes this owner's runs
        continue;
      end if;
    end if;
    v_take := v_take || v_id;
    exit when cardinality(v_take) >= budget;
  end loop;
  if cardinality(v_take) = 0 then
    return v_take;
  end if;

  -- a new statement: it sees every claim of these owners committed before their locks were ours
  with taken as (
    select t.execution_id, t.n, a.primary_owner_user_id as owner_id
      from unnest(v_take) with ordinality as t(execution_id, n)
      join app_public.task_executions e on e.execution_id = t.execution_id
      join app_public.accounts a on a.id = e.account_id
  ), held as (
    -- slots held now: running, or reserved ahead of their second
    select a.primary_owner_user_id as owner_id, count(*)::int as n
      from app_public.accounts a
      join app_public.task_executions e on e.account_id = a.id
     where a.primary_owner_user_id = any(v_locked)
       and app_private.holds_owner_slot(e)
     group by 1
  ), caps as (
    select p.owner_user_id as owner_id, (p.limits).max_concurrent_executions as cap from app_private.owner_plans(v_locked) p
  ), ranked as (
    select t.*, row_number() over (partition by t.owner_id order by t.n) as k from taken t
  )
  select coalesce(array_agg(r.execution_id order by r.n), '{}') into v_ids
    from ranked r left join held h on h.owner_id = r.owner_id left join caps c on c.owner_id = r.owner_id
   where c.cap is null or r.k <= c.cap - coalesce(h.n, 0);
  return v_ids;
end;
$function$;
