--! Previous: sha1:fa43e2d4f2e67fe2a71d01bff6a4b115cbdba081
--! Hash: sha1:30787b7f3de2a7652b0ddb02c322f341a3a4d21f
--! Message: Agent execution

-- Agent execution: execute_task, cancel_execution, plan limits and usage, and the
-- worker's functions that start, record and close an execution.

--------------------------------------------------------------------------------
-- Billing: executions are billable events, limited per plan and month.
--------------------------------------------------------------------------------

create table app_private.plan_limits (
  plan text primary key,
  executions_per_month integer check (executions_per_month is null or executions_per_month >= 0),
  max_concurrent_executions integer check (max_concurrent_executions is null or max_concurrent_executions > 0)
);
comment on table app_private.plan_limits is 'Execution limits per billing plan; null = unlimited. Edit in psql to change plans.';
insert into app_private.plan_limits values ('free', 300, 2), ('pro', 10000, 10), ('enterprise', null, null);

create table app_private.account_usage (
  account_id uuid not null references app_public.accounts(id) on delete cascade,
  period date not null,
  executions integer not null default 0,
  primary key (account_id, period)
);
comment on table app_private.account_usage is 'Billable executions per account and calendar month (UTC), counted as executions are created.';

create function app_public.accounts_executions_this_month(a app_public.accounts) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select coalesce((select u.executions from app_private.account_usage u
                    where u.account_id = a.id and u.period = date_trunc('month', now() at time zone 'UTC')::date), 0);
$$;
comment on function app_public.accounts_executions_this_month(app_public.accounts) is 'Billable executions so far this month (UTC).';
grant execute on function app_public.accounts_executions_this_month(app_public.accounts) to :DATABASE_VISITOR;

create function app_public.accounts_execution_limit(a app_public.accounts) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select l.executions_per_month from app_private.plan_limits l where l.plan = a.plan;
$$;
comment on function app_public.accounts_execution_limit(app_public.accounts) is 'Executions allowed per month by the account''s plan (null: unlimited).';
grant execute on function app_public.accounts_execution_limit(app_public.accounts) to :DATABASE_VISITOR;

-- Counts the execution and refuses it when the plan's monthly limit is reached.
create function app_private.charge_execution(account_id uuid) returns void
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_limit integer;
  v_used integer;
begin
  select l.executions_per_month into v_limit
    from app_public.accounts a join app_private.plan_limits l on l.plan = a.plan
   where a.id = charge_execution.account_id;
  insert into app_private.account_usage as u (account_id, period, executions)
    values (charge_execution.account_id, date_trunc('month', now() at time zone 'UTC')::date, 1)
    on conflict (account_id, period) do update set executions = u.executions + 1
    returning u.executions into v_used;
  if v_limit is not null and v_used > v_limit then
    perform app_hidden.raise_error('ST008',
      format('the account''s plan allows %s executions per month and they are used up', v_limit),
      'upgrade the plan or wait for next month');
  end if;
end;
$$;

--------------------------------------------------------------------------------
-- Creating executions (manual here; the scheduler uses the same insert path)
--------------------------------------------------------------------------------

create function app_private.prompt_hash(prompt text) returns text
  language sql immutable as $$
  select encode(sha256(convert_to(prompt, 'UTF8')), 'hex');
$$;

-- Inserts a pending execution for a task and enqueues its run job (same transaction).
create function app_private.create_execution(
  task app_public.scheduled_tasks, trigger_type text, scheduled_for timestamptz, context jsonb, run_at timestamptz default now()
) returns app_public.task_executions
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_execution app_public.task_executions;
  v_agent app_public.agents;
begin
  perform app_private.charge_execution(task.account_id);
  select * into v_agent from app_public.agents where agent_id = task.agent_id;
  insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, execution_context)
  values (task.task_id, task.account_id, 'pending', create_execution.trigger_type, create_execution.scheduled_for,
          jsonb_build_object(
            'trigger', create_execution.trigger_type,
            'prompt_sha256', app_private.prompt_hash(task.generated_prompt),
            'prompt_source', task.prompt_source,
            'agent_id', task.agent_id,
            'model', v_agent.model,
            'created_at', now()
          ) || coalesce(context, '{}'::jsonb))
  returning * into v_execution;
  perform graphile_worker.add_job('run_execution', json_build_object('execution_id', v_execution.execution_id),
    run_at := run_at, job_key := 'run_execution:' || v_execution.execution_id, max_attempts := 4);
  return v_execution;
end;
$$;

