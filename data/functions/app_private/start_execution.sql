-- app_private.start_execution: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Prepares a claimed run (thread, prompt message, agent run; reused when resuming) and opens an attempt. Locks the task, then the execution
-- (the order of execute_task). Returns the run, with the lease_epoch its writes must name. A run of a task awaiting review is cancelled and null returned.
CREATE OR REPLACE FUNCTION app_private.start_execution(execution_id uuid, executor text, model text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
  v_task app_public.scheduled_tasks;
  v_agent app_public.agents;
  v_thread_id uuid;
  v_run_id uuid;
  v_refusal text;
begin
  select t.* into v_task from app_public.scheduled_tasks t
   where t.task_id = (select e.task_id from app_public.task_executions e where e.execution_id = start_execution.execution_id)
   for no key update;
  if not found then
    return null;
  end if;
  select * into v_execution from app_public.task_executions e where e.execution_id = start_execution.execution_id for update;
  if not found or v_execution.status not in ('pending', 'running') then
    return null;
  end if;
  if v_task.needs_review then
    update app_public.task_executions e
       set status = 'cancelled', completed_at = now(), lease_owner = null, wait_reason = null,
           error_message = left('cancelled: the task''s prompt is awaiting review: ' || array_to_string(v_task.review_reasons, '; '), 2000)
     where e.execution_id = v_execution.execution_id;
    return null;
  end if;
  select * into v_agent from app_public.agents a where a.agent_id = v_task.agent_id;
  -- the plan's model allow-list, max_tokens ceiling and token allowance, before any model call
  v_refusal := app_private.check_run_allowed(v_task.account_id, coalesce(v_agent.model, start_execution.model), v_agent.max_tokens);
  if v_refusal is not null then
    update app_public.task_executions e
       set status = 'failed', completed_at = now(), lease_owner = null, wait_reason = null,
           error_message = 'refused by the plan: ' || v_refusal,
           results = jsonb_build_object('refused', true, 'reason', v_refusal)
     where e.execution_id = v_execution.execution_id;
    return null;
  end if;
  -- a preparation made ahead that the task no longer matches (prompt or agent edited since) is thrown away
  if v_execution.execution_context ? 'prepared' and v_execution.agent_run_id is null and v_execution.attempts = 0
     and not app_private.preparation_matches(v_execution, v_task) then
    delete from app_public.threads th where th.thread_id = v_execution.thread_id;
    update app_public.task_executions e set thread_id = null, execution_context = e.execution_context - 'prepared'
     where e.execution_id = v_execution.execution_id
    returning * into v_execution;
  end if;
  v_thread_id := v_execution.thread_id;
  if v_thread_id is null then
    v_thread_id := app_private.prepare_run_thread(v_execution, v_task);
  end if;
  v_run_id := v_execution.agent_run_id;
  if v_run_id is null then
    insert into app_public.agent_runs (account_id, thread_id, agent_id, status, executor, model, metadata)
    values (v_task.account_id, v_thread_id, v_task.agent_id, 'running', start_execution.executor, coalesce(v_agent.model, start_execution.model),
            jsonb_build_object('task_id', v_task.task_id, 'execution_id', v_execution.execution_id))
    returning id into v_run_id;
  end if;
  update app_public.task_executions e
     set status = 'running',
         started_at = coalesce(e.started_at, now()),
         attempts = e.attempts + 1,
         attempt_open = true,
         -- a run started without a claim (psql, tests) gets its own lease epoch; a claimed one keeps the claim's
         lease_epoch = case when e.status = 'pending' then e.lease_epoch + 1 else e.lease_epoch end,
         thread_id = v_thread_id,
         agent_run_id = v_run_id,
         wait_reason = null
   where e.execution_id = v_execution.execution_id
  returning * into v_execution;
  update app_public.scheduled_tasks t set last_executed_at = now()
   where t.task_id = v_task.task_id and t.last_executed_at is distinct from v_execution.started_at;
  return app_private.run_payload(v_execution, v_task);
end;
$function$;
