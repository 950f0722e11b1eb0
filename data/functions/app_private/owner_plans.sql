-- app_private.owner_plans: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The plan whose allowances apply to each billing owner: the highest-tier plan among the accounts the user is primary owner of.
CREATE OR REPLACE FUNCTION app_private.owner_plans(owner_user_ids uuid[])
 RETURNS TABLE(owner_user_id uuid, limits app_private.plan_limits)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  -- a join on the owners (index on accounts.primary_owner_user_id), not "= any(array)" tested per account
  select distinct on (a.primary_owner_user_id) a.primary_owner_user_id, l
    from (select distinct o.id from unnest(owner_plans.owner_user_ids) as o(id)) o
    join app_public.accounts a on a.primary_owner_user_id = o.id
    join app_private.plan_limits l on l.plan = a.plan
   order by a.primary_owner_user_id, l.tier desc, l.plan;
$function$;
