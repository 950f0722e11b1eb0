-- app_public.rotate_webhook_secret: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Replaces an endpoint's signing secret; deliveries from now on are signed with the new one.
CREATE OR REPLACE FUNCTION app_public.rotate_webhook_secret(endpoint_id uuid)
 RETURNS app_public.webhook_endpoints
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_row app_public.webhook_endpoints;
begin
  update app_public.webhook_endpoints w set secret = app_hidden.new_webhook_secret()
   where w.endpoint_id = rotate_webhook_secret.endpoint_id and app_private.can_see_account(w.account_id)
  returning * into v_row;
  if not found then
    perform app_hidden.raise_error('ST001', format('webhook endpoint %s not found', endpoint_id));
  end if;
  return v_row;
end;
$function$;
