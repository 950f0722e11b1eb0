--! Previous: sha1:d61e44dc9b0ce992b69f3fd7d4e2a3776a52b23a
--! Hash: sha1:bd7d38462e539b61d3f2633f729111104d0b3bed
--! Message: Runs prepared ahead of their second; claims that scale out

-- Two changes to the run stage (issue 20).
--
-- * Runs prepared ahead of their second. claim_runs takes an optional look-ahead (RUN_PREPARE_AHEAD_MS): a
--   worker with room reserves runs due within it. A reserved run stays pending, leased to the worker
--   (lease_owner, a new lease_epoch); prepare_reserved_runs writes its thread and prompt message and hands
--   the worker everything its model request needs. At the run's second, start_prepared_runs flips the
--   worker's prepared runs to running in one statement set (the plan check, the agent run row) and the
--   worker sends the requests. A preparation that no longer matches the task (prompt or agent edited,
--   review flagged, never prepared) is thrown away and the run starts the ordinary way (start_execution);
--   one that would overlap a live execution of its task is handed back, for claim_runs to judge by the
--   task's overlap policy. A reserved run holds a slot of its owner's plan concurrency and of the
--   provider's limit, from its reservation on.
-- * Claims that scale out: no global lock. claim_runs locks the billing owners whose runs it is about to
--   take (pg_try_advisory_xact_lock per owner, in round-robin order, skipping owners another claimer
--   holds), counts their slots inside that lock and takes the execution rows with FOR UPDATE SKIP LOCKED.
--   Only a provider with shared limits (model_providers) serialises claims for that provider; the
--   overlap step runs in one claimer at a time (others skip it and leave undecided runs alone).

-- ---------------------------------------------------------------------------------------------------
-- The slots a run holds: running, or reserved ahead of its second.
-- ---------------------------------------------------------------------------------------------------
create index idx_task_executions_reserved on app_public.task_executions(lease_owner) where status = 'pending' and lease_owner is not null;
create index idx_task_executions_account_reserved on app_public.task_executions(account_id) where status = 'pending' and lease_owner is not null;

-- What holds a slot of its owner's plan concurrency: running, or reserved ahead of its second. Plain immutable sql: it is
-- inlined where it is used (pick_runs, take_claimable_runs), so the partial indexes on running and reserved rows still apply.
create function app_private.holds_owner_slot(e app_public.task_executions) returns boolean
  language sql immutable as $$
  select e.status = 'running' or (e.status = 'pending' and e.lease_owner is not null);
$$;
comment on function app_private.holds_owner_slot(app_public.task_executions) is
  'True when the execution holds a slot of its billing owner''s plan concurrency: running, or reserved by a worker ahead of its second.';

create or replace function app_private.provider_budget(provider text, out available integer, out reason text, out retry_at timestamptz)
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_p app_private.model_providers;
  v_held integer;
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
  -- runs holding a slot with this provider: running, or reserved ahead of their second
  select count(*) into v_held from app_public.task_executions e
   where e.status in ('running', 'pending') and e.provider = v_p.provider and e.lease_owner is not null;
  if v_p.max_concurrent is not null then
    available := greatest(v_p.max_concurrent - v_held, 0);
    if available = 0 then
      reason := format('model provider limit: %s runs at a time', v_p.max_concurrent);
    end if;
  end if;
  if v_p.requests_per_minute is not null or v_p.tokens_per_minute is not null then
    select count(*), coalesce(sum(m.total_tokens), 0) into v_requests, v_tokens
      from app_private.model_usage m
     where m.provider = v_p.provider and m.at > now() - interval '1 minute';
    if v_p.requests_per_minute is not null then
      -- completed calls of the last minute, plus one per run holding a slot (its call is under way or about to be)
      available := least(coalesce(available, v_p.requests_per_minute), greatest(v_p.requests_per_minute - v_requests - v_held, 0));
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

