-- app_public.scheduled_tasks_consecutive_failures: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Failed runs in a row; at failureThreshold the task is paused (the circuit breaker). Reset by a completed run or by resuming.
CREATE OR REPLACE FUNCTION app_public.scheduled_tasks_consecutive_failures(t app_public.scheduled_tasks)
 RETURNS integer
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce((select s.consecutive_failures from app_private.task_run_streaks s
                    where s.task_id = t.task_id and app_private.can_see_account(t.account_id)), 0);
$function$;
