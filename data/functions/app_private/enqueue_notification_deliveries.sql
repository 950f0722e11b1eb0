-- app_private.enqueue_notification_deliveries: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- One webhook delivery (job deliver_webhook) per enabled endpoint of the account that wants the event, one email job per member who wants email.
CREATE OR REPLACE FUNCTION app_private.enqueue_notification_deliveries(event_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_event app_private.notification_events;
  v_jobs integer;
begin
  select * into v_event from app_private.notification_events e where e.event_id = enqueue_notification_deliveries.event_id;
  if not found then
    return;
  end if;
  if v_event.kind = any (app_private.webhook_event_types()) then
    with inserted as (
      insert into app_public.webhook_deliveries (account_id, endpoint_id, event_id, event_type, next_attempt_at)
      select v_event.account_id, w.endpoint_id, v_event.event_id, v_event.kind, now()
        from app_public.webhook_endpoints w
       where w.account_id = v_event.account_id and w.enabled
         and (cardinality(w.event_types) = 0 or v_event.kind = any (w.event_types))
      returning delivery_id
    )
    select count(graphile_worker.add_job('deliver_webhook', json_build_object('delivery_id', i.delivery_id),
                                         job_key := 'deliver_webhook:' || i.delivery_id, max_attempts := 3))
      into v_jobs from inserted i;
  end if;
  if (select s.email_enabled from app_private.notification_settings s) then
    perform graphile_worker.add_job('send_notification_email', json_build_object('notification_id', n.notification_id),
                                    job_key := 'send_notification_email:' || n.notification_id, max_attempts := 5)
       from app_public.notifications n join app_public.users u on u.id = n.user_id
      where n.event_id = v_event.event_id and u.email is not null and u.email_notifications;
  end if;
end;
$function$;
