-- app_hidden.current_user_owned_account_ids: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Accounts the current user owns. Policies call it as `account_id = any(array(select app_hidden.current_user_owned_account_ids()))`.
CREATE OR REPLACE FUNCTION app_hidden.current_user_owned_account_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select account_id from app_public.account_memberships
  where user_id = app_hidden.current_user_id() and account_role = 'owner';
$function$;
