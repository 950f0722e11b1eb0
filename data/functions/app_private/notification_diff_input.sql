-- app_private.notification_diff_input: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The two answers a run.changed event compares.
CREATE OR REPLACE FUNCTION app_private.notification_diff_input(event_id uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select jsonb_build_object('previous', e.details ->> 'previous_answer', 'current', e.details ->> 'answer')
    from app_private.notification_events e where e.event_id = notification_diff_input.event_id;
$function$;
