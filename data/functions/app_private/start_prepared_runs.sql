-- app_private.start_prepared_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- At their second: the worker's reserved runs start. A prepared run still matching its task (preparation_of) starts in one statement set: the
-- plan's check (check_run_allowed; a refusal fails it), its agent run, running. Any other (edited since, awaiting review, never prepared) throws
-- its preparation away and starts through start_execution (its full payload is returned). A run that now overlaps a live execution of its task
-- is handed back for claim_runs' overlap policy; a cancelled one is not started. Returns [{execution_id, agent_run_id, attempts, lease_epoch, prepared}, …].
CREATE OR REPLACE FUNCTION app_private.start_prepared_runs(worker_id text, execution_ids uuid[], executor text, model text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_now timestamptz := now();
  v_fresh uuid[];
  v_stale uuid[];
  v_id uuid;
  v_started jsonb;
  v_out jsonb := '[]'::jsonb;
begin
  perform 1 from app_public.scheduled_tasks t
   where t.task_id in (select e.task_id from app_public.task_executions e where e.execution_id = any(start_prepared_runs.execution_ids))
   order by t.task_id for no key update;
  perform 1 from app_public.task_executions e
   where e.execution_id = any(start_prepared_runs.execution_ids)
   order by e.task_id, e.execution_id for update;

  -- an earlier live execution of the task appeared since the reservation: the overlap policy decides (claim_runs)
  update app_public.task_executions e set lease_owner = null
   where e.execution_id = any(start_prepared_runs.execution_ids) and e.status = 'pending' and e.lease_owner = start_prepared_runs.worker_id
     and e.execution_id in (select r.execution_id from app_private.runs_awaiting_overlap() as r(execution_id));

  select coalesce(array_agg(e.execution_id) filter (where p.fresh), '{}'), coalesce(array_agg(e.execution_id) filter (where not p.fresh), '{}')
    into v_fresh, v_stale
    from app_public.task_executions e
    join app_public.scheduled_tasks t on t.task_id = e.task_id
    cross join lateral (select not t.needs_review and app_private.preparation_matches(e, t) as fresh) p
   where e.execution_id = any(start_prepared_runs.execution_ids) and e.status = 'pending' and e.lease_owner = start_prepared_runs.worker_id;

  -- prepared runs: the plan's check (a refusal fails the run, as start_execution does), then one agent run each
  with checked as (
    select e.execution_id, e.account_id, e.task_id, e.thread_id, t.agent_id, coalesce(a.model, start_prepared_runs.model) as model,
           app_private.check_run_allowed(e.account_id, coalesce(a.model, start_prepared_runs.model), a.max_tokens) as refusal
      from app_public.task_executions e join app_public.scheduled_tasks t on t.task_id = e.task_id
      left join app_public.agents a on a.agent_id = t.agent_id
     where e.execution_id = any(v_fresh)
  ), refused as (
    update app_public.task_executions e
       set status = 'failed', completed_at = v_now, lease_owner = null, wait_reason = null,
           error_message = 'refused by the plan: ' || c.refusal,
           results = jsonb_build_object('refused', true, 'reason', c.refusal)
      from checked c where c.execution_id = e.execution_id and c.refusal is not null
  ), runs as (
    insert into app_public.agent_runs (account_id, thread_id, agent_id, status, executor, model, metadata)
    select c.account_id, c.thread_id, c.agent_id, 'running', start_prepared_runs.executor, c.model,
           jsonb_build_object('task_id', c.task_id, 'execution_id', c.execution_id)
      from checked c where c.refusal is null
    returning id, (metadata ->> 'execution_id')::uuid as execution_id
  ), started as (
    update app_public.task_executions e
       set status = 'running', started_at = coalesce(e.started_at, v_now), attempts = e.attempts + 1, attempt_open = true,
           agent_run_id = r.id, wait_reason = null
      from runs r where r.execution_id = e.execution_id
    returning e.execution_id, e.task_id, e.agent_run_id, e.attempts, e.lease_epoch
  ), tasks as (
    update app_public.scheduled_tasks t set last_executed_at = v_now
     where t.task_id in (select s.task_id from started s) and t.last_executed_at is distinct from v_now
  )
  select coalesce(jsonb_agg(jsonb_build_object('execution_id', s.execution_id, 'agent_run_id', s.agent_run_id, 'attempts', s.attempts,
                                               'lease_epoch', s.lease_epoch, 'prepared', true)), '[]'::jsonb)
    into v_out from started s;

  -- the others start the ordinary way: start_execution throws a stale preparation away (the claim's epoch kept: running first)
  foreach v_id in array v_stale loop
    update app_public.task_executions e set status = 'running', started_at = coalesce(e.started_at, v_now) where e.execution_id = v_id;
    v_started := app_private.start_execution(v_id, start_prepared_runs.executor, start_prepared_runs.model);
    if v_started is not null then
      v_out := v_out || jsonb_build_array(v_started || jsonb_build_object('prepared', false));
    end if;
  end loop;
  return v_out;
end;
$function$;
