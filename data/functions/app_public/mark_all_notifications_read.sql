-- app_public.mark_all_notifications_read: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Marks all your unread notifications read; returns how many.
CREATE OR REPLACE FUNCTION app_public.mark_all_notifications_read()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_count integer;
begin
  if app_hidden.current_user_id() is null then
    perform app_hidden.raise_error('ST401', 'you must be signed in to read notifications');
  end if;
  update app_public.notifications n set read_at = now()
   where n.user_id = app_hidden.current_user_id() and n.read_at is null
     and n.account_id in (select app_hidden.current_user_account_ids());
  get diagnostics v_count = row_count;
  return v_count;
end;
$function$;
