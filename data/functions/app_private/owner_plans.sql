-- app_private.owner_plans: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The plan whose allowances apply to each billing owner: the highest-tier plan among the accounts the user is primary owner of.
CREATE OR REPLACE FUNCTION app_private.owner_plans(owner_user_ids uuid[])
 RETURNS TABLE(owner_user_id uuid, limits app_private.plan_limits)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  -- one index probe per owner (accounts.primary_owner_user_id): the highest-tier plan among the owner's accounts
  return query
  select o.id, x.l
    from (select distinct u.id from unnest(owner_plans.owner_user_ids) as u(id)) o
   cross join lateral (select l from app_public.accounts a join app_private.plan_limits l on l.plan = a.plan
                        where a.primary_owner_user_id = o.id
                        order by l.tier desc, l.plan limit 1) x;
end;
$function$;
