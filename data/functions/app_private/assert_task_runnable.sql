-- app_private.assert_task_runnable: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.assert_task_runnable(task app_public.scheduled_tasks)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
AS $function$
begin
  if task.prompt_status <> 'ready' or task.generated_prompt = '' then
    perform app_hidden.raise_error('ST006', format('task %s has no ready prompt (prompt_status = %s)', task.task_id, task.prompt_status),
      'wait for prompt generation to finish, or write the prompt yourself');
  end if;
  if task.needs_review then
    perform app_hidden.raise_error('ST007', format('task %s is awaiting review: %s', task.task_id, array_to_string(task.review_reasons, '; ')),
      'read the prompt, then confirm it with confirmTaskPrompt');
  end if;
end;
$function$;
