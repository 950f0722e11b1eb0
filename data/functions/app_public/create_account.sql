-- app_public.create_account: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Creates a team account owned by the current user. Add members with inviteToAccount; they join with acceptInvitation.
CREATE OR REPLACE FUNCTION app_public.create_account(name text)
 RETURNS app_public.accounts
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_account app_public.accounts;
begin
  if app_hidden.current_user_id() is null then
    perform app_hidden.raise_error('ST401', 'you must be signed in to create an account');
  end if;
  if name is null or length(trim(name)) not between 1 and 255 then
    perform app_hidden.raise_error('ST003', 'name must be 1 to 255 characters');
  end if;
  insert into app_public.accounts (name, personal_account, primary_owner_user_id)
    values (trim(name), false, app_hidden.current_user_id()) returning * into v_account;
  insert into app_public.account_memberships (account_id, user_id, account_role)
    values (v_account.id, app_hidden.current_user_id(), 'owner');
  return v_account;
end;
$function$;
