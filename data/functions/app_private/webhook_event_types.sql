-- app_private.webhook_event_types: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The event types an endpoint can subscribe to.
CREATE OR REPLACE FUNCTION app_private.webhook_event_types()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select array['run.failed', 'run.completed', 'run.changed', 'run.refused', 'run.overdue', 'task.paused', 'notifications.coalesced'];
$function$;