-- ---------------------------------------------------------------------------------------------------
-- Which runs a claim may take, read without locks: pick_runs (take_claimable_runs then takes them exactly).
-- ---------------------------------------------------------------------------------------------------
drop function app_private.pick_runs(timestamptz, integer);
create function app_private.pick_runs(now_at timestamptz, until_at timestamptz, budget integer)
  returns uuid[]
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_ids uuid[];
begin
    with due_runs as (
      select e.execution_id, e.account_id, coalesce(e.scheduled_for, e.created_at) as due_at, a.primary_owner_user_id as owner_id,
             row_number() over (partition by e.account_id order by coalesce(e.scheduled_for, e.created_at), e.execution_id) as account_rank
        from app_public.task_executions e
        join app_public.accounts a on a.id = e.account_id
       where e.status = 'pending' and e.lease_owner is null
         and coalesce(e.scheduled_for, e.created_at) <= until_at
         and (e.run_after is null or e.run_after <= until_at)
         -- a scheduled run with an earlier live execution of its task waits for its overlap policy to be applied
         -- (apply_overlap_policies, when due; buffer_one keeps it waiting), unless the policy is allow_all
         and e.execution_id not in (select r.execution_id from app_private.runs_awaiting_overlap() as r(execution_id))
    ), caps as (
      -- one plan lookup per distinct owner, set-based (not one function call per due run)
      select p.owner_user_id as owner_id, (p.limits).max_concurrent_executions as cap
        from app_private.owner_plans(array(select distinct d.owner_id from due_runs d)) p
    ), due as (
      select d.*, c.cap from due_runs d left join caps c on c.owner_id = d.owner_id
    ), owners_holding as (
      select a.primary_owner_user_id as owner_id, count(*)::int as n
        from app_public.task_executions e join app_public.accounts a on a.id = e.account_id
       where app_private.holds_owner_slot(e)
       group by 1
    ), ranked as (
      select d.*, coalesce(r.n, 0) as running,
             row_number() over (partition by d.owner_id order by d.account_rank, d.due_at, d.execution_id) as owner_rank
        from due d left join owners_holding r on r.owner_id = d.owner_id
    ), over_cap as (
      select r.execution_id, format('the plan allows %s runs at a time (over all accounts of the same owner); starts when one finishes', r.cap) as reason
        from ranked r
       where r.cap is not null and r.owner_rank > r.cap - r.running and r.due_at <= now_at
    ), capped as (
      -- a due run over its owner's cap says why it waits (rows another claimer has locked are left for it)
      update app_public.task_executions e
         set wait_reason = o.reason
        from over_cap o
       where o.execution_id = e.execution_id
         and e.execution_id in (select x.execution_id from app_public.task_executions x
                                  join over_cap o2 on o2.execution_id = x.execution_id
                                 where x.wait_reason is distinct from o2.reason -- only the rows whose reason changes are locked
                                 order by x.task_id, x.execution_id
                                   for update of x skip locked)
    ), picked as (
      select r.execution_id, r.account_rank, r.due_at from ranked r
       where r.cap is null or r.owner_rank <= r.cap - r.running
       order by r.account_rank, r.due_at, r.execution_id
       limit budget
    )
    -- in the order they should start (take_claimable_runs walks it)
    select coalesce(array_agg(p.execution_id order by p.account_rank, p.due_at, p.execution_id), '{}') into v_ids from picked p;
  return v_ids;
end;
$$;
comment on function app_private.pick_runs(timestamptz, timestamptz, integer) is
  E'Step of claim_runs: which pending runs due by until_at (now, or the look-ahead) a claim takes, at most budget: round-robin across accounts\n(every account''s oldest due run before any account''s second), within each paying owner''s plan concurrency cap (running and reserved runs\nhold slots; due runs over the cap get a waitReason). Read without locks: take_claimable_runs makes it exact.\nA scheduled run with an earlier live execution of its task is left to apply_overlap_policies.';

create function app_private.runs_awaiting_overlap() returns setof uuid
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  -- only tasks with two or more live executions can overlap: one count over the live-runs index (no sort), then a closer look
  -- at those tasks only
  with multi as (
    select l.task_id from app_public.task_executions l
     where l.status in ('pending', 'running')
       and not exists (select 1 from app_public.scheduled_tasks t where t.task_id = l.task_id and t.overlap_policy = 'allow_all')
     group by l.task_id having count(*) > 1
  ), live as (
    select x.task_id, bool_or(x.status = 'running') as has_running,
           (array_agg(x.execution_id order by coalesce(x.scheduled_for, x.created_at), x.execution_id) filter (where x.status = 'pending'))[1] as first_pending
      from multi m join app_public.task_executions x on x.task_id = m.task_id and x.status in ('pending', 'running')
     group by x.task_id
  )
  select e.execution_id
    from live
    join app_public.task_executions e on e.task_id = live.task_id and e.status = 'pending' and e.trigger_type = 'schedule'
   where live.has_running or live.first_pending <> e.execution_id;
