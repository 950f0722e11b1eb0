-- app_private.tg_account_memberships__personal_is_private: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_account_memberships__personal_is_private()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if exists (select 1 from app_public.accounts a where a.id = new.account_id and a.personal_account
             and a.primary_owner_user_id <> new.user_id) then
    perform app_hidden.raise_error('ST003', 'a personal account has exactly one member; create a team account to share data',
      'use createAccount(name) to create a team account');
  end if;
  return new;
end;
$function$;
