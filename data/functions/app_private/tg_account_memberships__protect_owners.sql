-- app_private.tg_account_memberships__protect_owners: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_account_memberships__protect_owners()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_account app_public.accounts;
begin
  select * into v_account from app_public.accounts where id = old.account_id;
  if not found then
    return coalesce(new, old); -- the account itself is being deleted
  end if;
  if v_account.personal_account and old.user_id = v_account.primary_owner_user_id
     and (tg_op = 'DELETE' or new.account_role <> 'owner') then
    perform app_hidden.raise_error('ST004', 'the owner of a personal account cannot be removed or demoted');
  end if;
  if old.account_role = 'owner' and (tg_op = 'DELETE' or new.account_role <> 'owner')
     and not exists (select 1 from app_public.account_memberships
                     where account_id = old.account_id and account_role = 'owner' and user_id <> old.user_id) then
    perform app_hidden.raise_error('ST004', 'an account must keep at least one owner');
  end if;
  return coalesce(new, old);
end;
$function$;
