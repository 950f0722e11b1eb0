-- app_private.enqueue_prompt_generation: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Enqueues prompt generation for the task's current generation, within the owner's hourly rate limit (ST013).
CREATE OR REPLACE FUNCTION app_private.enqueue_prompt_generation(task app_public.scheduled_tasks)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  perform app_private.charge_prompt_generation(task.account_id, task.task_id);
  perform graphile_worker.add_job(
    'generate_prompt',
    json_build_object('task_id', task.task_id, 'generation', task.prompt_generation),
    job_key := 'generate_prompt:' || task.task_id,
    max_attempts := 5
  );
end;
$function$;
