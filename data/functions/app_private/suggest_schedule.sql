-- app_private.suggest_schedule: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Stores the schedule prompt generation proposes for a task (null: none), only for the generation that read it (a regeneration supersedes it). True when stored.
CREATE OR REPLACE FUNCTION app_private.suggest_schedule(task_id uuid, generation integer, suggestion jsonb)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if suggestion is not null and jsonb_typeof(suggestion) <> 'object' then
    perform app_hidden.raise_error('ST003', 'suggested_schedule must be a JSON object or null');
  end if;
  update app_public.scheduled_tasks t
     set suggested_schedule = suggest_schedule.suggestion
   where t.task_id = suggest_schedule.task_id
     and t.prompt_generation = suggest_schedule.generation;
  return found;
end;
$function$;
