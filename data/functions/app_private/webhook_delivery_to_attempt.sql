-- app_private.webhook_delivery_to_attempt: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- What deliver_webhook sends (endpoint, secret, event), or null when the delivery is no longer pending (an endpoint disabled meanwhile marks it skipped).
CREATE OR REPLACE FUNCTION app_private.webhook_delivery_to_attempt(delivery_id uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_delivery app_public.webhook_deliveries;
  v_endpoint app_public.webhook_endpoints;
  v_event app_private.notification_events;
begin
  select * into v_delivery from app_public.webhook_deliveries d where d.delivery_id = webhook_delivery_to_attempt.delivery_id for update;
  if not found or v_delivery.status <> 'pending' then
    return null;
  end if;
  select * into v_endpoint from app_public.webhook_endpoints w where w.endpoint_id = v_delivery.endpoint_id;
  if not v_endpoint.enabled then
    update app_public.webhook_deliveries d set status = 'skipped', next_attempt_at = null,
           last_error = 'endpoint disabled: ' || coalesce(v_endpoint.disabled_reason, 'by its account')
     where d.delivery_id = v_delivery.delivery_id;
    return null;
  end if;
  select * into v_event from app_private.notification_events e where e.event_id = v_delivery.event_id;
  return jsonb_build_object(
    'delivery_id', v_delivery.delivery_id, 'attempts', v_delivery.attempts,
    'url', v_endpoint.url, 'secret', v_endpoint.secret, 'format', v_endpoint.format,
    'type', v_event.kind, 'created_at', v_event.created_at,
    'data', jsonb_build_object('event_id', v_event.event_id, 'account_id', v_event.account_id, 'task_id', v_event.task_id,
                               'execution_id', v_event.execution_id, 'title', v_event.title, 'summary', v_event.summary,
                               'diff', v_event.diff) || (v_event.details - 'previous_answer'));
end;
$function$;
