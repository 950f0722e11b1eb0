-- app_public.confirm_agent_prompt: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- An owner of the account confirms an agent whose system prompt was flagged for review (possible prompt injection).
-- The tasks flagged only because of this agent become schedulable again (a task the flag paused is active again); tasks with flags of their own still need confirmTaskPrompt.
CREATE OR REPLACE FUNCTION app_public.confirm_agent_prompt(agent_id uuid)
 RETURNS app_public.agents
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_agent app_public.agents;
  v_task record;
  v_left text[];
begin
  select * into v_agent from app_public.agents a where a.agent_id = confirm_agent_prompt.agent_id for update;
  if v_agent.agent_id is null or not (app_private.is_admin() or app_hidden.has_role_on_account(v_agent.account_id)) then
    perform app_hidden.raise_error('ST001', format('agent %s not found', confirm_agent_prompt.agent_id));
  end if;
  if not app_private.is_admin() and not app_hidden.has_role_on_account(v_agent.account_id, 'owner') then
    perform app_hidden.raise_error('ST004', 'only an owner of the agent''s account can confirm a flagged system prompt');
  end if;
  if not v_agent.needs_review then
    perform app_hidden.raise_error('ST002', format('agent %s is not awaiting review', v_agent.agent_id));
  end if;
  update app_public.agents a
     set needs_review = false,
         config = a.config || jsonb_build_object('review', jsonb_build_object(
           'confirmed_by', app_hidden.current_user_id(), 'confirmed_at', now(), 'reasons', to_jsonb(a.review_reasons))),
         review_reasons = '{}'
   where a.agent_id = v_agent.agent_id
  returning * into v_agent;
  -- The tasks flagged only because of this agent are released the way confirmTaskPrompt releases a task.
  for v_task in
    select t.task_id, t.review_reasons from app_public.scheduled_tasks t
     where t.agent_id = v_agent.agent_id and t.needs_review
     order by t.task_id
       for update
  loop
    v_left := array(select r from unnest(v_task.review_reasons) r where r not like 'agent\_system\_prompt: %');
    if cardinality(v_left) = 0 then
      update app_public.scheduled_tasks t
         set needs_review = false,
             review_reasons = '{}',
             status = case when t.status = 'paused' and coalesce((t.metadata ->> 'paused_for_review')::boolean, false)
                           then case when t.is_scheduled then 'active' else 'draft' end else t.status end,
             next_execution_at = null,
             metadata = t.metadata || jsonb_build_object('review', jsonb_build_object(
               'confirmed_by', app_hidden.current_user_id(), 'confirmed_at', now(), 'reasons', to_jsonb(t.review_reasons)))
       where t.task_id = v_task.task_id;
    else
      update app_public.scheduled_tasks t set review_reasons = v_left where t.task_id = v_task.task_id;
    end if;
  end loop;
  return v_agent;
end;
$function$;
