-- app_public.accounts_max_tokens_ceiling: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Highest max_tokens per model call the owner's plan allows an agent (null: no ceiling).
CREATE OR REPLACE FUNCTION app_public.accounts_max_tokens_ceiling(a app_public.accounts)
 RETURNS integer
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).max_tokens_ceiling where app_private.can_see_account(a.id);
$function$;
