-- app_private.fail_prompt_generation: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.fail_prompt_generation(task_id uuid, generation integer, error text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.scheduled_tasks t
     set prompt_status = case when t.generated_prompt = '' then 'failed' else t.prompt_status end,
         prompt_error = left(error, 2000),
         metadata = t.metadata || jsonb_build_object('prompt_failed_generation', generation)
   where t.task_id = fail_prompt_generation.task_id and t.prompt_generation = generation;
  return found;
end;
$function$;
