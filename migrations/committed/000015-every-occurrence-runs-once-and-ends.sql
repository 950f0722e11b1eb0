--! Previous: sha1:2884fd0d5e28878951ba75d4e45b4e6b1b3441b4
--! Hash: sha1:dd74244c2465285496b0cd4caf851df08d65751f
--! Message: Every occurrence runs once and ends

-- Issues 17 and 24: the run stage's promises — each due occurrence runs exactly once, every run ends, a
-- run has exactly one answer — held through long outages, stalls and restarts.
--
-- * Fenced leases: every claim (or start of a pending run) bumps task_executions.lease_epoch; every
--   write of a run (messages, finish, retry) names the epoch it holds and is refused when it is stale,
--   so a holder that stalled past its lease and woke after another worker took the run over cannot
--   write a second answer. Usage of a model call that happened is recorded even then (spend is real).
-- * No self-inflicted takeovers: claim_runs never recovers the claiming worker's own runs (its lease
--   row may have expired during an outage, but it is alive: it is claiming). reconcile_run_worker
--   replaces heartbeat_run_worker and reconciles both ways: runs the database says a worker holds but
--   that worker no longer runs are handed back at once; runs it runs but no longer holds are named.
-- * Hand-backs and lease losses cost no attempt (attempt_open: an attempt that started and has not
--   ended is given back when its run is handed back or taken over).
-- * Overlap is judged when an occurrence is due (claim_runs -> apply_overlap_policies), by the task's
--   overlap_policy (skip, buffer_one, allow_all, cancel_other), never at dispatch look-ahead. So a
--   task may now have several live executions: the one-live-per-task unique index goes; executeTask
--   keeps refusing (ST009) while a run of the task is running or due.
-- * One lock order: task rows in task_id order, then execution rows in (task_id, execution_id) order —
--   dispatch, run start, claim steps and run writes alike — so the run stage does not deadlock
--   (tests/db/lockOrder.test.ts runs them all at once). A deadlock that still happens is retried by the
--   statement's caller (src/run/retry.ts), never handed back whole.

alter table app_public.task_executions
  add column lease_epoch bigint not null default 0,
  add column attempt_open boolean not null default false;
comment on column app_public.task_executions.lease_epoch is
  E'Fencing token: bumped by every claim; each write of the run must name the current one.\n@behavior -*';
comment on column app_public.task_executions.attempt_open is
  E'An attempt started and has not ended yet (given back when the run is handed back or its lease is lost).\n@behavior -*';

alter table app_public.scheduled_tasks drop constraint scheduled_tasks_overlap_policy_check;
alter table app_public.scheduled_tasks
  add constraint scheduled_tasks_overlap_policy_check check (overlap_policy in ('skip', 'buffer_one', 'allow_all', 'cancel_other'));
comment on column app_public.scheduled_tasks.overlap_policy is
  'What an occurrence does when it is due while an earlier execution of the task is still pending or running: skip (default: recorded as skipped), buffer_one (waits and runs right after it; further ones are skipped), allow_all (runs alongside), cancel_other (the earlier one is cancelled, this one runs). Judged when the occurrence is due.';
grant update (overlap_policy) on app_public.scheduled_tasks to :DATABASE_VISITOR;

drop index app_public.task_executions_one_live_per_task;
create index idx_task_executions_live_by_task on app_public.task_executions (task_id, (coalesce(scheduled_for, created_at)))
  where status in ('pending', 'running');

--------------------------------------------------------------------------------------------------
-- executeTask: refused while a run of the task is running or due (not for a future occurrence the
-- dispatcher already prepared). The task row is locked, so concurrent calls are serialised.
create or replace function app_public.execute_task(task_id uuid, reason text default null)
  returns app_public.task_executions
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
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
  if exists (select 1 from app_public.task_executions e
              where e.task_id = v_task.task_id and e.status in ('pending', 'running')
                and (e.status = 'running' or coalesce(e.scheduled_for, e.created_at) <= now())) then
    perform app_hidden.raise_error('ST009',
      format('task %s already has an execution pending or running', v_task.task_id),
      'wait for it to finish, or cancel it with cancelExecution');
  end if;
  return app_private.create_execution(v_task, 'manual', null, jsonb_build_object(
    'requested_by', app_hidden.current_user_id(),
    'requested_at', now(),
    'reason', coalesce(reason, 'manual run')));
end;
$$;
comment on function app_public.execute_task(uuid, text) is
  E'Runs the task now, in a new thread. The prompt must be ready and not awaiting review; allowed for draft, active and paused tasks.\nRefused (ST009) while another execution of the task is running or due. Manual runs do not count towards max_executions.';

