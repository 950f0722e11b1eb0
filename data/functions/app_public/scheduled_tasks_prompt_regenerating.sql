-- app_public.scheduled_tasks_prompt_regenerating: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- True while a prompt generation (first or regenerated) is still running for this task.
CREATE OR REPLACE FUNCTION app_public.scheduled_tasks_prompt_regenerating(t app_public.scheduled_tasks)
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
  select t.prompt_generation > greatest(coalesce((t.metadata -> 'prompt' ->> 'generation')::int, 0),
                                        coalesce((t.metadata ->> 'prompt_failed_generation')::int, 0));
$function$;
