-- app_public.accounts_owner_executions_this_month: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Executions this month of all accounts of this account's primary owner: what executionLimit is compared with.
CREATE OR REPLACE FUNCTION app_public.accounts_owner_executions_this_month(a app_public.accounts)
 RETURNS integer
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce((select o.executions from app_private.owner_usage o
                    where o.owner_user_id = a.primary_owner_user_id and o.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$function$;