--------------------------------------------------------------------------------------------------
-- Dispatch: no overlap judgement any more (that happens when the occurrence is due), and task rows
-- are locked in task_id order first.
create or replace function app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamptz)
  returns table (dispatched integer, skipped integer)
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$

#variable_conflict use_column
declare
  v_dispatched integer;
  v_skipped integer;
  v_accounts uuid[];
  v_counts integer[];
  v_victims uuid[];
  v_period date := app_private.usage_period(now_at);
  v_over_reason constant text := 'the plan''s limit of executions per month is reached (counted over all accounts of the same owner)';
begin
  -- 0. the tasks' rows in task_id order, before any other lock: the run stage (start_claimed_runs) takes
  --    task rows in the same order, so a dispatch and a run start cannot deadlock
  perform 1 from app_public.scheduled_tasks t
    where t.task_id in (select d.task_id from unnest(decisions) d)
    order by t.task_id for no key update;
  -- 1. one statement: the executions (a repeat of an occurrence is a no-op: unique (task_id, scheduled_for))
  --    and the tasks' advance (next time, counters, completion at max_executions)
  with d as materialized (
    select d.task_id, d.scheduled_for, coalesce(d.missed, 0) as missed, d.next_at, t.account_id, t.execution_count, t.max_executions,
           d.skip_reason,
           app_private.prompt_hash(t.generated_prompt) as prompt_sha256, t.prompt_source, t.agent_id, a.model
      from unnest(decisions) d
      join app_public.scheduled_tasks t on t.task_id = d.task_id
      left join app_public.agents a on a.agent_id = t.agent_id
  ), ins as (
    insert into app_public.task_executions
      (task_id, account_id, status, trigger_type, scheduled_for, completed_at, error_message, results, execution_context)
    select d.task_id, d.account_id,
           case when d.skip_reason is null then 'pending' else 'cancelled' end,
           'schedule', d.scheduled_for,
           case when d.skip_reason is null then null else now_at end,
           case when d.skip_reason is null then null else 'skipped: ' || d.skip_reason end,
           case when d.skip_reason is null then '{}'::jsonb else jsonb_build_object('skipped', true, 'reason', d.skip_reason) end,
           jsonb_build_object('trigger', 'schedule', 'scheduled_for', d.scheduled_for, 'dispatched_at', now_at,
                              'missed_before', d.missed, 'prompt_sha256', d.prompt_sha256, 'prompt_source', d.prompt_source,
                              'agent_id', d.agent_id, 'model', d.model)
      from d
     where d.scheduled_for is not null
    on conflict (task_id, scheduled_for) where scheduled_for is not null do nothing
    returning task_id, account_id, status
  ), advance as (
    update app_public.scheduled_tasks t
       set next_execution_at = case when f.final then null else f.next_at end,
           execution_count = t.execution_count + f.counted,
           missed_count = t.missed_count + f.missed,
           status = case when f.final then 'completed' else t.status end,
           updated_at = case when t.updated_at >= now() then t.updated_at + interval '1 millisecond' else now() end
      from (select d.task_id, d.next_at, d.missed, coalesce((i.status = 'pending')::int, 0) as counted,
                   d.next_at is null
                   or (d.max_executions is not null and d.execution_count + coalesce((i.status = 'pending')::int, 0) >= d.max_executions) as final
              from d left join ins i on i.task_id = d.task_id) f
     where t.task_id = f.task_id
  )
  select coalesce(sum(c.n), 0), coalesce(sum(c.s), 0), array_agg(c.account_id) filter (where c.n > 0), array_agg(c.n) filter (where c.n > 0)
    into v_dispatched, v_skipped, v_accounts, v_counts
    from (select i.account_id, count(*) filter (where i.status = 'pending')::int as n, count(*) filter (where i.status <> 'pending')::int as s
            from ins i group by i.account_id) c;

  if v_dispatched = 0 then
    return query select 0, v_skipped;
    return;
  end if;

  -- 2. the monthly allowance, last (the counter rows stay locked only until commit): count the batch's
  --    runs (the roll-up trigger adds them to each billing owner), then skip those beyond the owner's
  --    allowance, latest first, and give their count back
  insert into app_private.account_usage as u (account_id, period, executions)
  select c.account_id, v_period, c.n from unnest(v_accounts, v_counts) as c(account_id, n)
  on conflict (account_id, period) do update set executions = u.executions + excluded.executions;

  with over as (
    select o.owner_id, ou.executions - l.executions_per_month as excess
      from (select distinct acc.primary_owner_user_id as owner_id from app_public.accounts acc where acc.id = any(v_accounts)) o
      cross join lateral app_private.owner_plan_limits(o.owner_id) l
      join app_private.owner_usage ou on ou.owner_user_id = o.owner_id and ou.period = v_period
     where l.executions_per_month is not null and ou.executions > l.executions_per_month
  )
  select array_agg(w.execution_id) into v_victims
    from (select e.execution_id, acc.primary_owner_user_id as owner_id,
                 row_number() over (partition by acc.primary_owner_user_id order by e.scheduled_for desc, e.execution_id) as rn
            from app_public.task_executions e
            join unnest(decisions) d on d.task_id = e.task_id and d.scheduled_for = e.scheduled_for
            join app_public.accounts acc on acc.id = e.account_id
           where e.status = 'pending' and e.trigger_type = 'schedule' and e.created_at = now() -- created by this batch
             and acc.primary_owner_user_id in (select o.owner_id from over o)) w
    join over o on o.owner_id = w.owner_id and w.rn <= o.excess;

  if v_victims is not null then
    -- the rare path: undo what step 1 did for the over-allowance runs
    with skipped as (
      update app_public.task_executions e
         set status = 'cancelled', completed_at = now_at, error_message = 'skipped: ' || v_over_reason,
             results = jsonb_build_object('skipped', true, 'reason', v_over_reason)
       where e.execution_id = any(v_victims)
      returning e.task_id, e.account_id
    ), refund as (
      update app_private.account_usage u set executions = u.executions - s.n
        from (select s.account_id, count(*)::int as n from skipped s group by s.account_id) s
       where u.account_id = s.account_id and u.period = v_period
    )
    update app_public.scheduled_tasks t
       set execution_count = t.execution_count - 1,
           -- completed only because this run reached max_executions: it did not run, so the task goes on
           status = case when t.status = 'completed' and d.next_at is not null then 'active' else t.status end,
           next_execution_at = case when t.status = 'completed' and d.next_at is not null then d.next_at else t.next_execution_at end
      from skipped s join unnest(decisions) d on d.task_id = s.task_id
     where t.task_id = s.task_id;
    v_dispatched := v_dispatched - cardinality(v_victims);
    v_skipped := v_skipped + cardinality(v_victims);
  end if;

  -- the run pools start each run at its occurrence's own time (a catch-up: now)
  if v_dispatched > 0 then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return query select v_dispatched, v_skipped;