create function app_public.execute_task(task_id uuid, reason text default null) returns app_public.task_executions
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status not in ('draft', 'active', 'paused') then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only draft, active and paused tasks can be executed', v_task.task_id, v_task.status));
  end if;
  perform app_private.assert_task_runnable(v_task);
  if reason is not null and length(reason) > 500 then
    perform app_hidden.raise_error('ST003', 'reason must be at most 500 characters');
  end if;
  begin
    return app_private.create_execution(v_task, 'manual', null, jsonb_build_object(
      'requested_by', app_hidden.current_user_id(),
      'requested_at', now(),
      'reason', coalesce(reason, 'manual run')));
  exception when unique_violation then
    perform app_hidden.raise_error('ST009',
      format('task %s already has an execution pending or running', v_task.task_id),
      'wait for it to finish, or cancel it with cancelExecution');
  end;
end;
$$;
comment on function app_public.execute_task(uuid, text) is
  E'Runs the task now, in a new thread. The prompt must be ready and not awaiting review; allowed for draft, active and paused tasks.\n'
  'Refused (ST009) while another execution of the task is pending or running. Manual runs do not count towards max_executions.';
grant execute on function app_public.execute_task(uuid, text) to :DATABASE_VISITOR;

--------------------------------------------------------------------------------
-- Cancelling
--------------------------------------------------------------------------------

create function app_public.cancel_execution(execution_id uuid) returns app_public.task_executions
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_execution app_public.task_executions;
begin
  select e.* into v_execution from app_public.task_executions e
   where e.execution_id = cancel_execution.execution_id
     and (app_private.is_admin() or e.account_id in (select app_hidden.current_user_account_ids()))
   for update;
  if not found then
    perform app_hidden.raise_error('ST001', format('execution %s not found', execution_id));
  end if;
  if v_execution.status not in ('pending', 'running') then
    perform app_hidden.raise_error('ST002',
      format('execution %s is %s; only pending or running executions can be cancelled', v_execution.execution_id, v_execution.status));
  end if;
  if v_execution.status = 'pending' then
    perform graphile_worker.remove_job('run_execution:' || v_execution.execution_id);
  end if;
  -- a running agent loop notices within a second or two and stops; messages written so far stay
  update app_public.task_executions e
     set status = 'cancelled', cancel_requested_at = now(), completed_at = now(),
         error_message = 'cancelled by ' || coalesce(app_hidden.current_user_id()::text, 'an administrator')
   where e.execution_id = v_execution.execution_id
  returning * into v_execution;
  update app_public.agent_runs r set status = 'cancelled', completed_at = now()
   where r.id = v_execution.agent_run_id and r.status = 'running';
  return v_execution;
end;
$$;
comment on function app_public.cancel_execution(uuid) is
  'Cancels a pending execution at once, or stops a running one within seconds (messages written so far stay).';
grant execute on function app_public.cancel_execution(uuid) to :DATABASE_VISITOR;

--------------------------------------------------------------------------------
-- The run job's write path (owner only)
--------------------------------------------------------------------------------

-- Marks the execution running and prepares its thread and agent run. Idempotent: a retried job
-- (worker crash, transient failure) reuses the thread and agent run created the first time.
-- Returns null when there is nothing to do (execution gone, finished or cancelled).
create function app_private.start_execution(execution_id uuid, executor text, model text) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_execution app_public.task_executions;
  v_task app_public.scheduled_tasks;
  v_agent app_public.agents;
  v_thread_id uuid;
  v_run_id uuid;
begin
  select * into v_execution from app_public.task_executions e where e.execution_id = start_execution.execution_id for update;
  if not found or v_execution.status not in ('pending', 'running') then
    return null;
  end if;
  select * into v_task from app_public.scheduled_tasks t where t.task_id = v_execution.task_id;
  select * into v_agent from app_public.agents a where a.agent_id = v_task.agent_id;
  v_thread_id := v_execution.thread_id;
  if v_thread_id is null then
    insert into app_public.threads (account_id, agent_id, title, metadata)
    values (v_task.account_id, v_task.agent_id,
            left(v_task.name, 200) || ' — ' || to_char(coalesce(v_execution.scheduled_for, now()) at time zone v_task.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || v_task.timezone,
            jsonb_build_object('task_id', v_task.task_id, 'execution_id', v_execution.execution_id, 'trigger', v_execution.trigger_type))
    returning thread_id into v_thread_id;
    insert into app_public.messages (thread_id, account_id, role, content, metadata)
    values (v_thread_id, v_task.account_id, 'user', v_task.generated_prompt,
            jsonb_build_object('task_id', v_task.task_id, 'execution_id', v_execution.execution_id,
                               'prompt_sha256', app_private.prompt_hash(v_task.generated_prompt)));
  end if;
  v_run_id := v_execution.agent_run_id;
  if v_run_id is null then
    insert into app_public.agent_runs (account_id, thread_id, agent_id, status, executor, model, metadata)
    values (v_task.account_id, v_thread_id, v_task.agent_id, 'running', start_execution.executor, start_execution.model,
            jsonb_build_object('task_id', v_task.task_id, 'execution_id', v_execution.execution_id))
    returning id into v_run_id;
  end if;
  update app_public.task_executions e
     set status = 'running',
         started_at = coalesce(e.started_at, now()),
         attempts = e.attempts + 1,
         thread_id = v_thread_id,
         agent_run_id = v_run_id
   where e.execution_id = v_execution.execution_id
  returning * into v_execution;
  update app_public.scheduled_tasks t set last_executed_at = now() where t.task_id = v_task.task_id;
  return jsonb_build_object(
    'execution_id', v_execution.execution_id,
    'task_id', v_task.task_id,
    'account_id', v_task.account_id,
    'thread_id', v_thread_id,
    'agent_run_id', v_run_id,
    'attempts', v_execution.attempts,
    'task_name', v_task.name,
    'agent', case when v_agent.agent_id is null then null else jsonb_build_object(
      'system_prompt', v_agent.system_prompt, 'model', v_agent.model, 'temperature', v_agent.temperature,
      'max_tokens', v_agent.max_tokens, 'tools', v_agent.tools, 'mcp_servers', v_agent.mcp_servers) end,
    'history', (select coalesce(jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content, 'metadata', m.metadata) order by m.seq), '[]'::jsonb)
                  from app_public.messages m where m.thread_id = v_thread_id)
  );
