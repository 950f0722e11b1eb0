-- app_private.claim_due_tasks: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.claim_due_tasks(until timestamp with time zone, batch_size integer)
 RETURNS TABLE(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, next_execution_at timestamp with time zone, execution_count integer, max_executions integer, schedule_version integer)
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select t.task_id, t.schedule_type, t.scheduled_at, t.cron_expression, t.timezone,
         t.next_execution_at, t.execution_count, t.max_executions, t.schedule_version
    from app_public.scheduled_tasks t
   where t.status = 'active' and t.next_execution_at <= until and not t.needs_review
   order by t.next_execution_at
   limit batch_size
   for update skip locked;
$function$;
