-- app_private.can_see_account: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- True for members of the account (and for the owner role in psql).
CREATE OR REPLACE FUNCTION app_private.can_see_account(account_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select app_private.is_admin() or can_see_account.account_id in (select app_hidden.current_user_account_ids());
$function$;
