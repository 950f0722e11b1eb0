--! Previous: sha1:9406e5d452b4fdf8cfeed3c1be454bcb3fd79b3e
--! Hash: sha1:3be674bddc8bbf299e142d6e55ec5579426798b6
--! Message: Run pool

-- The run stage: executions are the queue. Each worker process holds many runs in flight in an
-- in-process run pool (src/runPool.ts) instead of one graphile-worker job slot per run.
--   * claim_runs picks the next runnable executions in one query: round-robin across accounts,
--     within each paying owner's plan concurrency cap and the model provider's shared limits;
--   * a claimed run is leased to its worker process (run_workers: one heartbeat row per process,
--     not one per run); a process that stops heartbeating loses its runs, which the next claim
--     puts back to pending and another worker resumes in the same thread and agent run;
--   * a cancel is announced with NOTIFY to the process holding the run.

--------------------------------------------------------------------------------
-- Worker processes and leases
--------------------------------------------------------------------------------

create table app_private.run_workers (
  worker_id text primary key,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  lease_expires_at timestamptz not null,
  capacity integer not null check (capacity > 0),
  provider text not null
);
alter table app_private.run_workers enable row level security;
comment on table app_private.run_workers is
  'Worker processes running agent runs: a heartbeat every few seconds moves lease_expires_at; runs of a process whose lease expired are resumed by another.';

alter table app_public.task_executions
  add column lease_owner text,
  add column run_after timestamptz,
  add column wait_reason text,
  add column provider text;
comment on column app_public.task_executions.lease_owner is E'The worker process running it (run_workers.worker_id).\n@behavior -*';
comment on column app_public.task_executions.run_after is
  'A pending execution does not start before this time (a retry''s back-off, a provider''s Retry-After).';
comment on column app_public.task_executions.wait_reason is
  'Why a due execution has not started yet (plan concurrency limit, model provider limit, retry back-off); null once it runs.';
comment on column app_public.task_executions.provider is E'The model provider the run was started on (OPENAI_BASE_URL or offline).\n@behavior -*';

-- the queue: pending executions in due order; running ones per worker and per provider
create index idx_task_executions_pending_due on app_public.task_executions(coalesce(scheduled_for, created_at)) where status = 'pending';
create index idx_task_executions_running_lease on app_public.task_executions(lease_owner) where status = 'running';

--------------------------------------------------------------------------------
-- Model providers: shared limits and back-off, one row per OPENAI_BASE_URL
--------------------------------------------------------------------------------

create table app_private.model_providers (
  provider text primary key,
  max_concurrent integer check (max_concurrent is null or max_concurrent > 0),
  requests_per_minute integer check (requests_per_minute is null or requests_per_minute > 0),
  tokens_per_minute integer check (tokens_per_minute is null or tokens_per_minute > 0),
  backoff_until timestamptz,
  backoff_reason text,
  updated_at timestamptz not null default now()
);
alter table app_private.model_providers enable row level security;
comment on table app_private.model_providers is
  'Limits of a model provider shared by every worker process (null = no limit) and its current back-off after a 429. Workers upsert their configured limits at start.';

create table app_private.provider_minutes (
  provider text not null,
  minute timestamptz not null,
  requests integer not null default 0,
  tokens bigint not null default 0,
  primary key (provider, minute)
);
alter table app_private.provider_minutes enable row level security;
comment on table app_private.provider_minutes is
  'Requests and tokens sent to each provider per minute (all workers), for requests/tokens-per-minute limits. Rows older than an hour are pruned.';

create function app_private.configure_provider(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer)
  returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  insert into app_private.model_providers as p (provider, max_concurrent, requests_per_minute, tokens_per_minute)
  values (configure_provider.provider, configure_provider.max_concurrent, configure_provider.requests_per_minute, configure_provider.tokens_per_minute)
  on conflict (provider) do update
    set max_concurrent = excluded.max_concurrent, requests_per_minute = excluded.requests_per_minute,
        tokens_per_minute = excluded.tokens_per_minute, updated_at = now();
