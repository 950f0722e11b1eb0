-- app_private.is_admin: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.is_admin()
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
  select pg_catalog.current_setting('role', true) is distinct from 'sat_visitor'
     and session_user <> 'sat_authenticator';
$function$;
