-- app_hidden.current_user_personal_account_id: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The current user's personal account: the default account_id of rows created without one.
CREATE OR REPLACE FUNCTION app_hidden.current_user_personal_account_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select id from app_public.accounts
  where primary_owner_user_id = app_hidden.current_user_id() and personal_account;
$function$;
