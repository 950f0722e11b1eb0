-- app_hidden.current_user_email: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The signed-in user's email (lower case), from their verified token; null when none.
CREATE OR REPLACE FUNCTION app_hidden.current_user_email()
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select lower(u.email) from app_public.users u where u.id = app_hidden.current_user_id();
$function$;