$$;
comment on function app_private.runs_awaiting_overlap() is
  'The pending scheduled runs that have an earlier live execution of their task (running, or pending and due earlier) while the task''s overlap policy is not allow_all: the policy decides them (apply_overlap_policies), so no claim takes them before.';

-- runs_awaiting_overlap replaces it (set-based, for every policy but allow_all)
drop function app_private.waits_for_overlap(app_public.task_executions);

-- Which of the candidate runs (pick_runs' order) a claim takes: the owners' locks are tried in that order (owners another claimer
-- holds are skipped, their runs left to it), then each locked owner's plan cap is counted again inside its lock and the owner's
-- runs over it are dropped. The locks last until the claim commits.
create function app_private.take_claimable_runs(candidates uuid[], budget integer) returns uuid[]
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_id uuid;
  v_owner uuid;
  v_locked uuid[] := '{}';
  v_skipped uuid[] := '{}';
  v_take uuid[] := '{}';
  v_ids uuid[];
begin
  for v_id, v_owner in
    select p.execution_id, a.primary_owner_user_id
      from unnest(candidates) with ordinality as p(execution_id, n)
      join app_public.task_executions e on e.execution_id = p.execution_id
      join app_public.accounts a on a.id = e.account_id
     order by p.n
  loop
    continue when v_owner = any(v_skipped);
    if not v_owner = any(v_locked) then
      if pg_try_advisory_xact_lock(hashtextextended('app_private.claim_runs:owner:' || v_owner::text, 0)) then
        v_locked := v_locked || v_owner;
      else
        v_skipped := v_skipped || v_owner; -- another claimer takes this owner's runs
        continue;
      end if;
    end if;
    v_take := v_take || v_id;
    exit when cardinality(v_take) >= budget;
  end loop;
  if cardinality(v_take) = 0 then
    return v_take;
  end if;

  -- a new statement: it sees every claim of these owners committed before their locks were ours
  with taken as (
    select t.execution_id, t.n, a.primary_owner_user_id as owner_id
      from unnest(v_take) with ordinality as t(execution_id, n)
      join app_public.task_executions e on e.execution_id = t.execution_id
      join app_public.accounts a on a.id = e.account_id
  ), held as (
    -- slots held now: running, or reserved ahead of their second
    select a.primary_owner_user_id as owner_id, count(*)::int as n
      from app_public.accounts a
      join app_public.task_executions e on e.account_id = a.id
     where a.primary_owner_user_id = any(v_locked)
       and app_private.holds_owner_slot(e)
     group by 1
  ), caps as (
    select p.owner_user_id as owner_id, (p.limits).max_concurrent_executions as cap from app_private.owner_plans(v_locked) p
  ), ranked as (
    select t.*, row_number() over (partition by t.owner_id order by t.n) as k from taken t
  )
  select coalesce(array_agg(r.execution_id order by r.n), '{}') into v_ids
    from ranked r left join held h on h.owner_id = r.owner_id left join caps c on c.owner_id = r.owner_id
   where c.cap is null or r.k <= c.cap - coalesce(h.n, 0);
  return v_ids;
end;
$$;
comment on function app_private.take_claimable_runs(uuid[], integer) is
  'Step of claim_runs: of the candidates (pick_runs, in start order), the runs whose billing owners this claim could lock (pg_try_advisory_xact_lock; owners another claimer holds are skipped), at most budget, each owner''s plan concurrency cap counted again inside its lock. Caps hold exactly with any number of claimers.';

-- ---------------------------------------------------------------------------------------------------
-- claim_runs: no global lock; an optional look-ahead reserves runs due soon.
-- ---------------------------------------------------------------------------------------------------
drop function app_private.claim_runs(text, integer, text);
create function app_private.claim_runs(worker_id text, max_runs integer, provider text, ahead_ms integer default 0) returns jsonb
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_budget integer := max_runs;
  v_provider record;
  v_ids uuid[];
  v_epochs bigint[];
  v_due bigint[];
  v_next timestamptz;
  v_now timestamptz := clock_timestamp();
  v_until timestamptz := v_now + make_interval(secs => greatest(coalesce(ahead_ms, 0), 0) / 1000.0);
begin
  if ahead_ms is null or ahead_ms < 0 or ahead_ms > 120000 then
    raise exception 'ahead_ms must be between 0 and 120000 (milliseconds), got %', ahead_ms using errcode = '22023';
  end if;
  perform app_private.recover_lost_runs(claim_runs.worker_id);
  -- one claimer at a time decides overlaps; the others leave undecided runs alone (pick_runs)
  if pg_try_advisory_xact_lock(hashtextextended('app_private.apply_overlap_policies', 0)) then
    perform app_private.apply_overlap_policies(v_now);
  end if;
  -- a provider with shared limits: its claims take turns, so its budget holds exactly
  if exists (select 1 from app_private.model_providers p where p.provider = claim_runs.provider
              and (p.max_concurrent is not null or p.requests_per_minute is not null or p.tokens_per_minute is not null)) then
    perform pg_advisory_xact_lock(hashtextextended('app_private.claim_runs:provider:' || claim_runs.provider, 0));
  end if;
  select * into v_provider from app_private.provider_budget(claim_runs.provider);
  if v_provider.available is not null then
    v_budget := least(v_budget, v_provider.available);
  end if;
  if v_budget > 0 then
    -- candidates read without locks (twice the budget: runs of owners another claimer holds are left to it), then taken exactly
    v_ids := app_private.take_claimable_runs(app_private.pick_runs(v_now, v_until, v_budget * 2), v_budget);

    with locked as (
      select e.execution_id from app_public.task_executions e
       where e.execution_id = any(v_ids) and e.status = 'pending' and e.lease_owner is null
       order by e.task_id, e.execution_id
         for update skip locked
    ), claimed as (
      -- due now: running; due later (the look-ahead): reserved (pending, leased), started by start_prepared_runs at its second
      update app_public.task_executions e
         set status = case when greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')) <= v_now then 'running' else 'pending' end,
             started_at = case when greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')) <= v_now
                               then coalesce(e.started_at, v_now) else e.started_at end,
             lease_owner = claim_runs.worker_id, provider = claim_runs.provider,
             lease_epoch = e.lease_epoch + 1,
             wait_reason = null
        from locked l
       where e.execution_id = l.execution_id
      returning e.execution_id, e.lease_epoch, e.status = 'pending' as reserved,
                greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')) as due_at
    )
    -- start_in_ms: when a reserved run is due, from now (the worker's clock need not agree with the database's)
    select array_agg(c.execution_id), array_agg(c.lease_epoch),
           array_agg(case when c.reserved then ceil(extract(epoch from c.due_at - clock_timestamp()) * 1000)::bigint end)
      into v_ids, v_epochs, v_due from claimed c;
  elsif v_provider.reason is not null then
    update app_public.task_executions e set wait_reason = v_provider.reason
     where e.execution_id in (select w.execution_id from app_public.task_executions w
                               where w.status = 'pending' and w.lease_owner is null and coalesce(w.scheduled_for, w.created_at) <= v_now
                                 and w.wait_reason is distinct from v_provider.reason
                               order by coalesce(w.scheduled_for, w.created_at) limit 1000
                                 for update skip locked);
  end if;

  select min(greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')))
    into v_next from app_public.task_executions e
   where e.status = 'pending' and e.lease_owner is null
     -- (coalesce: a null wait_reason must not make the whole condition null and hide the run from the wake-up time)
     and not (e.trigger_type = 'schedule' and coalesce(e.wait_reason, '') like '%(overlap policy: buffer_one)')
     -- a run waiting on its owner's plan cap starts when one of the owner's runs ends (that wakes the pools)
     and coalesce(e.wait_reason, '') not like 'the plan allows %';
  if v_provider.retry_at is not null and (v_next is null or v_next < v_provider.retry_at) and v_next <= v_now then
    v_next := v_provider.retry_at;
  end if;
  return jsonb_build_object('ids', coalesce(to_jsonb(v_ids), '[]'::jsonb), 'epochs', coalesce(to_jsonb(v_epochs), '[]'::jsonb),
                            'start_in_ms', coalesce(to_jsonb(v_due), '[]'::jsonb),
                            'next_due_at', v_next, 'waiting_reason', v_provider.reason);
end;
$$;
comment on function app_private.claim_runs(text, integer, text, integer) is
  E'Claims up to max_runs runs for a worker process, in named steps: recover_lost_runs (other workers'' expired leases), apply_overlap_policies\n(one claimer at a time), provider_budget (under the provider''s lock when it has shared limits), pick_runs (candidates, round-robin), take_claimable_runs\n(the candidates of billing owners this claim locks; owners another claimer holds are skipped; caps counted inside the locks), rows FOR UPDATE SKIP LOCKED.\nRuns due now start (running); runs due within ahead_ms are reserved (pending, leased) for prepare_reserved_runs / start_prepared_runs.\nEach claimed run gets a new lease_epoch. Returns {ids, epochs, start_in_ms (null: started now; else a reserved run''s time to its second), next_due_at,\nwaiting_reason}.';

-- ---------------------------------------------------------------------------------------------------
-- Per-run lookups as plpgsql: a security definer sql function is never inlined and is planned again at every call;
-- a plpgsql one keeps its plans for the session (owner_plans took about 1.2 ms a call, most of it planning).
-- ---------------------------------------------------------------------------------------------------
create or replace function app_private.owner_plans(owner_user_ids uuid[]) returns table(owner_user_id uuid, limits app_private.plan_limits)
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
begin
  -- one index probe per owner (accounts.primary_owner_user_id): the highest-tier plan among the owner's accounts
  return query
  select o.id, x.l
    from (select distinct u.id from unnest(owner_plans.owner_user_ids) as u(id)) o
   cross join lateral (select l from app_public.accounts a join app_private.plan_limits l on l.plan = a.plan
                        where a.primary_owner_user_id = o.id
                        order by l.tier desc, l.plan limit 1) x;
end;
$$;

create or replace function app_private.owner_plan_limits(owner_user_id uuid) returns app_private.plan_limits
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_limits app_private.plan_limits;
begin
  -- (assigned, not selected into: a select into a row variable would spread the composite over its fields)
  v_limits := (select p.limits from app_private.owner_plans(array[owner_plan_limits.owner_user_id]) p);
  return v_limits;
end;
$$;

create or replace function app_private.check_run_allowed(account_id uuid, model text, max_tokens integer) returns text
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_refusal text;
begin
  select r.message || ' (' || r.code || ')' into v_refusal
    from app_private.model_call_refusal(check_run_allowed.account_id, check_run_allowed.model, check_run_allowed.max_tokens, true) r
   where r.code is not null;
  return v_refusal;
end;
$$;

create or replace function app_private.run_memory_for_execution(execution_id uuid, max_chars integer default 4000) returns text
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_memory text;
begin
  select format('Last run, at %s, you reported: %s',
                to_char(p.completed_at at time zone t.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || t.timezone,
                left(p.results ->> 'final_answer', max_chars)
                  || case when length(p.results ->> 'final_answer') > max_chars then ' […]' else '' end)
    into v_memory
    from app_public.task_executions e
    join app_public.scheduled_tasks t on t.task_id = e.task_id and t.run_memory
    cross join lateral (
      select p.* from app_public.task_executions p
       where p.task_id = e.task_id and p.status = 'completed' and p.execution_id <> e.execution_id
         and p.completed_at <= coalesce(e.started_at, 'infinity') and coalesce(p.results ->> 'final_answer', '') <> ''
       order by p.completed_at desc limit 1) p
   where e.execution_id = run_memory_for_execution.execution_id;
  return v_memory;
end;
$$;

-- ---------------------------------------------------------------------------------------------------
-- Leases: reserved runs are held like running ones.
-- ---------------------------------------------------------------------------------------------------
create or replace function app_private.recover_lost_runs(except_worker text default null) returns integer
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_count integer;
begin
  -- a lease loss costs no attempt: the attempt that was under way is given back; a reservation just ends
  update app_public.task_executions e
     set status = 'pending', lease_owner = null,
         attempts = case when e.attempt_open then greatest(e.attempts - 1, 0) else e.attempts end, attempt_open = false,
         wait_reason = case when e.status = 'running' then 'the worker running it stopped responding; resuming in the same thread' else e.wait_reason end
   where e.execution_id in (
           select l.execution_id from app_public.task_executions l
            where l.status in ('running', 'pending') and l.lease_owner is not null
              and l.lease_owner is distinct from recover_lost_runs.except_worker
              and not exists (select 1 from app_private.run_workers w where w.worker_id = l.lease_owner and w.lease_expires_at > now())
            order by l.task_id, l.execution_id
              for update skip locked)
     and e.status in ('running', 'pending') and e.lease_owner is not null;
  get diagnostics v_count = row_count;
  delete from app_private.run_workers w where w.lease_expires_at < now() - interval '1 hour';
  return v_count;
end;
$$;

create or replace function app_private.release_runs(worker_id text, execution_ids uuid[], reason text) returns integer
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_count integer;
begin
  -- running runs go back to pending (no attempt used); reserved runs just lose their reservation
  update app_public.task_executions e
     set status = 'pending', lease_owner = null,
         wait_reason = case when e.status = 'running' then left(reason, 500) else e.wait_reason end,
         attempts = case when e.attempt_open then greatest(e.attempts - 1, 0) else e.attempts end, attempt_open = false
   where e.execution_id = any(release_runs.execution_ids) and e.status in ('running', 'pending') and e.lease_owner = release_runs.worker_id;
  get diagnostics v_count = row_count;
  if v_count > 0 then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return v_count;
end;
$$;

create or replace function app_private.heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer) returns uuid[]
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
begin
  insert into app_private.run_workers as w (worker_id, lease_expires_at, capacity, provider)
  values (heartbeat_run_worker.worker_id, now() + make_interval(secs => heartbeat_run_worker.lease_seconds), heartbeat_run_worker.capacity, heartbeat_run_worker.provider)
  on conflict (worker_id) do update
    set heartbeat_at = now(), lease_expires_at = excluded.lease_expires_at, capacity = excluded.capacity, provider = excluded.provider;
  -- the runs it holds: running, or reserved ahead of their second
  return array(select e.execution_id from app_public.task_executions e
                where e.status in ('running', 'pending') and e.lease_owner = heartbeat_run_worker.worker_id);
end;
$$;

create or replace function app_private.reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb) returns jsonb
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_released integer;
  v_lost uuid[];
begin
  -- the lease renewed (heartbeat_run_worker), and the runs held here but no longer run by the worker (its copy ended
  -- without writing, e.g. an outage) back at once
  v_released := app_private.release_runs(reconcile_run_worker.worker_id,
    array(select h.id from unnest(app_private.heartbeat_run_worker(reconcile_run_worker.worker_id, reconcile_run_worker.capacity,
                                                                  reconcile_run_worker.provider, reconcile_run_worker.lease_seconds)) h(id)
           where not (coalesce(owned, '{}'::jsonb) ? h.id::text)),
    'the worker holding it no longer ran it; resuming in the same thread');
  -- run (or reserved) by the worker but no longer held with the epoch it runs under: cancelled, finished or taken over
  select coalesce(array_agg(o.key::uuid), '{}') into v_lost
    from jsonb_each(coalesce(owned, '{}'::jsonb)) o
   where not exists (select 1 from app_public.task_executions e
                      where e.execution_id = o.key::uuid and e.status in ('running', 'pending') and e.lease_owner = reconcile_run_worker.worker_id
                        and (jsonb_typeof(o.value) = 'null' or e.lease_epoch = (o.value)::text::bigint));
  return jsonb_build_object('released', v_released, 'lost', to_jsonb(v_lost));
end;
$$;

create or replace function app_private.release_run_worker(worker_id text, reason text) returns integer
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_count integer;
begin
  v_count := app_private.release_runs(release_run_worker.worker_id,
    array(select e.execution_id from app_public.task_executions e
           where e.status in ('running', 'pending') and e.lease_owner = release_run_worker.worker_id),
    reason);
  delete from app_private.run_workers w where w.worker_id = release_run_worker.worker_id;
  return v_count;
end;
$$;

-- ---------------------------------------------------------------------------------------------------
-- Preparation: one home for a run's thread, used at the start and ahead of it.
-- ---------------------------------------------------------------------------------------------------
create function app_private.prepare_run_thread(execution app_public.task_executions, task app_public.scheduled_tasks) returns uuid
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_thread_id uuid;
begin
  insert into app_public.threads (account_id, agent_id, title, metadata)
  values (task.account_id, task.agent_id,
          left(task.name, 200) || ' — ' || to_char(coalesce(execution.scheduled_for, now()) at time zone task.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || task.timezone,
          jsonb_build_object('task_id', task.task_id, 'execution_id', execution.execution_id, 'trigger', execution.trigger_type))
  returning thread_id into v_thread_id;
  insert into app_public.messages (thread_id, account_id, role, content, metadata)
  values (v_thread_id, task.account_id, 'user', task.generated_prompt,
          jsonb_build_object('task_id', task.task_id, 'execution_id', execution.execution_id,
                             'prompt_sha256', app_private.prompt_hash(task.generated_prompt)));
  return v_thread_id;
end;
$$;
comment on function app_private.prepare_run_thread(app_public.task_executions, app_public.scheduled_tasks) is
  'A run''s new thread holding the task''s prompt (the first user message, with its prompt_sha256). Used by start_execution and, ahead of the run''s second, by prepare_reserved_runs.';

-- What a preparation was made from; start_prepared_runs compares it with the task at the run's second.
create function app_private.preparation_of(task app_public.scheduled_tasks) returns jsonb
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  return jsonb_build_object('prompt_sha256', app_private.prompt_hash(task.generated_prompt), 'agent_id', task.agent_id,
                            'agent_updated_at', (select a.updated_at from app_public.agents a where a.agent_id = task.agent_id));
end;
$$;
comment on function app_private.preparation_of(app_public.scheduled_tasks) is
  'What a run''s preparation depends on: the task''s prompt (hash), its agent and the agent''s last change. A preparation whose task no longer matches is thrown away at the run''s second.';

create function app_private.preparation_matches(execution app_public.task_executions, task app_public.scheduled_tasks) returns boolean
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  return execution.thread_id is not null and execution.agent_run_id is null and execution.attempts = 0
     and execution.execution_context -> 'prepared' = app_private.preparation_of(task);
end;
$$;
comment on function app_private.preparation_matches(app_public.task_executions, app_public.scheduled_tasks) is
  'True when a run prepared ahead (prepare_reserved_runs) can start with its preparation: not started yet, and its task''s prompt and agent unchanged since (preparation_of).';

-- What a run needs to run, as the run pool reads it (start_execution and prepare_reserved_runs return it).
create function app_private.run_payload(execution app_public.task_executions, task app_public.scheduled_tasks) returns jsonb
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
begin
  -- plpgsql, not sql: its plans are cached for the session (one call per run, at the start and ahead of it)
  return jsonb_build_object(
    'execution_id', execution.execution_id,
    'task_id', task.task_id,
    'account_id', task.account_id,
    'thread_id', execution.thread_id,
    'agent_run_id', execution.agent_run_id,
    'attempts', execution.attempts,
    'lease_epoch', execution.lease_epoch,
    'task_name', task.name,
    'scheduled_for', execution.scheduled_for,
    'due_at', coalesce(execution.scheduled_for, execution.created_at),
    'trigger_type', execution.trigger_type,
    'memory', case when task.run_memory then app_private.run_memory_for_execution(execution.execution_id) end,
    'max_tokens_ceiling', (select (app_private.owner_plan_limits(a.primary_owner_user_id)).max_tokens_ceiling
                             from app_public.accounts a where a.id = task.account_id),
    'agent', (select jsonb_build_object('system_prompt', a.system_prompt, 'model', a.model, 'temperature', a.temperature,
                                        'max_tokens', a.max_tokens, 'tools', a.tools, 'mcp_servers', a.mcp_servers)
                from app_public.agents a where a.agent_id = task.agent_id),
    'history', (select coalesce(jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content, 'metadata', m.metadata) order by m.seq), '[]'::jsonb)
                  from app_public.messages m where m.thread_id = execution.thread_id));
