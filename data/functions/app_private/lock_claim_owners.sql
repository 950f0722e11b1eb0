-- app_private.lock_claim_owners: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Step of claim_runs: locks (for the claim's transaction) the billing owners whose runs the claim takes, in round-robin order, skipping owners another claimer holds, until their claimable runs cover the budget. Plan caps per owner are counted inside this lock.
CREATE OR REPLACE FUNCTION app_private.lock_claim_owners(now_at timestamp with time zone, until_at timestamp with time zone, budget integer)
 RETURNS uuid[]
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_owner uuid;
  v_locked uuid[] := '{}';
  v_skipped uuid[] := '{}';
  v_covered integer := 0;
begin
  -- the runs the claim would take if it held every owner (twice the budget: some owners may be held by other claimers),
  -- walked in the order they should start
  for v_owner in
    select a.primary_owner_user_id
      from unnest(app_private.pick_runs(now_at, until_at, budget * 2, null)) with ordinality as p(execution_id, n)
      join app_public.task_executions e on e.execution_id = p.execution_id
      join app_public.accounts a on a.id = e.account_id
     order by p.n
  loop
    continue when v_owner = any(v_skipped);
    if v_owner = any(v_locked) then
      v_covered := v_covered + 1;
    elsif pg_try_advisory_xact_lock(hashtextextended('app_private.claim_runs:owner:' || v_owner::text, 0)) then
      v_locked := v_locked || v_owner;
      v_covered := v_covered + 1;
    else
      v_skipped := v_skipped || v_owner; -- another claimer takes this owner's runs
    end if;
    exit when v_covered >= budget;
  end loop;
  return v_locked;
end;
$function$;
