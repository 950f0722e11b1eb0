-- app_private.tg__visitor_update_begin: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg__visitor_update_begin()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform pg_catalog.set_config('app.visitor_updated_rows', '0', true);
  return null;
end;
$function$;
