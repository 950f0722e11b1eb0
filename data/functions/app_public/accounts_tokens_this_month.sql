-- app_public.accounts_tokens_this_month: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Model tokens (input + output) this account used this month (UTC): prompt generation and agent runs.
CREATE OR REPLACE FUNCTION app_public.accounts_tokens_this_month(a app_public.accounts)
 RETURNS bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce((select u.tokens from app_private.account_usage u
                    where u.account_id = a.id and u.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$function$;
