-- app_public.accounts_allowed_models: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Models the owner's plan allows agents to use (null: any).
CREATE OR REPLACE FUNCTION app_public.accounts_allowed_models(a app_public.accounts)
 RETURNS text[]
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).allowed_models where app_private.can_see_account(a.id);
$function$;
