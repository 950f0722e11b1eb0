-- app_private.check_token_allowance: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Null while the account's billing owner has tokens left this month; otherwise the refusal ("… (ST010)"). Checked before every prompt-generation call.
CREATE OR REPLACE FUNCTION app_private.check_token_allowance(account_id uuid)
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select app_private.check_run_allowed(account_id, null, null);
$function$;
