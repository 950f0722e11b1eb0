-- app_hidden.is_iana_timezone: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_hidden.is_iana_timezone(name text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select name is not null and exists (select 1 from app_private.iana_timezones z where z.name = is_iana_timezone.name);
$function$;
