-- app_private.record_webhook_attempt: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Writes one delivery attempt to the log; schedules the next try with exponential back-off (a new deliver_webhook job) or gives up; turns the endpoint off after disable_after failed attempts in a row, telling the account (endpoint.disabled).
CREATE OR REPLACE FUNCTION app_private.record_webhook_attempt(delivery_id uuid, ok boolean, status_code integer, error text, retryable boolean, max_attempts integer, retry_base_ms integer, disable_after integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_delivery app_public.webhook_deliveries;
  v_endpoint app_public.webhook_endpoints;
  v_next timestamptz;
  v_disabled boolean := false;
begin
  select * into v_delivery from app_public.webhook_deliveries d where d.delivery_id = record_webhook_attempt.delivery_id for update;
  if not found then
    return null;
  end if;
  if ok then
    update app_public.webhook_deliveries d
       set status = 'delivered', attempts = d.attempts + 1, last_status_code = status_code, last_error = null,
           next_attempt_at = null, delivered_at = now()
     where d.delivery_id = v_delivery.delivery_id returning * into v_delivery;
    update app_public.webhook_endpoints w set consecutive_failures = 0
     where w.endpoint_id = v_delivery.endpoint_id and w.consecutive_failures <> 0;
    return jsonb_build_object('status', 'delivered');
  end if;
  if retryable and v_delivery.attempts + 1 < max_attempts then
    -- exponential back-off: base, 2×base, 4×base … at most 6 hours, with up to 10 % jitter
    v_next := now() + least(make_interval(secs => retry_base_ms / 1000.0 * power(2, v_delivery.attempts) * (1 + random() * 0.1)), interval '6 hours');
  end if;
  update app_public.webhook_deliveries d
     set status = case when v_next is null then 'failed' else 'pending' end, attempts = d.attempts + 1,
         last_status_code = status_code, last_error = left(error, 1000), next_attempt_at = v_next
   where d.delivery_id = v_delivery.delivery_id returning * into v_delivery;
  if v_next is not null then
    perform graphile_worker.add_job('deliver_webhook', json_build_object('delivery_id', v_delivery.delivery_id),
                                    run_at := v_next, job_key := 'deliver_webhook:' || v_delivery.delivery_id, max_attempts := 3);
  end if;
  update app_public.webhook_endpoints w set consecutive_failures = w.consecutive_failures + 1
   where w.endpoint_id = v_delivery.endpoint_id returning * into v_endpoint;
  if v_endpoint.enabled and v_endpoint.consecutive_failures >= disable_after then
    update app_public.webhook_endpoints w
       set enabled = false,
           disabled_reason = format('turned off after %s failed delivery attempts in a row (last: %s)', w.consecutive_failures, left(error, 300))
     where w.endpoint_id = v_endpoint.endpoint_id returning * into v_endpoint;
    v_disabled := true;
    perform app_private.emit_notification(v_endpoint.account_id, null, null, 'endpoint.disabled',
      'A webhook endpoint was turned off', format('%s: %s. Fix the receiver, then set enabled to true.', left(v_endpoint.url, 200), v_endpoint.disabled_reason),
      jsonb_build_object('endpoint_id', v_endpoint.endpoint_id, 'url', v_endpoint.url), bypass_limit := true);
  end if;
  return jsonb_build_object('status', v_delivery.status, 'next_attempt_at', v_next, 'endpoint_disabled', v_disabled);
end;
$function$;