$$;
comment on function app_private.configure_provider(text, integer, integer, integer) is
  'Sets a provider''s shared limits (MODEL_MAX_CONCURRENT, MODEL_REQUESTS_PER_MINUTE, MODEL_TOKENS_PER_MINUTE); the last worker to start wins.';

-- Counts one model call (and its tokens) against the provider's per-minute budget.
create function app_private.note_provider_call(provider text, requests integer, tokens bigint) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  insert into app_private.provider_minutes as m (provider, minute, requests, tokens)
  values (note_provider_call.provider, date_trunc('minute', now()), note_provider_call.requests, note_provider_call.tokens)
  on conflict (provider, minute) do update set requests = m.requests + excluded.requests, tokens = m.tokens + excluded.tokens;
$$;

-- A 429: the whole provider pauses until retry_at (never shortens a longer back-off).
create function app_private.back_off_provider(provider text, retry_at timestamptz, reason text) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  insert into app_private.model_providers as p (provider, backoff_until, backoff_reason)
  values (back_off_provider.provider, retry_at, left(reason, 500))
  on conflict (provider) do update
    set backoff_until = greatest(coalesce(p.backoff_until, '-infinity'), excluded.backoff_until),
        backoff_reason = excluded.backoff_reason, updated_at = now();
$$;

-- How many more requests the provider may take now (null = unlimited), and when to look again if none.
create function app_private.provider_budget(provider text, out available integer, out reason text, out retry_at timestamptz)
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
    select coalesce(sum(m.requests), 0), coalesce(sum(m.tokens), 0) into v_requests, v_tokens
      from app_private.provider_minutes m
     where m.provider = v_p.provider and m.minute > now() - interval '1 minute';
    if v_p.requests_per_minute is not null then
      available := least(coalesce(available, v_p.requests_per_minute), greatest(v_p.requests_per_minute - v_requests, 0));
      if available = 0 and reason is null then
        reason := format('model provider limit: %s requests per minute', v_p.requests_per_minute);
        retry_at := date_trunc('minute', now()) + interval '1 minute';
      end if;
    end if;
    if v_p.tokens_per_minute is not null and v_tokens >= v_p.tokens_per_minute then
      available := 0;
      reason := coalesce(reason, format('model provider limit: %s tokens per minute', v_p.tokens_per_minute));
      retry_at := date_trunc('minute', now()) + interval '1 minute';
    end if;
  end if;
end;
$$;
comment on function app_private.provider_budget(text) is
  'Requests the provider can take now under its shared limits (null: unlimited), why not when 0, and when to look again.';

--------------------------------------------------------------------------------
-- Claiming runs: fair share across accounts
--------------------------------------------------------------------------------

create function app_private.heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer)
  returns uuid[]
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
begin
  insert into app_private.run_workers as w (worker_id, lease_expires_at, capacity, provider)
  values (heartbeat_run_worker.worker_id, now() + make_interval(secs => heartbeat_run_worker.lease_seconds), heartbeat_run_worker.capacity, heartbeat_run_worker.provider)
  on conflict (worker_id) do update
    set heartbeat_at = now(), lease_expires_at = excluded.lease_expires_at, capacity = excluded.capacity, provider = excluded.provider;
  delete from app_private.provider_minutes m where m.minute < now() - interval '1 hour';
  return array(select e.execution_id from app_public.task_executions e
                where e.status = 'running' and e.lease_owner = heartbeat_run_worker.worker_id);
end;
$$;
comment on function app_private.heartbeat_run_worker(text, integer, text, integer) is
  'Renews a worker process''s lease (one row, whatever its number of runs) and returns the runs it still holds; a run missing from the list was cancelled or taken away.';

-- A worker stopping on purpose: its runs go back to pending at once, to be resumed elsewhere.
create function app_private.release_run_worker(worker_id text, reason text) returns integer
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_count integer;
begin
  update app_public.task_executions e
     set status = 'pending', lease_owner = null, wait_reason = left(reason, 500)
   where e.status = 'running' and e.lease_owner = release_run_worker.worker_id;
  get diagnostics v_count = row_count;
  delete from app_private.run_workers w where w.worker_id = release_run_worker.worker_id;
  if v_count > 0 then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return v_count;
