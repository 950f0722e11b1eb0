--! Previous: sha1:6665d255eb48badbd457548a7ba0ca3d81dbefa4
--! Hash: sha1:53cb7f90f445d727c3ed295d4106f2069b57e813
--! Message: Precise dispatch

-- Precise dispatch (issue 11):
--   * an occurrence that becomes due before the next crontab tick (scheduleTask, resumeTask, a schedule
--     edit, a catch-up, a psql update of next_execution_at) enqueues a dispatch at once, so its execution
--     exists before its second and the run pool starts it on time (_800_dispatch_soon);
--   * resume_task takes the next time planned by the caller (src/planning.ts), like schedule_task;
--   * a cheaper dispatch: no temporary table, executions and task advance in one statement, the monthly
--     allowance charged once at the end of the batch (its row lock is held only until commit), row
--     triggers only when what they handle changed, one NOTIFY statement per insert statement, one
--     foreign-key check and one index fewer per execution.

--------------------------------------------------------------------------------
-- scheduled_tasks: row triggers that only fire when what they handle changed
--------------------------------------------------------------------------------

-- prompt edits by the user: only when the prompt changes
drop trigger _200_user_prompt_edit on app_public.scheduled_tasks;
create trigger _200_user_prompt_edit before update on app_public.scheduled_tasks
  for each row when (new.generated_prompt is distinct from old.generated_prompt)
  execute function app_private.tg_scheduled_tasks__user_prompt_edit();

