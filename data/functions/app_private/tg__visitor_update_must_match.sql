-- app_private.tg__visitor_update_must_match: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Raises (P0002, passed through by the API as NOT_FOUND) when an update by the visitor role changed no row.
CREATE OR REPLACE FUNCTION app_private.tg__visitor_update_must_match()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if coalesce(nullif(pg_catalog.current_setting('app.visitor_updated_rows', true), ''), '0') = '0' then
    raise exception using errcode = 'P0002',
      message = format('No values were updated in collection ''%s'' because no values you can update were found matching these criteria.', tg_table_name);
  end if;
  return null;
end;
$function$;