end;
$$;

-- Runs of worker processes that stopped heartbeating go back to pending (resumed by the next claim).
create function app_private.recover_lost_runs() returns integer
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_count integer;
begin
  update app_public.task_executions e
     set status = 'pending', lease_owner = null,
         wait_reason = 'the worker running it stopped responding; resuming in the same thread'
   where e.status = 'running' and e.lease_owner is not null
     and not exists (select 1 from app_private.run_workers w where w.worker_id = e.lease_owner and w.lease_expires_at > now());
  get diagnostics v_count = row_count;
  delete from app_private.run_workers w where w.lease_expires_at < now() - interval '1 hour';
  return v_count;
end;
$$;

-- The one place that decides which waiting run starts next. Serialised (one claim at a time across
-- all workers, a few milliseconds each) so plan caps and provider limits are never overshot.
-- Fair share: every account's oldest due run comes before any account's second one (round-robin by
-- rank within the account, then by due time); a paying owner's running + claimed runs stay within
-- the plan's max_concurrent_executions, summed over all the owner's accounts.
create function app_private.claim_runs(worker_id text, max_runs integer, provider text) returns jsonb
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
             l.max_concurrent_executions as cap,
             row_number() over (partition by e.account_id order by coalesce(e.scheduled_for, e.created_at), e.execution_id) as account_rank
        from app_public.task_executions e
        join app_public.accounts a on a.id = e.account_id
        left join app_private.plan_limits l on l.plan = a.plan
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
    if coalesce(cardinality(v_ids), 0) > 0 then
      perform app_private.note_provider_call(claim_runs.provider, cardinality(v_ids), 0);
    end if;
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
comment on function app_private.claim_runs(text, integer, text) is
  E'Claims up to max_runs runnable executions for a worker process: due pending runs, round-robin across accounts (each account''s oldest first),\n'
  'within each paying owner''s plan concurrency cap and the provider''s shared limits. Also recovers runs of dead workers. Returns {ids, next_due_at, waiting_reason}.';

-- Prepares claimed runs (thread, prompt message, agent run; reused when resuming) and returns
-- what the agent needs. Runs outside the claim lock; several at once.
create or replace function app_private.start_claimed_runs(execution_ids uuid[], executor text, model text) returns jsonb
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  select coalesce(jsonb_agg(s), '[]'::jsonb)
    from unnest(execution_ids) as id, lateral app_private.start_execution(id, executor, model) s
   where s is not null;
$$;

-- start_execution now only prepares: claim_runs has already set status, lease and started_at.
create or replace function app_private.start_execution(execution_id uuid, executor text, model text) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
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

-- A transient failure: back to pending, not before run_after (the back-off or the provider's Retry-After).
-- count_attempt = false for waits that are not the run's fault (a provider's 429, a worker stopping).
drop function app_private.retry_execution_later(uuid, text);
create function app_private.retry_execution_later(execution_id uuid, error text, run_after timestamptz default now(), count_attempt boolean default true)
  returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  update app_public.task_executions e
     set status = 'pending', lease_owner = null, run_after = retry_execution_later.run_after,
         attempts = case when count_attempt then e.attempts else greatest(e.attempts - 1, 0) end,
         error_message = left(case when count_attempt then 'attempt ' || e.attempts || ' failed, will retry: ' else 'waiting to retry: ' end || error, 2000),
         wait_reason = left('retry after ' || to_char(retry_execution_later.run_after at time zone 'UTC', 'HH24:MI:SS" UTC"') || ': ' || error, 500)
   where e.execution_id = retry_execution_later.execution_id and e.status = 'running';
$$;

-- finish_execution also drops the lease.
create or replace function app_private.finish_execution(execution_id uuid, status text, results jsonb, error text) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
begin
  if status not in ('completed', 'failed') then
    raise exception 'finish_execution: status must be completed or failed, got %', status;
  end if;
  update app_public.task_executions e
     set status = finish_execution.status,
         completed_at = now(),
         lease_owner = null,
         wait_reason = null,
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

