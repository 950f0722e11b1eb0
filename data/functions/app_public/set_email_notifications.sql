-- app_public.set_email_notifications: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Turns email notifications on or off for you (the inbox keeps everything).
CREATE OR REPLACE FUNCTION app_public.set_email_notifications(enabled boolean)
 RETURNS app_public.users
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_user app_public.users;
begin
  if enabled is null then
    perform app_hidden.raise_error('ST003', 'enabled: must be true or false');
  end if;
  update app_public.users u set email_notifications = set_email_notifications.enabled
   where u.id = app_hidden.current_user_id() returning * into v_user;
  if not found then
    perform app_hidden.raise_error('ST401', 'you must be signed in to change your email notifications');
  end if;
  return v_user;
end;
$function$;