end;
$$;
comment on function app_private.dispatch_occurrences(app_private.dispatch_decision[], timestamptz) is
  E'Creates one execution per decided occurrence (pending, trigger schedule, scheduled_for) and wakes the run pools, which start each at its own second\n(overlap with a running execution is judged then, by claim_runs). Occurrences beyond the billing owner''s monthly executions are recorded as skipped.\nAdvances next_execution_at, execution_count and missed_count; completes tasks at max_executions or when no next time exists.';

--------------------------------------------------------------------------------------------------
-- Skipping an occurrence that was already dispatched (and counted): recorded in the history with its
-- reason; it gives back its count towards max_executions and its monthly execution, and a recurring
-- task completed only by that count goes on (plan_task plans its next time).
create function app_private.skip_due_occurrence(execution_id uuid, reason text, details jsonb) returns boolean
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
begin
  update app_public.task_executions e
     set status = 'cancelled', completed_at = now(), lease_owner = null, wait_reason = null,
         error_message = left('skipped: ' || skip_due_occurrence.reason, 2000),
         results = jsonb_build_object('skipped', true, 'reason', skip_due_occurrence.reason) || coalesce(details, '{}'::jsonb)
   where e.execution_id = skip_due_occurrence.execution_id and e.status = 'pending'
  returning * into v_execution;
  if not found then
    return false;
  end if;
  if v_execution.trigger_type = 'schedule' then
    update app_public.scheduled_tasks t
       set execution_count = greatest(t.execution_count - 1, 0),
           status = case when t.status = 'completed' and t.schedule_type <> 'once' and t.max_executions is not null
                          and t.execution_count - 1 < t.max_executions then 'active' else t.status end,
           next_execution_at = case when t.status = 'completed' and t.schedule_type <> 'once' and t.max_executions is not null
                          and t.execution_count - 1 < t.max_executions then null else t.next_execution_at end
     where t.task_id = v_execution.task_id;
    update app_private.account_usage u set executions = greatest(u.executions - 1, 0)
     where u.account_id = v_execution.account_id and u.period = app_private.usage_period(v_execution.created_at);
  end if;
  return true;
end;
$$;
comment on function app_private.skip_due_occurrence(uuid, text, jsonb) is
  'Records a dispatched occurrence as skipped (cancelled, results.skipped, error_message "skipped: <reason>") and gives back what dispatch counted for it.';

