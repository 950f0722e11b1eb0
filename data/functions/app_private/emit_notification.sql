-- app_private.emit_notification: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Tells an account something: beyond notification_settings.max_per_hour in the clock hour it is held back for that hour's digest (null returned); else the outbox event, an inbox row per member (NOTIFY graphql:notifications:<user>), then webhooks and emails. Returns the event id.
CREATE OR REPLACE FUNCTION app_private.emit_notification(account_id uuid, task_id uuid, execution_id uuid, kind text, title text, summary text, details jsonb DEFAULT '{}'::jsonb, bypass_limit boolean DEFAULT false, needs_diff boolean DEFAULT false)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_variable
declare
  v_window timestamptz := date_trunc('hour', now());
  v_sent integer;
  v_max integer;
  v_event_id uuid;
begin
  if not bypass_limit then
    v_max := (select st.max_per_hour from app_private.notification_settings st);
    select count(*) into v_sent from (
      select 1 from app_private.notification_events e
       where e.account_id = emit_notification.account_id and e.created_at >= v_window and e.kind <> 'notifications.coalesced'
       limit v_max) recent;
    if v_sent >= v_max then
      insert into app_private.notification_holdbacks (account_id, window_start, kind) values (emit_notification.account_id, v_window, kind);
      return null;
    end if;
  end if;
  insert into app_private.notification_events (account_id, task_id, execution_id, kind, title, summary, details)
  values (emit_notification.account_id, emit_notification.task_id, emit_notification.execution_id, kind,
          left(title, 300), left(summary, 1000), coalesce(details, '{}'::jsonb))
  returning notification_events.event_id into v_event_id;
  with inbox as (
    insert into app_public.notifications (account_id, user_id, event_id, task_id, execution_id, kind, title, summary, details)
    select emit_notification.account_id, m.user_id, v_event_id, emit_notification.task_id, emit_notification.execution_id, kind,
           left(title, 300), left(summary, 1000), coalesce(details, '{}'::jsonb) - 'answer' - 'previous_answer'
      from app_public.account_memberships m where m.account_id = emit_notification.account_id
    returning notifications.notification_id, notifications.user_id
  )
  select count(pg_notify('graphql:notifications:' || i.user_id,
                         json_build_object('event', 'notification_added', 'notification_id', i.notification_id)::text))
    into v_sent from inbox i;
  if needs_diff then
    -- the worker writes the diff (the diff package), then fans out, so that webhooks and emails carry it
    perform graphile_worker.add_job('notification_diff', json_build_object('event_id', v_event_id),
                                    job_key := 'notification_diff:' || v_event_id, max_attempts := 5);
  else
    perform app_private.enqueue_notification_deliveries(v_event_id);
  end if;
  return v_event_id;
end;
$function$;
