-- app_public.current_user: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The signed-in user, or null when anonymous.
CREATE OR REPLACE FUNCTION app_public."current_user"()
 RETURNS app_public.users
 LANGUAGE sql
 STABLE
AS $function$
  select * from app_public.users where id = app_hidden.current_user_id();
$function$;