-- A webhook-run (external runtime) is not held by a worker process once handed over.
create function app_private.hand_over_run(execution_id uuid) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  update app_public.task_executions e set lease_owner = null
   where e.execution_id = hand_over_run.execution_id and e.status = 'running';
$$;

-- The process holding a run hears at once that it was cancelled (or finished elsewhere).
create function app_private.tg_task_executions__notify_run_stopped() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  perform pg_notify('sat_run_stopped', json_build_object('execution_id', new.execution_id, 'worker_id', old.lease_owner)::text);
  return null;
end;
$$;
create trigger _920_notify_run_stopped after update on app_public.task_executions
  for each row when (old.status = 'running' and new.status in ('cancelled', 'completed', 'failed') and old.lease_owner is not null)
  execute function app_private.tg_task_executions__notify_run_stopped();

--------------------------------------------------------------------------------
-- Creating executions: no job per run any more; a NOTIFY wakes the run pools.
--------------------------------------------------------------------------------

create or replace function app_private.create_execution(
  task app_public.scheduled_tasks, trigger_type text, scheduled_for timestamptz, context jsonb, run_at timestamptz default now()
) returns app_public.task_executions
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
  v_agent app_public.agents;
begin
  perform app_private.charge_execution(task.account_id);
  select * into v_agent from app_public.agents where agent_id = task.agent_id;
  insert into app_public.task_executions (task_id, account_id, status, trigger_type, scheduled_for, run_after, execution_context)
  values (task.task_id, task.account_id, 'pending', create_execution.trigger_type, create_execution.scheduled_for,
          case when create_execution.run_at > now() then create_execution.run_at end,
          jsonb_build_object(
            'trigger', create_execution.trigger_type,
            'prompt_sha256', app_private.prompt_hash(task.generated_prompt),
            'prompt_source', task.prompt_source,
            'agent_id', task.agent_id,
            'model', v_agent.model,
            'created_at', now()
          ) || coalesce(context, '{}'::jsonb))
  returning * into v_execution;
  perform pg_notify('sat_runs_ready', '');
  return v_execution;
end;
$$;

-- dispatch_occurrences: as in 000004, but the batch's runs are announced with one NOTIFY instead
-- of one graphile-worker job each (the run pools start each at its own second).
create or replace function app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamptz)
  returns table (dispatched integer, skipped integer)
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_dispatched integer;
  v_skipped integer;
