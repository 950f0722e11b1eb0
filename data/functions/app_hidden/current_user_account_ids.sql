-- app_hidden.current_user_account_ids: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Accounts the current user is a member of. Policies call it as `(select app_hidden.current_user_account_ids())`.
CREATE OR REPLACE FUNCTION app_hidden.current_user_account_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select account_id from app_public.account_memberships where user_id = app_hidden.current_user_id();
$function$;
