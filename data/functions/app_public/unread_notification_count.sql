-- app_public.unread_notification_count: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- How many of your notifications are unread.
CREATE OR REPLACE FUNCTION app_public.unread_notification_count()
 RETURNS integer
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select count(*)::int from app_public.notifications n
   where n.user_id = (select app_hidden.current_user_id()) and n.read_at is null;
$function$;
