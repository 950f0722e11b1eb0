-- app_private.notification_excerpt: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The first lines of an answer or error, for a notification's summary.
CREATE OR REPLACE FUNCTION app_private.notification_excerpt(body text, max_chars integer DEFAULT 280)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  -- the first three non-empty lines, at most max_chars characters
  select case when body is null or btrim(body) = '' then ''
    else left(array_to_string((array(select l from regexp_split_to_table(btrim(body), '\s*\n\s*') l where l <> '' limit 3)), ' / '), max_chars)
         || case when length(body) > max_chars then '…' else '' end end;
$function$;
