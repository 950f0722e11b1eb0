-- app_private.record_notification_email: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Marks a notification emailed.
CREATE OR REPLACE FUNCTION app_private.record_notification_email(notification_id uuid)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  update app_public.notifications n set emailed_at = now() where n.notification_id = record_notification_email.notification_id;
$function$;
