-- app_private.cleanup_notifications: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Deletes notification events (and with them inbox rows and deliveries) older than retention_settings.executions.
CREATE OR REPLACE FUNCTION app_private.cleanup_notifications(now_at timestamp with time zone DEFAULT now())
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_keep interval := (select r.executions from app_private.retention_settings r);
  v_count integer;
begin
  delete from app_private.notification_events e where e.created_at < now_at - v_keep;
  get diagnostics v_count = row_count;
  delete from app_private.notification_holdbacks h where h.window_start < now_at - interval '2 days'
     and exists (select 1 from app_private.notification_digests d where d.account_id = h.account_id and d.window_start = h.window_start);
  delete from app_private.notification_digests d where d.window_start < now_at - v_keep;
  return v_count;
end;
$function$;
