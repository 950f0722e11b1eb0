-- app_private.publish_digest: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Tells, once, what was held back in an account's hour: "12 more notifications …: 12 run.failed".
CREATE OR REPLACE FUNCTION app_private.publish_digest(account_id uuid, window_start timestamp with time zone)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_count integer;
  v_told integer;
  v_kinds jsonb;
  v_parts text;
  v_event_id uuid;
begin
  insert into app_private.notification_digests (account_id, window_start)
  values (publish_digest.account_id, publish_digest.window_start) on conflict do nothing;
  if not found then
    return null; -- told already
  end if;
  select jsonb_object_agg(k.kind, k.n), string_agg(format('%s %s', k.n, k.kind), ', ' order by k.n desc, k.kind)
    into v_kinds, v_parts
    from (select h.kind, count(*)::int as n from app_private.notification_holdbacks h
           where h.account_id = publish_digest.account_id and h.window_start = publish_digest.window_start group by h.kind) k;
  select coalesce(sum(k.n), 0)::int into v_count
    from (select count(*)::int as n from app_private.notification_holdbacks h
           where h.account_id = publish_digest.account_id and h.window_start = publish_digest.window_start) k;
  if v_count = 0 then
    return null;
  end if;
  select count(*)::int into v_told from app_private.notification_events e
   where e.account_id = publish_digest.account_id and e.created_at >= publish_digest.window_start
     and e.created_at < publish_digest.window_start + interval '1 hour' and e.kind <> 'notifications.coalesced';
  v_event_id := app_private.emit_notification(publish_digest.account_id, null, null, 'notifications.coalesced',
    format('%s more notifications in the hour from %s UTC', v_count, to_char(publish_digest.window_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI')),
    format('Held back to avoid a flood (%s told that hour): %s.', v_told, v_parts),
    jsonb_build_object('window_start', publish_digest.window_start, 'count', v_count, 'kinds', v_kinds),
    bypass_limit := true);
  update app_private.notification_digests d set event_id = v_event_id
   where d.account_id = publish_digest.account_id and d.window_start = publish_digest.window_start;
  return v_event_id;
end;
$function$;