--------------------------------------------------------------------------------------------------
-- Overlap, judged when an occurrence is due: one named step of claim_runs.
create function app_private.apply_overlap_policies(now_at timestamptz) returns integer
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_row record;
  v_count integer := 0;
begin
  -- the running executions cancel_other will cancel, locked first in (task_id, execution_id) order (the run stage's)
  perform 1 from app_public.task_executions x
    join app_public.scheduled_tasks t on t.task_id = x.task_id and t.overlap_policy = 'cancel_other'
   where x.status = 'running'
     and exists (select 1 from app_public.task_executions d
                  where d.task_id = x.task_id and d.status = 'pending' and d.trigger_type = 'schedule'
                    and coalesce(d.scheduled_for, d.created_at) <= now_at and (d.run_after is null or d.run_after <= now_at))
   order by x.task_id, x.execution_id
   for update of x;
  -- every due scheduled run that has an earlier live execution of its task (running, or pending and due earlier)
  for v_row in
    select e.execution_id, e.task_id, coalesce(e.scheduled_for, e.created_at) as due_at, t.overlap_policy, o.execution_id as other_id, o.status as other_status,
           exists (select 1 from app_public.task_executions b
                    where b.task_id = e.task_id and b.status = 'pending' and b.execution_id <> e.execution_id
                      and (coalesce(b.scheduled_for, b.created_at), b.execution_id) < (coalesce(e.scheduled_for, e.created_at), e.execution_id)) as earlier_pending
      from app_public.task_executions e
      -- only tasks with two or more live executions can overlap: one aggregate over the live-runs index, instead of
      -- a probe per due run (a 10,000-run herd claims 500 at a time)
      join (select l.task_id from app_public.task_executions l where l.status in ('pending', 'running')
             group by l.task_id having count(*) > 1) multi on multi.task_id = e.task_id
      join app_public.scheduled_tasks t on t.task_id = e.task_id
      cross join lateral (
        select x.execution_id, x.status from app_public.task_executions x
         where x.task_id = e.task_id and x.status in ('pending', 'running') and x.execution_id <> e.execution_id
           and (x.status = 'running'
                or (coalesce(x.scheduled_for, x.created_at), x.execution_id) < (coalesce(e.scheduled_for, e.created_at), e.execution_id))
         order by (x.status = 'running') desc, coalesce(x.scheduled_for, x.created_at)
         limit 1) o
     where e.status = 'pending' and e.trigger_type = 'schedule'
       and coalesce(e.scheduled_for, e.created_at) <= now_at and (e.run_after is null or e.run_after <= now_at)
       and t.overlap_policy <> 'allow_all'
     order by e.task_id, coalesce(e.scheduled_for, e.created_at), e.execution_id
  loop
    if v_row.overlap_policy = 'skip' then
      perform app_private.skip_due_occurrence(v_row.execution_id, 'previous execution still running (overlap policy: skip)',
        jsonb_build_object('overlap_policy', 'skip', 'overlapped_execution_id', v_row.other_id));
      v_count := v_count + 1;
    elsif v_row.overlap_policy = 'buffer_one' then
      if v_row.earlier_pending then
        perform app_private.skip_due_occurrence(v_row.execution_id, 'an occurrence is already waiting for the running one (overlap policy: buffer_one)',
          jsonb_build_object('overlap_policy', 'buffer_one', 'overlapped_execution_id', v_row.other_id));
        v_count := v_count + 1;
      else
        update app_public.task_executions e
           set wait_reason = 'waiting for the previous execution to end (overlap policy: buffer_one)',
               execution_context = e.execution_context || jsonb_build_object('overlap', jsonb_build_object('policy', 'buffer_one', 'waited_for', v_row.other_id))
         where e.execution_id = v_row.execution_id
           and e.wait_reason is distinct from 'waiting for the previous execution to end (overlap policy: buffer_one)';
      end if;
    elsif v_row.overlap_policy = 'cancel_other' then
      -- every earlier live execution of the task goes; the run pool holding a running one stops it (NOTIFY)
      update app_public.task_executions x
         set status = 'cancelled', completed_at = now(), wait_reason = null, cancel_requested_at = coalesce(x.cancel_requested_at, now()),
             error_message = 'cancelled: a newer occurrence replaced it (overlap policy: cancel_other)',
             results = x.results || jsonb_build_object('cancelled_by_overlap', true, 'replaced_by', v_row.execution_id)
       where x.task_id = v_row.task_id and x.status in ('pending', 'running') and x.execution_id <> v_row.execution_id
         and (x.status = 'running' or (coalesce(x.scheduled_for, x.created_at), x.execution_id) < (v_row.due_at, v_row.execution_id));
      update app_public.task_executions e
         set execution_context = e.execution_context || jsonb_build_object('overlap', jsonb_build_object('policy', 'cancel_other', 'cancelled', v_row.other_id))
       where e.execution_id = v_row.execution_id;
      update app_public.agent_runs r set status = 'cancelled', completed_at = now()
        from app_public.task_executions x
       where x.task_id = v_row.task_id and x.status = 'cancelled' and x.results ->> 'replaced_by' = v_row.execution_id::text
         and r.id = x.agent_run_id and r.status = 'running';
      v_count := v_count + 1;
    end if;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.apply_overlap_policies(timestamptz) is
  'Step of claim_runs: for each due scheduled run with an earlier live execution of its task, applies the task''s overlap_policy (skip, buffer_one, cancel_other; allow_all does nothing) and records the decision in the history. Returns how many runs it decided.';

create function app_private.waits_for_overlap(e app_public.task_executions) returns boolean
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  -- a buffered run (buffer_one) waits while an earlier execution of its task is live
  select e.trigger_type = 'schedule'
     and (select t.overlap_policy from app_public.scheduled_tasks t where t.task_id = e.task_id) = 'buffer_one'
     and exists (select 1 from app_public.task_executions x
                  where x.task_id = e.task_id and x.status in ('pending', 'running') and x.execution_id <> e.execution_id
                    and (x.status = 'running'
                         or (coalesce(x.scheduled_for, x.created_at), x.execution_id) < (coalesce(e.scheduled_for, e.created_at), e.execution_id)));
$$;
comment on function app_private.waits_for_overlap(app_public.task_executions) is
  'True while a buffered occurrence (overlap policy buffer_one) must wait for an earlier execution of its task.';

--------------------------------------------------------------------------------------------------
-- Leases
drop function app_private.recover_lost_runs();
create function app_private.recover_lost_runs(except_worker text default null) returns integer
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_count integer;
begin
  -- a lease loss costs no attempt: the attempt that was under way is given back
  update app_public.task_executions e
     set status = 'pending', lease_owner = null,
         attempts = case when e.attempt_open then greatest(e.attempts - 1, 0) else e.attempts end, attempt_open = false,
         wait_reason = 'the worker running it stopped responding; resuming in the same thread'
   where e.execution_id in (
           select l.execution_id from app_public.task_executions l
            where l.status = 'running' and l.lease_owner is not null
              and l.lease_owner is distinct from recover_lost_runs.except_worker
              and not exists (select 1 from app_private.run_workers w where w.worker_id = l.lease_owner and w.lease_expires_at > now())
            order by l.task_id, l.execution_id for update)
     and e.status = 'running';
  get diagnostics v_count = row_count;
  delete from app_private.run_workers w where w.lease_expires_at < now() - interval '1 hour';
  return v_count;
end;
$$;
comment on function app_private.recover_lost_runs(text) is
  'Step of claim_runs: runs held by workers whose lease expired go back to pending (no attempt used), except the claiming worker''s own: it is alive.';

create or replace function app_private.release_run_worker(worker_id text, reason text) returns integer
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_count integer;
begin
  v_count := app_private.release_runs(release_run_worker.worker_id,
    array(select e.execution_id from app_public.task_executions e
           where e.status = 'running' and e.lease_owner = release_run_worker.worker_id),
    reason);
  delete from app_private.run_workers w where w.worker_id = release_run_worker.worker_id;
  return v_count;
end;
$$;
comment on function app_private.release_run_worker(text, text) is
  'A stopping worker hands all its runs back (release_runs: pending, no attempt used) and drops its lease.';

create function app_private.release_runs(worker_id text, execution_ids uuid[], reason text) returns integer
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_count integer;
begin
  update app_public.task_executions e
     set status = 'pending', lease_owner = null, wait_reason = left(reason, 500),
         attempts = case when e.attempt_open then greatest(e.attempts - 1, 0) else e.attempts end, attempt_open = false
   where e.execution_id = any(release_runs.execution_ids) and e.status = 'running' and e.lease_owner = release_runs.worker_id;
  get diagnostics v_count = row_count;
  if v_count > 0 then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return v_count;
end;
$$;
comment on function app_private.release_runs(text, uuid[], text) is
  'Hands some of a worker''s runs back (pending, no attempt used): runs it could not prepare, or that it no longer runs.';

create function app_private.reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb)
  returns jsonb
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
  -- run by the worker but no longer held with the epoch it runs under: cancelled, finished or taken over
  select coalesce(array_agg(o.key::uuid), '{}') into v_lost
    from jsonb_each(coalesce(owned, '{}'::jsonb)) o
   where not exists (select 1 from app_public.task_executions e
                      where e.execution_id = o.key::uuid and e.status = 'running' and e.lease_owner = reconcile_run_worker.worker_id
                        and (jsonb_typeof(o.value) = 'null' or e.lease_epoch = (o.value)::text::bigint));
  return jsonb_build_object('released', v_released, 'lost', to_jsonb(v_lost));