end;
$$;
comment on function app_private.run_payload(app_public.task_executions, app_public.scheduled_tasks) is
  'What the run pool needs to run an execution: ids, lease epoch, trigger, the agent''s settings, the plan''s max_tokens ceiling, run memory and the thread''s history.';

create or replace function app_private.start_execution(execution_id uuid, executor text, model text) returns jsonb
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
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
$$;

-- Ahead of their second: a worker's reserved runs get their thread (prepare_run_thread); returns what each needs to run.
create function app_private.prepare_reserved_runs(worker_id text, execution_ids uuid[]) returns jsonb
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_row record;
  v_execution app_public.task_executions;
  v_out jsonb := '[]'::jsonb;
begin
  -- the lock order of the run stage: task rows in task_id order, then executions in (task_id, execution_id) order
  perform 1 from app_public.scheduled_tasks t
   where t.task_id in (select e.task_id from app_public.task_executions e where e.execution_id = any(prepare_reserved_runs.execution_ids))
   order by t.task_id for no key update;
  for v_row in
    select e as execution, t as task from app_public.task_executions e join app_public.scheduled_tasks t on t.task_id = e.task_id
     where e.execution_id = any(prepare_reserved_runs.execution_ids)
       and e.status = 'pending' and e.lease_owner = prepare_reserved_runs.worker_id
     order by e.task_id, e.execution_id
       for update of e
  loop
    v_execution := v_row.execution;
    -- a run awaiting review, or already prepared once (resumed): start_prepared_runs starts it the ordinary way
    if not (v_row.task).needs_review and v_execution.thread_id is null and v_execution.attempts = 0 then
      update app_public.task_executions e
         set thread_id = app_private.prepare_run_thread(v_execution, v_row.task),
             execution_context = e.execution_context || jsonb_build_object('prepared', app_private.preparation_of(v_row.task))
       where e.execution_id = v_execution.execution_id
      returning * into v_execution;
    end if;
    v_out := v_out || jsonb_build_array(app_private.run_payload(v_execution, v_row.task));
  end loop;
  return v_out;
