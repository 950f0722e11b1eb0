-- app_private.complete_notification_diff: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Stores the diff of a run.changed event (outbox and inbox), then fans it out.
CREATE OR REPLACE FUNCTION app_private.complete_notification_diff(event_id uuid, diff text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_private.notification_events e set diff = left(complete_notification_diff.diff, 4000)
   where e.event_id = complete_notification_diff.event_id;
  if not found then
    return;
  end if;
  update app_public.notifications n set diff = left(complete_notification_diff.diff, 4000)
   where n.event_id = complete_notification_diff.event_id;
  perform app_private.enqueue_notification_deliveries(complete_notification_diff.event_id);
end;
$function$;