end;
$$;
comment on function app_private.reconcile_run_worker(text, integer, text, integer, jsonb) is
  E'The run pool''s heartbeat: renews the worker''s lease and reconciles both ways. owned = {execution_id: lease_epoch or null} of the runs the pool runs.\nRuns held by the worker but not owned are handed back at once; returns {released, lost}, lost = owned runs the worker no longer holds (stop them).';

comment on function app_private.heartbeat_run_worker(text, integer, text, integer) is
  'Renews a worker process''s lease and returns the runs it holds (the first step of reconcile_run_worker, the run pool''s heartbeat).';

--------------------------------------------------------------------------------------------------
-- The claim, as named steps: recover lost runs (others'), overlap, provider budget, fair-share order
-- within owner caps; each claimed run gets a new lease epoch.
create function app_private.pick_runs(now_at timestamptz, budget integer) returns uuid[]
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
       where e.status = 'pending' and coalesce(e.scheduled_for, e.created_at) <= now_at
         and (e.run_after is null or e.run_after <= now_at)
         and not (e.trigger_type = 'schedule' and coalesce(e.wait_reason, '') like '%(overlap policy: buffer_one)' and app_private.waits_for_overlap(e))
    ), caps as (
      -- one plan lookup per distinct owner, set-based (not one function call per due run)
      select p.owner_user_id as owner_id, (p.limits).max_concurrent_executions as cap
        from app_private.owner_plans(array(select distinct d.owner_id from due_runs d)) p
    ), due as (
      select d.*, c.cap from due_runs d left join caps c on c.owner_id = d.owner_id
    ), owners_running as (
      select a.primary_owner_user_id as owner_id, count(*)::int as n
        from app_public.task_executions e join app_public.accounts a on a.id = e.account_id
       where e.status = 'running'
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
       limit budget
    )
    select coalesce(array_agg(p.execution_id), '{}') into v_ids from picked p;
  return v_ids;
