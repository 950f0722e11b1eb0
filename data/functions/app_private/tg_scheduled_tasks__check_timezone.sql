-- app_private.tg_scheduled_tasks__check_timezone: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__check_timezone()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if not app_hidden.is_iana_timezone(new.timezone) then
    raise exception 'new row for relation "scheduled_tasks" violates check constraint "scheduled_tasks_timezone_check"'
      using errcode = 'check_violation', constraint = 'scheduled_tasks_timezone_check', table = 'scheduled_tasks', schema = 'app_public',
            detail = format('timezone %s is not an IANA time zone name', coalesce(new.timezone::text, 'null'));
  end if;
  return new;
end;
$function$;
