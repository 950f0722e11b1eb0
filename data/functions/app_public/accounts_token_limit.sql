-- app_public.accounts_token_limit: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Model tokens allowed per month by the owner's plan, shared by all accounts of the same primary owner (null: unlimited).
CREATE OR REPLACE FUNCTION app_public.accounts_token_limit(a app_public.accounts)
 RETURNS bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).tokens_per_month where app_private.can_see_account(a.id);
$function$;