end;
$$;
comment on function app_private.pick_runs(timestamptz, integer) is
  E'Step of claim_runs: which due pending runs start now, at most budget: round-robin across accounts (every account''s oldest due run before any\naccount''s second), within each paying owner''s plan concurrency cap (runs over the cap get a waitReason). Buffered occurrences (buffer_one) wait.';

create or replace function app_private.claim_runs(worker_id text, max_runs integer, provider text) returns jsonb
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_budget integer := max_runs;
  v_provider record;
  v_ids uuid[];
  v_epochs bigint[];
  v_next timestamptz;
  v_now timestamptz := clock_timestamp();
begin
  perform pg_advisory_xact_lock(hashtextextended('app_private.claim_runs', 0));
  perform app_private.recover_lost_runs(claim_runs.worker_id);
  perform app_private.apply_overlap_policies(v_now);
  select * into v_provider from app_private.provider_budget(claim_runs.provider);
  if v_provider.available is not null then
    v_budget := least(v_budget, v_provider.available);
  end if;
  if v_budget > 0 then
    v_ids := app_private.pick_runs(v_now, v_budget);

    with claimed as (
      update app_public.task_executions e
         set status = 'running', lease_owner = claim_runs.worker_id, provider = claim_runs.provider,
             lease_epoch = e.lease_epoch + 1,
             started_at = coalesce(e.started_at, v_now), wait_reason = null
       where e.execution_id = any(v_ids) and e.status = 'pending'
      returning e.execution_id, e.lease_epoch
    )
    select array_agg(c.execution_id), array_agg(c.lease_epoch) into v_ids, v_epochs from claimed c;
  elsif v_provider.reason is not null then
    update app_public.task_executions e set wait_reason = v_provider.reason
     where e.execution_id in (select w.execution_id from app_public.task_executions w
                               where w.status = 'pending' and coalesce(w.scheduled_for, w.created_at) <= v_now
                                 and w.wait_reason is distinct from v_provider.reason
                               order by coalesce(w.scheduled_for, w.created_at) limit 1000);
  end if;

  select min(greatest(coalesce(e.scheduled_for, e.created_at), coalesce(e.run_after, '-infinity')))
    into v_next from app_public.task_executions e
   where e.status = 'pending'
     -- (coalesce: a null wait_reason must not make the whole condition null and hide the run from the wake-up time)
     and not (e.trigger_type = 'schedule' and coalesce(e.wait_reason, '') like '%(overlap policy: buffer_one)');
  if v_provider.retry_at is not null and (v_next is null or v_next < v_provider.retry_at) and v_next <= v_now then
    v_next := v_provider.retry_at;
  end if;
  return jsonb_build_object('ids', coalesce(to_jsonb(v_ids), '[]'::jsonb), 'epochs', coalesce(to_jsonb(v_epochs), '[]'::jsonb),
                            'next_due_at', v_next, 'waiting_reason', v_provider.reason);
