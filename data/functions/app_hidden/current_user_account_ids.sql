-- app_hidden.current_user_account_ids: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Accounts the current user is a member of. Policies call it as `account_id = any(array(select app_hidden.current_user_account_ids()))` so that it runs once per statement and is an index condition. The planner guesses 10 accounts for that array; migration 000017 sets n_distinct(account_id) = -0.1 on the big tenant tables so that a tenant is expected to hold ~100 rows and every list reads through the tenant indexes.
CREATE OR REPLACE FUNCTION app_hidden.current_user_account_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select account_id from app_public.account_memberships where user_id = app_hidden.current_user_id();
$function$;
