-- app_public.accounts_prompt_generations_per_hour: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- exportThread + regeneratePrompt calls allowed per hour for all accounts of the same owner (null: unlimited).
CREATE OR REPLACE FUNCTION app_public.accounts_prompt_generations_per_hour(a app_public.accounts)
 RETURNS integer
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).prompt_generations_per_hour where app_private.can_see_account(a.id);
$function$;
