-- app_public.confirm_task_prompt: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The account owner confirms a prompt flagged for review (possible prompt injection); the task can then be scheduled and executed.
-- A task that was paused because of the flag becomes active again (planned from now). Refused (ST007) while the task's agent is itself awaiting review (confirmAgentPrompt).
CREATE OR REPLACE FUNCTION app_public.confirm_task_prompt(task_id uuid)
 RETURNS app_public.scheduled_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if not app_private.is_admin() and not app_hidden.has_role_on_account(v_task.account_id, 'owner') then
    perform app_hidden.raise_error('ST004', 'only an owner of the task''s account can confirm a flagged prompt');
  end if;
  if not v_task.needs_review then
    perform app_hidden.raise_error('ST002', format('task %s is not awaiting review', v_task.task_id));
  end if;
  if exists (select 1 from app_public.agents a where a.agent_id = v_task.agent_id and a.needs_review) then
    perform app_hidden.raise_error('ST007',
      format('the system prompt of task %s''s agent %s is awaiting review', v_task.task_id, v_task.agent_id),
      'read the agent''s system prompt, then confirm it with confirmAgentPrompt');
  end if;
  update app_public.scheduled_tasks t
     set needs_review = false,
         status = case when t.status = 'paused' and coalesce((t.metadata ->> 'paused_for_review')::boolean, false)
                       then case when t.is_scheduled then 'active' else 'draft' end else t.status end,
         next_execution_at = null,
         metadata = t.metadata || jsonb_build_object('review', jsonb_build_object(
           'confirmed_by', app_hidden.current_user_id(), 'confirmed_at', now(), 'reasons', to_jsonb(t.review_reasons)))
   where t.task_id = v_task.task_id
  returning * into v_task;
  return v_task;
end;
$function$;
