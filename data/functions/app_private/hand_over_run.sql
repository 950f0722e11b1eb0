-- app_private.hand_over_run: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.hand_over_run(execution_id uuid)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  update app_public.task_executions e set lease_owner = null
   where e.execution_id = hand_over_run.execution_id and e.status = 'running';
$function$;
