-- app_hidden.provision_current_user: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Creates the user row (from the verified claims; an email claim that is not an email address of at most 254 characters is ignored) and their personal account on first sight; idempotent.
CREATE OR REPLACE FUNCTION app_hidden.provision_current_user()
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_user_id uuid := app_hidden.current_user_id();
  v_email text := nullif(pg_catalog.current_setting('jwt.claims.email', true), '');
  v_account_id uuid;
begin
  if v_user_id is null then
    return null;
  end if;
  if v_email is not null and (length(v_email) > 254 or v_email !~ '^[^@\s]+@[^@\s]+$') then
    v_email := null;
  end if;
  insert into app_public.users (id, email) values (v_user_id, v_email)
    on conflict (id) do update set email = coalesce(excluded.email, app_public.users.email)
    where app_public.users.email is distinct from coalesce(excluded.email, app_public.users.email);
  if not exists (select 1 from app_public.accounts where primary_owner_user_id = v_user_id and personal_account) then
    insert into app_public.accounts (name, personal_account, primary_owner_user_id)
      values (coalesce(v_email, 'Personal'), true, v_user_id)
      on conflict do nothing
      returning id into v_account_id;
    if v_account_id is not null then
      insert into app_public.account_memberships (account_id, user_id, account_role)
        values (v_account_id, v_user_id, 'owner');
    end if;
  end if;
  return v_user_id;
end;
$function$;
