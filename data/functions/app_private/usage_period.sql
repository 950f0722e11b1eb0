-- app_private.usage_period: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The billing period (calendar month, UTC) a moment belongs to.
CREATE OR REPLACE FUNCTION app_private.usage_period(at timestamp with time zone)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select date_trunc('month', at at time zone 'UTC')::date;
$function$;