begin
  create temporary table if not exists dispatch_batch (
    task_id uuid, account_id uuid, scheduled_for timestamptz, skip_reason text, missed integer, next_at timestamptz,
    prompt_sha256 text, prompt_source text, agent_id uuid, model text, execution_id uuid, inserted boolean not null default false
  ) on commit drop;
  truncate dispatch_batch;

  insert into dispatch_batch
  select d.task_id, t.account_id, d.scheduled_for,
         coalesce(d.skip_reason,
           case when d.scheduled_for is not null and exists (
                  select 1 from app_public.task_executions e where e.task_id = d.task_id and e.status in ('pending', 'running'))
                then 'previous execution still running (overlap policy: skip)' end),
         coalesce(d.missed, 0), d.next_at,
         app_private.prompt_hash(t.generated_prompt), t.prompt_source, t.agent_id, a.model, gen_random_uuid(), false
    from unnest(decisions) d
    join app_public.scheduled_tasks t on t.task_id = d.task_id
    left join app_public.agents a on a.agent_id = t.agent_id;

  -- plan limits: occurrences beyond the account's monthly allowance are skipped
  with wanted as (
    select b.account_id, count(*)::int as n from dispatch_batch b
     where b.scheduled_for is not null and b.skip_reason is null group by b.account_id
  ), charged as (
    insert into app_private.account_usage as u (account_id, period, executions)
    select w.account_id, date_trunc('month', now_at at time zone 'UTC')::date, w.n from wanted w
    on conflict (account_id, period) do update set executions = u.executions + excluded.executions
    returning u.account_id, u.executions
  ), over as (
    select c.account_id, c.executions - l.executions_per_month as excess
      from charged c join app_public.accounts acc on acc.id = c.account_id
      join app_private.plan_limits l on l.plan = acc.plan
     where l.executions_per_month is not null and c.executions > l.executions_per_month
  ), victims as (
    select b.execution_id from (
      select b.execution_id, b.account_id,
             row_number() over (partition by b.account_id order by b.scheduled_for desc) as rn
        from dispatch_batch b where b.scheduled_for is not null and b.skip_reason is null) b
      join over o on o.account_id = b.account_id and b.rn <= o.excess
  )
  update dispatch_batch b set skip_reason = 'the account''s plan limit of executions per month is reached'
    from victims v where v.execution_id = b.execution_id;
  update app_private.account_usage u set executions = u.executions - s.n
    from (select b.account_id, count(*)::int as n from dispatch_batch b
           where b.skip_reason = 'the account''s plan limit of executions per month is reached' group by b.account_id) s
   where u.account_id = s.account_id and u.period = date_trunc('month', now_at at time zone 'UTC')::date;

  -- one execution per occurrence: the unique (task_id, scheduled_for) index makes a repeat a no-op
  with inserted as (
    insert into app_public.task_executions
      (execution_id, task_id, account_id, status, trigger_type, scheduled_for, completed_at, error_message, results, execution_context)
    select b.execution_id, b.task_id, b.account_id,
           case when b.skip_reason is null then 'pending' else 'cancelled' end,
           'schedule', b.scheduled_for,
           case when b.skip_reason is null then null else now_at end,
           case when b.skip_reason is null then null else 'skipped: ' || b.skip_reason end,
           case when b.skip_reason is null then '{}'::jsonb else jsonb_build_object('skipped', true, 'reason', b.skip_reason) end,
           jsonb_build_object('trigger', 'schedule', 'scheduled_for', b.scheduled_for, 'dispatched_at', now_at,
                              'missed_before', b.missed, 'prompt_sha256', b.prompt_sha256, 'prompt_source', b.prompt_source,
                              'agent_id', b.agent_id, 'model', b.model)
      from dispatch_batch b
     where b.scheduled_for is not null
    on conflict (task_id, scheduled_for) where scheduled_for is not null do nothing
    returning execution_id
  )
  update dispatch_batch b set inserted = true from inserted i where i.execution_id = b.execution_id;

  select count(*) filter (where b.inserted and b.skip_reason is null), count(*) filter (where b.inserted and b.skip_reason is not null)
    into v_dispatched, v_skipped from dispatch_batch b;
  -- the run pools start each run at its occurrence's own time (a catch-up: now)
  if v_dispatched > 0 then
    perform pg_notify('sat_runs_ready', '');
  end if;

  update app_public.scheduled_tasks t
     set next_execution_at = case when b.final then null else b.next_at end,
         execution_count = t.execution_count + b.counted,
         missed_count = t.missed_count + b.missed,
         status = case when b.final then 'completed' else t.status end
    from (select d.*, (d.inserted and d.skip_reason is null)::int as counted,
                 d.next_at is null
                 or (tt.max_executions is not null and tt.execution_count + (d.inserted and d.skip_reason is null)::int >= tt.max_executions) as final
            from dispatch_batch d join app_public.scheduled_tasks tt on tt.task_id = d.task_id) b
   where t.task_id = b.task_id;

  return query select v_dispatched, v_skipped;
end;
$$;
comment on function app_private.dispatch_occurrences(app_private.dispatch_decision[], timestamptz) is
  E'Creates one execution per decided occurrence (pending, trigger schedule, scheduled_for) and wakes the run pools, which start each at its own second;\n'
  'overlapping or over-limit occurrences are recorded as skipped (cancelled, results.skipped). Advances next_execution_at, execution_count and missed_count; completes tasks at max_executions or when no next time exists.';

-- The old per-execution concurrency check is folded into claim_runs.
drop function app_private.begin_execution(uuid, text, text);
drop function app_private.postpone_execution(uuid, text);
drop function app_private.account_at_concurrency_limit(uuid, uuid);

-- Runs enqueued as jobs by the previous design are picked up by the run pools from the table.
select graphile_worker.remove_job(j.key) from graphile_worker.jobs j where j.task_identifier = 'run_execution' and j.key is not null;
