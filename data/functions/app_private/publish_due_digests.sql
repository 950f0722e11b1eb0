-- app_private.publish_due_digests: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Tells the digest of every account hour that ended with notifications held back (the notification_digest job, every minute).
CREATE OR REPLACE FUNCTION app_private.publish_due_digests(now_at timestamp with time zone DEFAULT now())
 RETURNS TABLE(digests integer, coalesced integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  r record;
begin
  digests := 0;
  coalesced := 0;
  for r in
    select h.account_id, h.window_start, count(*)::int as n from app_private.notification_holdbacks h
     where h.window_start <= now_at - interval '1 hour'
       and not exists (select 1 from app_private.notification_digests d where d.account_id = h.account_id and d.window_start = h.window_start)
     group by 1, 2
  loop
    if app_private.publish_digest(r.account_id, r.window_start) is not null then
      digests := digests + 1;
      coalesced := coalesced + r.n;
    end if;
  end loop;
  return next;
end;
$function$;
