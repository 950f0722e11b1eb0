-- app_private.tg_scheduled_tasks__flag_cancels_pending: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__flag_cancels_pending()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.task_executions e
     set status = 'cancelled', completed_at = now(), error_message = 'cancelled: the task''s prompt was flagged for review'
   where e.task_id = new.task_id and e.status = 'pending';
  return null;
end;
$function$;