end;
$$;
comment on function app_private.claim_runs(text, integer, text) is
  E'Claims up to max_runs runnable executions for a worker process, in named steps: recover_lost_runs (other workers'' expired leases),\napply_overlap_policies (due occurrences overlapping a live execution of their task), provider_budget (the provider''s shared limits),\nthen round-robin across accounts (each account''s oldest first) within each paying owner''s plan concurrency cap. Each claimed run gets a new lease_epoch.\nReturns {ids, epochs, next_due_at, waiting_reason}.';

--------------------------------------------------------------------------------------------------
-- Preparing claimed runs: task rows in task_id order (the dispatcher's order), then each execution.
drop function app_private.start_claimed_runs(uuid[], text, text);
create function app_private.start_claimed_runs(execution_ids uuid[], executor text, model text, worker_id text default null) returns jsonb
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_id uuid;
  v_started jsonb;
  v_out jsonb := '[]'::jsonb;
begin
  for v_id in
    select e.execution_id from app_public.task_executions e
     where e.execution_id = any(start_claimed_runs.execution_ids)
       and (start_claimed_runs.worker_id is null or (e.status = 'running' and e.lease_owner = start_claimed_runs.worker_id))
     order by e.task_id, e.execution_id
  loop
    v_started := app_private.start_execution(v_id, start_claimed_runs.executor, start_claimed_runs.model);
    if v_started is not null then
      v_out := v_out || jsonb_build_array(v_started);
    end if;
  end loop;
  return v_out;
end;
$$;
comment on function app_private.start_claimed_runs(uuid[], text, text, text) is
  'Prepares a worker''s claimed runs (start_execution each), in task_id order; with worker_id, only runs that worker still holds.';

--------------------------------------------------------------------------------------------------
-- start_execution: opens an attempt and returns the lease epoch the run's writes must name.
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
  return jsonb_build_object(
    'execution_id', v_execution.execution_id,
    'task_id', v_task.task_id,
    'account_id', v_task.account_id,
    'thread_id', v_thread_id,
    'agent_run_id', v_run_id,
    'attempts', v_execution.attempts,
    'lease_epoch', v_execution.lease_epoch,
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
comment on function app_private.start_execution(uuid, text, text) is
  E'Prepares a claimed run (thread, prompt message, agent run; reused when resuming) and opens an attempt. Locks the task, then the execution\n(the order of execute_task). Returns the run, with the lease_epoch its writes must name. A run of a task awaiting review is cancelled and null returned.';

--------------------------------------------------------------------------------------------------
-- The run's writes, fenced by the lease epoch (null: an unfenced caller such as the external runtime's
-- callback, which runs after the hand-over and holds no lease).
drop function app_private.apply_run_writes(jsonb);
drop function app_private.append_run_message(uuid, text, text, jsonb);
create function app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb, lease_epoch bigint default null)
  returns boolean
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_execution app_public.task_executions;
  v_holds boolean;
begin
  select * into v_execution from app_public.task_executions e where e.execution_id = append_run_message.execution_id;
  if not found then
    return false;
  end if;
  v_holds := v_execution.status = 'running' and v_execution.thread_id is not null
             and (append_run_message.lease_epoch is null or v_execution.lease_epoch = append_run_message.lease_epoch);
  if v_holds then
    insert into app_public.messages (thread_id, account_id, role, content, metadata)
    values (v_execution.thread_id, v_execution.account_id, role, left(content, 1000000),
            coalesce(metadata, '{}'::jsonb) || jsonb_build_object('execution_id', v_execution.execution_id));
  end if;
  -- the model call happened whether or not this holder may still write: its spend is recorded either way
  if append_run_message.role = 'assistant' and jsonb_typeof(metadata -> 'usage') = 'object' then
    perform app_private.record_model_usage(v_execution.account_id, 'agent', coalesce(v_execution.provider, 'unknown'),
      metadata ->> 'model', coalesce((metadata -> 'usage' ->> 'promptTokens')::int, 0), coalesce((metadata -> 'usage' ->> 'completionTokens')::int, 0),
      v_execution.task_id, v_execution.execution_id);
  end if;
  return v_holds;
