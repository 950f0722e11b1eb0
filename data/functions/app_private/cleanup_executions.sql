-- app_private.cleanup_executions: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Deletes finished executions older than retention_settings.executions and the run threads they created (not threads a task was exported from).
CREATE OR REPLACE FUNCTION app_private.cleanup_executions(now_at timestamp with time zone DEFAULT now())
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_keep interval := (select executions from app_private.retention_settings);
  v_count integer;
begin
  with old as (
    delete from app_public.task_executions e
     where e.status in ('completed', 'failed', 'cancelled') and e.created_at < now_at - v_keep
    returning e.thread_id
  ), threads as (
    delete from app_public.threads t
     using old where t.thread_id = old.thread_id
       and not exists (select 1 from app_public.scheduled_tasks s where s.source_thread_id = t.thread_id)
    returning t.thread_id
  )
  select count(*) into v_count from old;
  return v_count;
end;
$function$;
