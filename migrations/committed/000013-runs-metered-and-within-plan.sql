--! Previous: sha1:c9d7eed13a1e3eb4df0a53aa730e397085956202
--! Hash: sha1:2f279eda908cfc9f626d92dca52147a503181639
--! Message: Runs metered and within plan

-- Agent runs meet metered spend (000010) and the run pool (000008):
--   * every agent step (one model call) is recorded in app_private.model_usage as its message is
--     written (append_run_message reads the step's usage from the message metadata);
--   * every call in the ledger, prompt generation's included, counts against its provider's
--     requests/tokens-per-minute budget (provider_budget reads the ledger's last minute), which also
--     counts the calls under way (one per run in flight);
--   * run results are written in batches (apply_run_writes): one transaction for many runs'
--     messages and outcomes, so a herd finishing at once costs a few commits, not one per run;
--   * a run starts only when the plan allows its model, max_tokens and the owner's token
--     allowance (check_run_allowed); otherwise it fails at once, before any model call
--     (start_execution as in 000012: task locked first, flagged prompts cancelled, plus this check);
--   * plan concurrency caps come from the owner's plan (owner_plan_limits), like every allowance.

-- Requests and tokens per minute are read from the ledger itself (index (provider, at)), only when a
-- provider has such limits: no per-call counter row that every worker would contend on.
drop function app_private.note_provider_call(text, integer, bigint);
drop table app_private.provider_minutes;

create or replace function app_private.heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer)
  returns uuid[]
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
begin
  insert into app_private.run_workers as w (worker_id, lease_expires_at, capacity, provider)
  values (heartbeat_run_worker.worker_id, now() + make_interval(secs => heartbeat_run_worker.lease_seconds), heartbeat_run_worker.capacity, heartbeat_run_worker.provider)
  on conflict (worker_id) do update
    set heartbeat_at = now(), lease_expires_at = excluded.lease_expires_at, capacity = excluded.capacity, provider = excluded.provider;
  return array(select e.execution_id from app_public.task_executions e
                where e.status = 'running' and e.lease_owner = heartbeat_run_worker.worker_id);
end;
$$;

create or replace function app_private.provider_budget(provider text, out available integer, out reason text, out retry_at timestamptz)
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_p app_private.model_providers;
  v_running integer;
  v_requests integer;
  v_tokens bigint;
begin
  select * into v_p from app_private.model_providers p where p.provider = provider_budget.provider;
  if not found then
    return;
  end if;
  if v_p.backoff_until > now() then
    available := 0;
    reason := format('model provider rate limited: waiting until %s (%s)', to_char(v_p.backoff_until at time zone 'UTC', 'HH24:MI:SS" UTC"'), v_p.backoff_reason);
    retry_at := v_p.backoff_until;
    return;
  end if;
  if v_p.max_concurrent is not null then
    select count(*) into v_running from app_public.task_executions e where e.status = 'running' and e.provider = v_p.provider and e.lease_owner is not null;
    available := greatest(v_p.max_concurrent - v_running, 0);
    if available = 0 then
      reason := format('model provider limit: %s runs at a time', v_p.max_concurrent);
    end if;
  end if;
  if v_p.requests_per_minute is not null or v_p.tokens_per_minute is not null then
    select count(*), coalesce(sum(m.total_tokens), 0) into v_requests, v_tokens
      from app_private.model_usage m
     where m.provider = v_p.provider and m.at > now() - interval '1 minute';
    if v_p.requests_per_minute is not null then
      -- completed calls of the last minute, plus one per run in flight (its call is under way)
    select count(*) into v_running from app_public.task_executions e where e.status = 'running' and e.provider = v_p.provider and e.lease_owner is not null;
    available := least(coalesce(available, v_p.requests_per_minute), greatest(v_p.requests_per_minute - v_requests - v_running, 0));
      if available = 0 and reason is null then
        reason := format('model provider limit: %s requests per minute', v_p.requests_per_minute);
        retry_at := now() + interval '5 seconds';
      end if;
    end if;
    if v_p.tokens_per_minute is not null and v_tokens >= v_p.tokens_per_minute then
      available := 0;
      reason := coalesce(reason, format('model provider limit: %s tokens per minute', v_p.tokens_per_minute));
      retry_at := now() + interval '5 seconds';
    end if;
  end if;
end;
$$;

create or replace function app_private.claim_runs(worker_id text, max_runs integer, provider text) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_budget integer := max_runs;
  v_provider record;
  v_ids uuid[];
  v_next timestamptz;
  v_now timestamptz := clock_timestamp();
begin
  perform pg_advisory_xact_lock(hashtextextended('app_private.claim_runs', 0));
  perform app_private.recover_lost_runs();
  select * into v_provider from app_private.provider_budget(claim_runs.provider);
  if v_provider.available is not null then
    v_budget := least(v_budget, v_provider.available);
  end if;
  if v_budget > 0 then
    with due as (
      select e.execution_id, e.account_id, coalesce(e.scheduled_for, e.created_at) as due_at, a.primary_owner_user_id as owner_id,
             (app_private.owner_plan_limits(a.primary_owner_user_id)).max_concurrent_executions as cap,
             row_number() over (partition by e.account_id order by coalesce(e.scheduled_for, e.created_at), e.execution_id) as account_rank
        from app_public.task_executions e
        join app_public.accounts a on a.id = e.account_id
       where e.status = 'pending' and coalesce(e.scheduled_for, e.created_at) <= v_now
         and (e.run_after is null or e.run_after <= v_now)
    ), owners_running as (
      select a.primary_owner_user_id as owner_id, count(*)::int as n
        from app_public.task_executions e join app_public.accounts a on a.id = e.account_id
       where e.status = 'running'
         and a.primary_owner_user_id in (select distinct d.owner_id from due d where d.cap is not null)
       group by 1
    ), ranked as (
      select d.*, coalesce(r.n, 0) as running,
             row_number() over (partition by d.owner_id order by d.account_rank, d.due_at, d.execution_id) as owner_rank
        from due d left join owners_running r on r.owner_id = d.owner_id
    ), capped as (
      update app_public.task_executions e
         set wait_reason = format('the plan allows %s runs at a time (over all accounts of the same owner); starts when one finishes', r.cap)
        from ranked r
       where r.execution_id = e.execution_id and r.cap is not null and r.owner_rank > r.cap - r.running
         and e.wait_reason is distinct from format('the plan allows %s runs at a time (over all accounts of the same owner); starts when one finishes', r.cap)
    ), picked as (
      select r.execution_id from ranked r
       where r.cap is null or r.owner_rank <= r.cap - r.running
       order by r.account_rank, r.due_at, r.execution_id
       limit v_budget
    )
    select array_agg(p.execution_id) into v_ids from picked p;

    with claimed as (
      update app_public.task_executions e
         set status = 'running', lease_owner = claim_runs.worker_id, provider = claim_runs.provider,
             started_at = coalesce(e.started_at, v_now), wait_reason = null
       where e.execution_id = any(v_ids) and e.status = 'pending'
      returning e.execution_id
    )
    select array_agg(c.execution_id) into v_ids from claimed c;
  elsif v_provider.reason is not null then
    -- visible on the oldest waiting runs (not rewritten on every claim)
    update app_public.task_executions e set wait_reason = v_provider.reason
     where e.execution_id in (select w.execution_id from app_public.task_executions w
                               where w.status = 'pending' and coalesce(w.scheduled_for, w.created_at) <= v_now
                                 and w.wait_reason is distinct from v_provider.reason
                               order by coalesce(w.scheduled_for, w.created_at) limit 1000);
  end if;

  select min(greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')))
    into v_next from app_public.task_executions e
   where e.status = 'pending';
  if v_provider.retry_at is not null and (v_next is null or v_next < v_provider.retry_at) and v_next <= v_now then
    v_next := v_provider.retry_at;
  end if;
  return jsonb_build_object('ids', coalesce(to_jsonb(v_ids), '[]'::jsonb), 'next_due_at', v_next,
                            'waiting_reason', v_provider.reason);
end;
$$;

create or replace function app_private.start_execution(execution_id uuid, executor text, model text) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
    values (v_task.account_id, v_thread_id, v_task.agent_id, 'running', start_execution.executor, coalesce(v_agent.model, start_execution.model),
            jsonb_build_object('task_id', v_task.task_id, 'execution_id', v_execution.execution_id))
    returning id into v_run_id;
  end if;
  update app_public.task_executions e
     set status = 'running',
         started_at = coalesce(e.started_at, now()),
         attempts = e.attempts + 1,
         thread_id = v_thread_id,
         agent_run_id = v_run_id,
         wait_reason = null
   where e.execution_id = v_execution.execution_id
  returning * into v_execution;
  update app_public.scheduled_tasks t set last_executed_at = now()
   where t.task_id = v_task.task_id and t.last_executed_at is distinct from v_execution.started_at;
  return jsonb_build_object(
    'execution_id', v_execution.execution_id,
    'task_id', v_task.task_id,
    'account_id', v_task.account_id,
    'thread_id', v_thread_id,
    'agent_run_id', v_run_id,
    'attempts', v_execution.attempts,
    'task_name', v_task.name,
    'scheduled_for', v_execution.scheduled_for,
    'agent', case when v_agent.agent_id is null then null else jsonb_build_object(
      'system_prompt', v_agent.system_prompt, 'model', v_agent.model, 'temperature', v_agent.temperature,
      'max_tokens', v_agent.max_tokens, 'tools', v_agent.tools, 'mcp_servers', v_agent.mcp_servers) end,
    'history', (select coalesce(jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content, 'metadata', m.metadata) order by m.seq), '[]'::jsonb)
                  from app_public.messages m where m.thread_id = v_thread_id)
  );
