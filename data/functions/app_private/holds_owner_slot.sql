-- app_private.holds_owner_slot: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- True when the execution holds a slot of its billing owner's plan concurrency: running, or reserved by a worker ahead of its second.
CREATE OR REPLACE FUNCTION app_private.holds_owner_slot(e app_public.task_executions)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$
  select e.status = 'running' or (e.status = 'pending' and e.lease_owner is not null);
$function$;
