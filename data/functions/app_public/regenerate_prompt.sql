-- app_public.regenerate_prompt: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Re-snapshots the source thread and generates the prompt again. The current prompt stays available until the new one is ready
-- (watch promptGeneration / metadata.prompt.generation, or subscribe to taskUpdated).
CREATE OR REPLACE FUNCTION app_public.regenerate_prompt(task_id uuid)
 RETURNS app_public.scheduled_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
  v_messages jsonb := app_private.snapshot_thread(v_task.source_thread_id);
begin
  if not jsonb_path_exists(v_messages, '$[*] ? (@.role == "user" && @.content != "")') then
    perform app_hidden.raise_error('ST005', format('thread %s has no user message; there is nothing to turn into a task', v_task.source_thread_id));
  end if;
  -- the previous prompt stays in generated_prompt (and usable) until the new one is ready
  update app_public.scheduled_tasks t
     set original_messages = v_messages,
         prompt_status = case when t.generated_prompt = '' then 'pending' else t.prompt_status end,
         prompt_error = null,
         prompt_generation = t.prompt_generation + 1,
         metadata = t.metadata || jsonb_build_object('regeneration_requested_at', now())
   where t.task_id = v_task.task_id
  returning * into v_task;
  perform app_private.enqueue_prompt_generation(v_task);
  return v_task;
end;
$function$;
