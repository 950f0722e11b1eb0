-- app_private.execution_is_live: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.execution_is_live(execution_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select exists (select 1 from app_public.task_executions e where e.execution_id = execution_is_live.execution_id and e.status = 'running');
$function$;
