-- app_private.record_webhook_event: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Records a callback event for a run; false when that event id was already applied (call in the transaction that applies it).
CREATE OR REPLACE FUNCTION app_private.record_webhook_event(agent_run_id uuid, event_id text, event_type text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
begin
  insert into app_private.webhook_events (agent_run_id, event_id, event_type)
  values (record_webhook_event.agent_run_id, record_webhook_event.event_id, record_webhook_event.event_type)
  on conflict do nothing;
  return found;
end;
$function$;
