-- app_public.scheduled_tasks_effective_notify_on: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The policy that applies: notifyOn, else the account's.
CREATE OR REPLACE FUNCTION app_public.scheduled_tasks_effective_notify_on(t app_public.scheduled_tasks)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(t.notify_on, (select a.notify_on from app_public.accounts a where a.id = t.account_id), 'failure');
$function$;
