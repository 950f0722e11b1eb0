-- app_public.mark_notification_read: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Marks one of your notifications read (ST001 if it is not yours).
CREATE OR REPLACE FUNCTION app_public.mark_notification_read(notification_id uuid)
 RETURNS app_public.notifications
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_row app_public.notifications;
begin
  update app_public.notifications n set read_at = coalesce(n.read_at, now())
   where n.notification_id = mark_notification_read.notification_id
     and n.user_id = app_hidden.current_user_id()
     and n.account_id in (select app_hidden.current_user_account_ids())
  returning * into v_row;
  if not found then
    perform app_hidden.raise_error('ST001', format('notification %s not found', notification_id));
  end if;
  return v_row;
end;
$function$;
