-- app_private.tg_scheduled_tasks__forget_notifications: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A deleted task takes its run streak, notifications and deliveries with it (what foreign keys would do; see task_run_streaks).
CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__forget_notifications()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  delete from app_private.task_run_streaks s where s.task_id = old.task_id;
  delete from app_private.notification_events e where e.task_id = old.task_id; -- its inbox rows and deliveries with it
  return null;
end;
$function$;
