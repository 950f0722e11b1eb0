-- app_private.seed_notification_settings: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A starting worker's NOTIFY_* settings, written only the first time (the database wins afterwards); a worker with SMTP_URL turns email on. Returns the settings in force.
CREATE OR REPLACE FUNCTION app_private.seed_notification_settings(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean)
 RETURNS app_private.notification_settings
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_row app_private.notification_settings;
begin
  update app_private.notification_settings s
     set failure_threshold = seed_notification_settings.failure_threshold,
         overdue_after = make_interval(secs => seed_notification_settings.overdue_seconds),
         max_per_hour = seed_notification_settings.max_per_hour,
         seeded_at = now()
   where s.seeded_at is null;
  update app_private.notification_settings s set email_enabled = true
   where seed_notification_settings.email_enabled and not s.email_enabled;
  select * into v_row from app_private.notification_settings;
  return v_row;
end;
$function$;
