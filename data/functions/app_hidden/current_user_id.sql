-- app_hidden.current_user_id: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The verified JWT subject of the current request (null for anonymous requests).
CREATE OR REPLACE FUNCTION app_hidden.current_user_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE
AS $function$
  select nullif(pg_catalog.current_setting('jwt.claims.sub', true), '')::uuid;
$function$;
