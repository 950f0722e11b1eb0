-- app_private.tg_webhook_endpoints__check: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Checks url, format and event_types (ST003); re-enabling clears the failure count.
CREATE OR REPLACE FUNCTION app_private.tg_webhook_endpoints__check()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_bad text;
begin
  if new.url is null or length(new.url) > 2000 or new.url !~ '^https?://[^/?#@\s]+([/?#]\S*)?$' then
    perform app_hidden.raise_error('ST003', 'url: must be an http:// or https:// URL without credentials, at most 2000 characters');
  end if;
  if new.format not in ('standard', 'slack') then
    perform app_hidden.raise_error('ST003', format('format: must be standard or slack, got "%s"', left(new.format, 40)));
  end if;
  select t into v_bad from unnest(new.event_types) t where not (t = any (app_private.webhook_event_types())) limit 1;
  if found then
    perform app_hidden.raise_error('ST003', format('event_types: "%s" is not one of %s (empty = all)', left(v_bad, 40),
      array_to_string(app_private.webhook_event_types(), ', ')));
  end if;
  if tg_op = 'UPDATE' and new.enabled and not old.enabled then
    new.consecutive_failures := 0;
    new.disabled_reason := null;
  end if;
  return new;
end;
$function$;
