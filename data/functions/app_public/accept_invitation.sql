-- app_public.accept_invitation: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The invited user joins the account with the invitation's role (an expired or someone else's invitation: ST001). Decline with deleteAccountInvitationByInvitationId.
CREATE OR REPLACE FUNCTION app_public.accept_invitation(invitation_id uuid)
 RETURNS app_public.account_memberships
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_invitation app_public.account_invitations;
  v_membership app_public.account_memberships;
begin
  select i.* into v_invitation from app_public.account_invitations i
   where i.invitation_id = accept_invitation.invitation_id and i.expires_at > now()
     and (i.invited_user_id = app_hidden.current_user_id() or i.email = app_hidden.current_user_email())
   for update;
  if not found or app_hidden.current_user_id() is null then
    perform app_hidden.raise_error('ST001', format('invitation %s not found', accept_invitation.invitation_id));
  end if;
  insert into app_public.account_memberships as m (account_id, user_id, account_role)
  values (v_invitation.account_id, app_hidden.current_user_id(), v_invitation.account_role)
  on conflict (account_id, user_id) do update set account_role = m.account_role
  returning * into v_membership;
  delete from app_public.account_invitations i where i.invitation_id = v_invitation.invitation_id;
  return v_membership;
end;
$function$;
