-- app_private.load_task_for_update: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The task if the current user may see it (or, for the owner role in psql, any task), locked; raises ST001 otherwise.
CREATE OR REPLACE FUNCTION app_private.load_task_for_update(task_id uuid)
 RETURNS app_public.scheduled_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_task app_public.scheduled_tasks;
begin
  select t.* into v_task from app_public.scheduled_tasks t
  where t.task_id = load_task_for_update.task_id
    and (app_private.is_admin() or t.account_id in (select app_hidden.current_user_account_ids()))
  for update;
  if not found then
    perform app_hidden.raise_error('ST001', format('task %s not found', task_id));
  end if;
  return v_task;
end;
$function$;
