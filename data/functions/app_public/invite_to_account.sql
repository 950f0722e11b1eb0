-- app_public.invite_to_account: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- An owner invites someone to a team account, by email or by user id; they join when they accept (acceptInvitation).
-- The answer is the same whether or not such a user exists. Errors: ST001, ST003, ST004.
CREATE OR REPLACE FUNCTION app_public.invite_to_account(account_id uuid, email text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid, account_role text DEFAULT 'member'::text)
 RETURNS app_public.account_invitations
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_account app_public.accounts;
  v_email text := lower(btrim(invite_to_account.email));
  v_invitation app_public.account_invitations;
begin
  if app_hidden.current_user_id() is null then
    perform app_hidden.raise_error('ST401', 'you must be signed in to invite someone');
  end if;
  select a.* into v_account from app_public.accounts a
   where a.id = invite_to_account.account_id and a.id in (select app_hidden.current_user_account_ids());
  if not found then
    perform app_hidden.raise_error('ST001', format('account %s not found', invite_to_account.account_id));
  end if;
  if not app_hidden.has_role_on_account(v_account.id, 'owner') then
    perform app_hidden.raise_error('ST004', 'only an owner of the account can invite members');
  end if;
  if v_account.personal_account then
    perform app_hidden.raise_error('ST003', 'a personal account has exactly one member; create a team account to share data',
      'use createAccount(name) to create a team account');
  end if;
  if num_nonnulls(nullif(v_email, ''), invite_to_account.user_id) <> 1 then
    perform app_hidden.raise_error('ST003', 'give exactly one of email or userId');
  end if;
  if v_email is not null and (length(v_email) > 254 or v_email !~ '^[^@\s]+@[^@\s]+$') then
    perform app_hidden.raise_error('ST003', 'email must be an email address of at most 254 characters');
  end if;
  if invite_to_account.account_role is null or invite_to_account.account_role not in ('owner', 'member') then
    perform app_hidden.raise_error('ST003', 'account_role must be owner or member');
  end if;
  if (select count(*) from app_public.account_invitations i where i.account_id = v_account.id and i.expires_at > now()) >= 100 then
    perform app_hidden.raise_error('ST003', 'an account can have at most 100 open invitations; revoke some first');
  end if;
  -- inviting the same person again renews the invitation (same answer whoever it is)
  if v_email is not null then
    insert into app_public.account_invitations as i (account_id, account_name, email, account_role, invited_by)
    values (v_account.id, v_account.name, v_email, invite_to_account.account_role, app_hidden.current_user_id())
    on conflict (account_id, email) where email is not null do update
      set account_role = excluded.account_role, invited_by = excluded.invited_by, account_name = excluded.account_name,
          expires_at = now() + interval '14 days'
    returning * into v_invitation;
  else
    insert into app_public.account_invitations as i (account_id, account_name, invited_user_id, account_role, invited_by)
    values (v_account.id, v_account.name, invite_to_account.user_id, invite_to_account.account_role, app_hidden.current_user_id())
    on conflict (account_id, invited_user_id) where invited_user_id is not null do update
      set account_role = excluded.account_role, invited_by = excluded.invited_by, account_name = excluded.account_name,
          expires_at = now() + interval '14 days'
    returning * into v_invitation;
  end if;
  return v_invitation;
end;
$function$;
