-- app_private.configure_notifications: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Sets the notification settings for the whole service (psql, as the owner); workers starting later do not overwrite them.
CREATE OR REPLACE FUNCTION app_private.configure_notifications(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  update app_private.notification_settings s
     set failure_threshold = configure_notifications.failure_threshold,
         overdue_after = make_interval(secs => configure_notifications.overdue_seconds),
         max_per_hour = configure_notifications.max_per_hour,
         email_enabled = configure_notifications.email_enabled,
         seeded_at = coalesce(s.seeded_at, now());
$function$;
