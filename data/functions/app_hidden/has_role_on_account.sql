-- app_hidden.has_role_on_account: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- True when the current user is a member of the account (with the given role, when one is given).
CREATE OR REPLACE FUNCTION app_hidden.has_role_on_account(account_id uuid, account_role text DEFAULT NULL::text)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select exists (
    select 1 from app_public.account_memberships m
    where m.user_id = app_hidden.current_user_id()
      and m.account_id = has_role_on_account.account_id
      and (has_role_on_account.account_role is null or m.account_role = has_role_on_account.account_role)
  );
$function$;
