-- app_hidden.current_user_teammate_ids: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_hidden.current_user_teammate_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select distinct m.user_id from app_public.account_memberships m
  where m.account_id = any(array(select app_hidden.current_user_account_ids()));
$function$;