end;
$$;

-- Appends one message the agent produced to the execution's thread (only while it is running); an
-- assistant message carrying its model call's usage ({usage: {promptTokens, completionTokens}, model})
-- is metered in the same statement.
create or replace function app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb) returns boolean
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
  if append_run_message.role = 'assistant' and jsonb_typeof(metadata -> 'usage') = 'object' then
    perform app_private.record_model_usage(v_execution.account_id, 'agent', coalesce(v_execution.provider, 'unknown'),
      metadata ->> 'model', coalesce((metadata -> 'usage' ->> 'promptTokens')::int, 0), coalesce((metadata -> 'usage' ->> 'completionTokens')::int, 0),
      v_execution.task_id, v_execution.execution_id);
  end if;
  return true;
end;
$$;
comment on function app_private.append_run_message(uuid, text, text, jsonb) is
  'Writes a message of a running execution to its thread; an assistant message''s model-call usage goes to the spend ledger.';

-- Tokens of model calls that produced no message (a failed step), recorded by the worker.
create function app_private.record_run_usage(execution_id uuid, model text, input_tokens integer, output_tokens integer) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  select app_private.record_model_usage(e.account_id, 'agent', coalesce(e.provider, 'unknown'), record_run_usage.model,
                                        record_run_usage.input_tokens, record_run_usage.output_tokens, e.task_id, e.execution_id)
    from app_public.task_executions e where e.execution_id = record_run_usage.execution_id;
$$;

-- The run pool's write batcher (src/run/writes.ts): many runs' messages and outcomes in one
-- statement and one transaction, applied in order. ops: [{op: "append", execution_id, role, content,
-- metadata} | {op: "finish", execution_id, status, results, error}]; returns one boolean per op.
create function app_private.apply_run_writes(ops jsonb) returns boolean[]
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_op jsonb;
  v_out boolean[] := '{}';
begin
  for v_op in select value from jsonb_array_elements(ops) loop
    if v_op ->> 'op' = 'append' then
      v_out := v_out || app_private.append_run_message((v_op ->> 'execution_id')::uuid, v_op ->> 'role', v_op ->> 'content', v_op -> 'metadata');
    elsif v_op ->> 'op' = 'finish' then
      v_out := v_out || app_private.finish_execution((v_op ->> 'execution_id')::uuid, v_op ->> 'status', v_op -> 'results', v_op ->> 'error');
    else
      raise exception 'apply_run_writes: unknown op %', v_op ->> 'op';
    end if;
  end loop;
  return v_out;
end;
$$;
comment on function app_private.apply_run_writes(jsonb) is
  'Applies a batch of run writes (append_run_message, finish_execution) in order, in one transaction; one result per op.';