end;
$$;
comment on function app_private.append_run_message(uuid, text, text, jsonb, bigint) is
  'Writes a message of a running execution to its thread, if lease_epoch (when given) is still the run''s; false otherwise. An assistant message''s model-call usage goes to the spend ledger either way.';

drop function app_private.finish_execution(uuid, text, jsonb, text);
create function app_private.finish_execution(execution_id uuid, status text, results jsonb, error text, lease_epoch bigint default null)
  returns boolean
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
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
         attempt_open = false,
         results = coalesce(finish_execution.results, '{}'::jsonb),
         error_message = case when finish_execution.status = 'failed' then left(finish_execution.error, 4000) else null end
   where e.execution_id = finish_execution.execution_id and e.status in ('running', 'pending')
     and (finish_execution.lease_epoch is null or e.lease_epoch = finish_execution.lease_epoch)
  returning * into v_execution;
  if not found then
    return false; -- cancelled, already finished, or taken over by another holder
  end if;
  update app_public.agent_runs r
     set status = finish_execution.status, completed_at = now(),
         error = case when finish_execution.status = 'failed' then left(finish_execution.error, 4000) end,
         usage = coalesce(finish_execution.results -> 'usage', '{}'::jsonb)
   where r.id = v_execution.agent_run_id;
  -- a buffered occurrence of the task (overlap policy buffer_one) starts now
  if exists (select 1 from app_public.task_executions b where b.task_id = v_execution.task_id and b.status = 'pending') then
    perform pg_notify('sat_runs_ready', '');
  end if;
  return true;
end;
$$;
comment on function app_private.finish_execution(uuid, text, jsonb, text, bigint) is
  'Ends an execution (completed with results, or failed with error) if lease_epoch (when given) is still the run''s; false when it was cancelled, already finished or taken over.';

create function app_private.apply_run_writes(ops jsonb) returns boolean[]
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_op jsonb;
  v_i bigint;
  v_out boolean[] := '{}';
  v_ok boolean;
begin
  -- in (task_id, execution_id) order (each execution's own writes keep their order), the order every other statement
  -- that locks several executions uses (start_claimed_runs, claim_runs' steps): batches and claims cannot deadlock
  for v_op, v_i in select o.value, o.i from jsonb_array_elements(ops) with ordinality o(value, i)
                     left join app_public.task_executions e on e.execution_id = (o.value ->> 'execution_id')::uuid
                   order by e.task_id, e.execution_id, o.i loop
    if v_op ->> 'op' = 'append' then
      v_ok := app_private.append_run_message((v_op ->> 'execution_id')::uuid, v_op ->> 'role', v_op ->> 'content', v_op -> 'metadata',
                                             (v_op ->> 'lease_epoch')::bigint);
    elsif v_op ->> 'op' = 'finish' then
      v_ok := app_private.finish_execution((v_op ->> 'execution_id')::uuid, v_op ->> 'status', v_op -> 'results', v_op ->> 'error',
                                           (v_op ->> 'lease_epoch')::bigint);
    else
      raise exception 'apply_run_writes: unknown op %', v_op ->> 'op';
    end if;
    v_out[v_i] := v_ok;
  end loop;
  return v_out;
end;
$$;
comment on function app_private.apply_run_writes(jsonb) is
  'Applies a batch of run writes (append_run_message, finish_execution, each fenced by its lease_epoch) in order, in one transaction; one result per op.';

drop function app_private.retry_execution_later(uuid, text, timestamptz, boolean);
create function app_private.retry_execution_later(execution_id uuid, error text, run_after timestamptz default now(),
                                                  count_attempt boolean default true, lease_epoch bigint default null)
  returns boolean
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  update app_public.task_executions e
     set status = 'pending', lease_owner = null, run_after = retry_execution_later.run_after, attempt_open = false,
         attempts = case when count_attempt then e.attempts else greatest(e.attempts - 1, 0) end,
         error_message = left(case when count_attempt then 'attempt ' || e.attempts || ' failed, will retry: ' else 'waiting to retry: ' end || error, 2000),
         wait_reason = left('retry after ' || to_char(retry_execution_later.run_after at time zone 'UTC', 'HH24:MI:SS" UTC"') || ': ' || error, 500)
   where e.execution_id = retry_execution_later.execution_id and e.status = 'running'
     and (retry_execution_later.lease_epoch is null or e.lease_epoch = retry_execution_later.lease_epoch);
  return found;
end;
$$;
comment on function app_private.retry_execution_later(uuid, text, timestamptz, boolean, bigint) is
  'Puts a running execution back to pending until run_after (a retry''s back-off), if lease_epoch (when given) is still the run''s; count_attempt false gives the attempt back (rate limits).';
