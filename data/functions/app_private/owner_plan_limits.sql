-- app_private.owner_plan_limits: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The plan whose allowances apply to a billing owner (app_private.owner_plans for one owner).
CREATE OR REPLACE FUNCTION app_private.owner_plan_limits(owner_user_id uuid)
 RETURNS app_private.plan_limits
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_limits app_private.plan_limits;
begin
  -- (assigned, not selected into: a select into a row variable would spread the composite over its fields)
  v_limits := (select p.limits from app_private.owner_plans(array[owner_plan_limits.owner_user_id]) p);
  return v_limits;
end;
$function$;
