-- app_private.tg_scheduled_tasks__reset_run_streak: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Resuming a paused task resets its failure count and its refusal notice.
CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__reset_run_streak()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  delete from app_private.task_run_streaks s where s.task_id = new.task_id;
  return null;
end;
$function$;