end;
$$;
comment on function app_private.prepare_reserved_runs(text, uuid[]) is
  'Ahead of their second: the worker''s reserved runs get their thread and prompt message (prepare_run_thread) and record what the preparation was made from (preparation_of). Returns each run''s payload (run_payload); the run stays pending until start_prepared_runs.';

-- At the second: the worker's reserved runs start. Prepared ones in one statement set; the others through start_execution.
create function app_private.start_prepared_runs(worker_id text, execution_ids uuid[], executor text, model text) returns jsonb
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
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
$$;
comment on function app_private.start_prepared_runs(text, uuid[], text, text) is
  E'At their second: the worker''s reserved runs start. A prepared run still matching its task (preparation_of) starts in one statement set: the\nplan''s check (check_run_allowed; a refusal fails it), its agent run, running. Any other (edited since, awaiting review, never prepared) throws\nits preparation away and starts through start_execution (its full payload is returned). A run that now overlaps a live execution of its task\nis handed back for claim_runs'' overlap policy; a cancelled one is not started. Returns [{execution_id, agent_run_id, attempts, lease_epoch, prepared}, …].';

revoke all on function app_private.holds_owner_slot(app_public.task_executions) from public;
revoke all on function app_private.pick_runs(timestamptz, timestamptz, integer) from public;
revoke all on function app_private.runs_awaiting_overlap() from public;
revoke all on function app_private.take_claimable_runs(uuid[], integer) from public;
revoke all on function app_private.claim_runs(text, integer, text, integer) from public;
revoke all on function app_private.prepare_run_thread(app_public.task_executions, app_public.scheduled_tasks) from public;
revoke all on function app_private.preparation_of(app_public.scheduled_tasks) from public;
revoke all on function app_private.preparation_matches(app_public.task_executions, app_public.scheduled_tasks) from public;
revoke all on function app_private.run_payload(app_public.task_executions, app_public.scheduled_tasks) from public;
revoke all on function app_private.prepare_reserved_runs(text, uuid[]) from public;
revoke all on function app_private.start_prepared_runs(text, uuid[], text, text) from public;