-- schedule or status changed, or a plan is wanted (the function's own early return, as a WHEN clause)
drop trigger _300_schedule_changed on app_public.scheduled_tasks;
create trigger _300_schedule_changed before update on app_public.scheduled_tasks
  for each row
  when ((new.schedule_type, new.scheduled_at, new.cron_expression, new.timezone, new.max_executions, new.status)
          is distinct from (old.schedule_type, old.scheduled_at, old.cron_expression, old.timezone, old.max_executions, old.status)
        or new.next_execution_at is null)
  execute function app_private.tg_scheduled_tasks__schedule_changed();

-- timestamps: an insert whose defaults already are now() needs no trigger; an update that sets
-- updated_at itself (the dispatcher does) neither. Same rules as app_private.tg__timestamps.
drop trigger _100_timestamps on app_public.scheduled_tasks;
create trigger _100_timestamps before insert on app_public.scheduled_tasks
  for each row when (new.created_at is distinct from now() or new.updated_at is distinct from now())
  execute function app_private.tg__timestamps();
create trigger _110_timestamps_update before update on app_public.scheduled_tasks
  for each row when (new.updated_at is not distinct from old.updated_at or new.created_at is distinct from old.created_at)
  execute function app_private.tg__timestamps();

-- The time zone check was a CHECK constraint, evaluated (a table lookup) on every update of every row,
-- dispatch included. Now a trigger when the time zone is written; same SQLSTATE (23514) and constraint name.
create function app_private.tg_scheduled_tasks__check_timezone() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  if not app_hidden.is_iana_timezone(new.timezone) then
    raise exception 'new row for relation "scheduled_tasks" violates check constraint "scheduled_tasks_timezone_check"'
      using errcode = 'check_violation', constraint = 'scheduled_tasks_timezone_check', table = 'scheduled_tasks', schema = 'app_public',
            detail = format('timezone %s is not an IANA time zone name', coalesce(new.timezone::text, 'null'));
  end if;
  return new;
end;
$$;
alter table app_public.scheduled_tasks drop constraint scheduled_tasks_timezone_check;
create trigger _050_check_timezone before insert on app_public.scheduled_tasks
  for each row execute function app_private.tg_scheduled_tasks__check_timezone();
create trigger _051_check_timezone_update before update of timezone on app_public.scheduled_tasks
  for each row when (new.timezone is distinct from old.timezone)
  execute function app_private.tg_scheduled_tasks__check_timezone();

--------------------------------------------------------------------------------
-- Precise dispatch: an occurrence due before the next tick is dispatched now
--------------------------------------------------------------------------------

-- The crontab's dispatcher runs every minute and looks `lookahead` (65 s) ahead, so an occurrence planned
-- less than a minute or so ahead of the change (a once task 8 s ahead, a resume, an edit, a catch-up,
-- a psql update) would wait for the next tick. Such a change enqueues dispatch_due_tasks at once (or, with a
-- look-ahead shorter than the 65 s default, once the occurrence is in reach); the dispatcher creates the execution (SKIP
-- LOCKED + unique (task_id, scheduled_for): any number of these jobs and ticks at once is safe) and the
-- run pools start it at scheduled_for. One job per transaction and per second (job_key), whatever the
-- number of rows; rows further than 2 minutes ahead never call the function (WHEN clause).
create function app_private.tg_scheduled_tasks__dispatch_soon() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_lookahead interval;
  v_run_at timestamptz;
begin
  if current_setting('sat.dispatch_soon', true) = 'on' then
    return null; -- already enqueued in this transaction
  end if;
  select coalesce(s.lookahead, interval '65 seconds') into v_lookahead from app_private.scheduler_settings s;
  if new.next_execution_at <= now() + v_lookahead then
    v_run_at := now(); -- in reach of a dispatch now
  elsif v_lookahead >= interval '65 seconds' then
    return null; -- a tick comes between `occurrence - lookahead` and 5 s before the occurrence: it dispatches it in time
  else
    v_run_at := new.next_execution_at - v_lookahead + interval '1 second'; -- a short look-ahead: dispatch once it is in reach
  end if;
  perform graphile_worker.add_job('dispatch_due_tasks', json_build_object('reason', 'dispatch_soon'),
    run_at := v_run_at, max_attempts := 5,
    job_key := 'dispatch_soon:' || floor(extract(epoch from v_run_at))::bigint, job_key_mode := 'preserve_run_at');
  if v_run_at = now() then
    perform set_config('sat.dispatch_soon', 'on', true);
  end if;
  return null;
end;
$$;
comment on function app_private.tg_scheduled_tasks__dispatch_soon() is
  'Enqueues dispatch_due_tasks for an occurrence due before the next crontab tick could dispatch it (precise dispatch).';
create trigger _800_dispatch_soon after insert on app_public.scheduled_tasks
  for each row when (new.status = 'active' and new.next_execution_at < now() + interval '2 minutes')
  execute function app_private.tg_scheduled_tasks__dispatch_soon();
create trigger _810_dispatch_soon_update after update of next_execution_at, status on app_public.scheduled_tasks
  for each row
  when (new.status = 'active' and new.next_execution_at < now() + interval '2 minutes'
        and (new.next_execution_at is distinct from old.next_execution_at or new.status is distinct from old.status))
  execute function app_private.tg_scheduled_tasks__dispatch_soon();

--------------------------------------------------------------------------------
-- resume_task: planned by the caller (GraphQL resumeTask plans with src/planning.ts in the same
-- transaction); from psql, without a plan, the worker plans it (plan_task) as before.
--------------------------------------------------------------------------------

drop function app_public.resume_task(uuid);
create function app_public.resume_task(task_id uuid, planned_next timestamptz default null, planned_version integer default null)
  returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status <> 'paused' then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only a paused task can be resumed', v_task.task_id, v_task.status));
  end if;
  update app_public.scheduled_tasks t
     set status = case when t.is_scheduled then 'active' else 'draft' end,
         next_execution_at = case when t.is_scheduled and planned_version is not distinct from t.schedule_version then planned_next end
   where t.task_id = v_task.task_id returning * into v_task;
  return v_task;
end;
$$;
comment on function app_public.resume_task(uuid, timestamptz, integer) is
  E'@behavior -*\nResumes a paused task, planned from now (no catch-up of the paused time). GraphQL resumeTask passes the next time it planned for the schedule version it read; from psql leave both null and the worker plans it within seconds. Raises ST002 unless paused.';
grant execute on function app_public.resume_task(uuid, timestamptz, integer) to :DATABASE_VISITOR;

--------------------------------------------------------------------------------
-- task_executions: cheaper inserts
--------------------------------------------------------------------------------

-- account_id is copied from the task by the SQL functions that create executions (the visitor cannot
-- insert), and deleting an account deletes its tasks, whose executions go with them (task_id cascades).
alter table app_public.task_executions drop constraint task_executions_account_id_fkey;
-- a prefix of idx_task_executions_account_created (account_id, created_at desc, execution_id desc)
drop index app_public.idx_task_executions_account_id;
-- the foreign-key indexes of thread_id and agent_run_id (for ON DELETE SET NULL) only need the rows that
-- have one: a new execution has neither, so it no longer adds two null entries
drop index app_public.idx_task_executions_thread_id;
create index idx_task_executions_thread_id on app_public.task_executions(thread_id) where thread_id is not null;
drop index app_public.idx_task_executions_agent_run_id;
create index idx_task_executions_agent_run_id on app_public.task_executions(agent_run_id) where agent_run_id is not null;

drop trigger _100_timestamps on app_public.task_executions;
create trigger _100_timestamps before insert on app_public.task_executions
  for each row when (new.created_at is distinct from now() or new.updated_at is distinct from now())
  execute function app_private.tg__timestamps();
create trigger _110_timestamps_update before update on app_public.task_executions
  for each row when (new.updated_at is not distinct from old.updated_at or new.created_at is distinct from old.created_at)
  execute function app_private.tg__timestamps();

-- GraphQL subscription events of new executions: one trigger call per statement (transition table)
-- instead of one PL/pgSQL call and a whole-row to_jsonb per row; same channel and payload.
create function app_private.tg_task_executions__notify_inserted() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  perform pg_notify('graphql:task:' || i.task_id, json_build_object(
            'event', 'execution_updated', 'task_id', i.task_id, 'execution_id', i.execution_id, 'status', i.status)::text)
     from inserted i;
  return null;
end;
$$;
drop trigger _900_notify on app_public.task_executions;
create trigger _900_notify after update or delete on app_public.task_executions
  for each row execute function app_private.tg__notify_task('execution_updated');
create trigger _901_notify_insert after insert on app_public.task_executions
  referencing new table as inserted
  for each statement execute function app_private.tg_task_executions__notify_inserted();

--------------------------------------------------------------------------------
-- dispatch_occurrences: as in 000010 (per-owner plan limits, one NOTIFY), cheaper.
--------------------------------------------------------------------------------

create or replace function app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamptz)
  returns table (dispatched integer, skipped integer)
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
  -- 1. one statement: the executions (a repeat of an occurrence is a no-op: unique (task_id, scheduled_for))
  --    and the tasks' advance (next time, counters, completion at max_executions)
  with d as materialized (
    select d.task_id, d.scheduled_for, coalesce(d.missed, 0) as missed, d.next_at, t.account_id, t.execution_count, t.max_executions,
           coalesce(d.skip_reason,
             case when d.scheduled_for is not null and exists (
                    select 1 from app_public.task_executions e where e.task_id = d.task_id and e.status in ('pending', 'running'))
                  then 'previous execution still running (overlap policy: skip)' end) as skip_reason,
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
  E'Creates one execution per decided occurrence (pending, trigger schedule, scheduled_for) and wakes the run pools, which start each at its own second;\n'
  'overlapping occurrences, and those beyond the billing owner''s monthly executions, are recorded as skipped (cancelled, results.skipped).\n'
  'Advances next_execution_at, execution_count and missed_count; completes tasks at max_executions or when no next time exists.';