end;
$$;

-- True while the execution should keep going (not cancelled or finished meanwhile).
create function app_private.execution_is_live(execution_id uuid) returns boolean
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select exists (select 1 from app_public.task_executions e where e.execution_id = execution_is_live.execution_id and e.status = 'running');
$$;

-- Appends one message the agent produced to the execution's thread (only while it is running).
create function app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_execution app_public.task_executions;
begin
  select * into v_execution from app_public.task_executions e
   where e.execution_id = append_run_message.execution_id and e.status = 'running';
  if not found or v_execution.thread_id is null then
    return false;
  end if;
  insert into app_public.messages (thread_id, account_id, role, content, metadata)
  values (v_execution.thread_id, v_execution.account_id, role, left(content, 1000000),
          coalesce(metadata, '{}'::jsonb) || jsonb_build_object('execution_id', v_execution.execution_id));
  return true;
end;
$$;

-- A transient failure: back to pending with the error shown, until the job's next attempt.
create function app_private.retry_execution_later(execution_id uuid, error text) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  update app_public.task_executions e
     set status = 'pending', error_message = left('attempt ' || e.attempts || ' failed, will retry: ' || error, 2000)
   where e.execution_id = retry_execution_later.execution_id and e.status = 'running';
$$;

-- Closes the execution and its agent run: completed (with results) or failed (with the error).
create function app_private.finish_execution(execution_id uuid, status text, results jsonb, error text) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_execution app_public.task_executions;
begin
  if status not in ('completed', 'failed') then
    raise exception 'finish_execution: status must be completed or failed, got %', status;
  end if;
  update app_public.task_executions e
     set status = finish_execution.status,
         completed_at = now(),
         results = coalesce(finish_execution.results, '{}'::jsonb),
         error_message = case when finish_execution.status = 'failed' then left(finish_execution.error, 4000) else null end
   where e.execution_id = finish_execution.execution_id and e.status in ('running', 'pending')
  returning * into v_execution;
  if not found then
    return false; -- cancelled or already finished
  end if;
  update app_public.agent_runs r
     set status = finish_execution.status, completed_at = now(),
         error = case when finish_execution.status = 'failed' then left(finish_execution.error, 4000) end,
         usage = coalesce(finish_execution.results -> 'usage', '{}'::jsonb)
   where r.id = v_execution.agent_run_id;
  return true;
end;
$$;

-- Executions that are not live in the API sense are read-only; list per task newest first.
comment on column app_public.task_executions.results is
  'Outcome: final_answer, message_count, usage {promptTokens, completionTokens, totalTokens}, duration_ms, executor, model (dry_run = true offline).';
comment on column app_public.task_executions.execution_context is
  'Who/what started it and with what: trigger, requested_by, requested_at, reason, prompt_sha256, prompt_source, agent_id, model.';
comment on column app_public.task_executions.cancel_requested_at is 'When a cancel was requested (cancelExecution).';
comment on column app_public.agents.tools is 'Allow-list of tool names the agent may call from its MCP servers; empty = all of them.';
comment on column app_public.agents.mcp_servers is
  'MCP servers whose tools the agent may call: [{"name": "<a server configured in MCP_SERVERS>"} | {"url": "https://<host in MCP_ALLOWED_HOSTS>/mcp"}].';
