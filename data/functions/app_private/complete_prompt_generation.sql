-- app_private.complete_prompt_generation: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.complete_prompt_generation(task_id uuid, generation integer, prompt text, source text, info jsonb, review_reasons text[])
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.scheduled_tasks t
     set generated_prompt = prompt,
         prompt_source = source,
         prompt_status = 'ready',
         prompt_error = null,
         prompt_generated_at = now(),
         needs_review = cardinality(complete_prompt_generation.review_reasons) > 0,
         review_reasons = complete_prompt_generation.review_reasons,
         metadata = t.metadata || jsonb_build_object('prompt', info || jsonb_build_object('generation', generation))
   where t.task_id = complete_prompt_generation.task_id and t.prompt_generation = generation;
  return found;
end;
$function$;
