--! Previous: sha1:30787b7f3de2a7652b0ddb02c322f341a3a4d21f
--! Hash: sha1:a5aa2c5552baccd3dd34ece4a0598e5f4de86f41
--! Message: Scheduling engine

-- Scheduling engine: schedule_task, planning by the worker, dispatch of due occurrences
-- (exactly one execution per occurrence), overlap and missed-run policies, pause/resume/delete.

alter table app_public.scheduled_tasks
  add column schedule_version integer not null default 0,
  add constraint scheduled_tasks_cron_needs_expression check (schedule_type is distinct from 'cron' or cron_expression is not null),
  add constraint scheduled_tasks_once_needs_time check (schedule_type is distinct from 'once' or scheduled_at is not null);
comment on column app_public.scheduled_tasks.schedule_version is
  'Increases whenever the schedule changes; the worker plans next_execution_at for the version it read.';

-- settings the dispatcher reads (psql: update app_private.scheduler_settings set …)
create table app_private.scheduler_settings (
  id boolean primary key default true check (id),
  lookahead interval not null default interval '65 seconds',
  staleness interval not null default interval '1 hour',
  batch_size integer not null default 1000 check (batch_size between 1 and 100000)
);
insert into app_private.scheduler_settings default values;
comment on table app_private.scheduler_settings is
  'lookahead: how far ahead the per-minute dispatcher enqueues occurrences (each runs at its own time); staleness: a missed occurrence older than this is skipped, not caught up.';

--------------------------------------------------------------------------------
-- schedule_task: validation SQL can do itself; calendar math (cron syntax, DST, next time) is
-- the worker's / API's TypeScript (src/calendar.ts). The API passes the first occurrence it
-- computed; from psql, leave planned_next null and the worker plans the task within seconds.
--------------------------------------------------------------------------------

create function app_public.schedule_task(
  task_id uuid,
  schedule_type text,
  scheduled_at timestamptz default null,
  cron_expression text default null,
  timezone text default 'UTC',
  max_executions integer default null,
  planned_next timestamptz default null
) returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status not in ('draft', 'active', 'paused') then
    perform app_hidden.raise_error('ST002', format('task %s is %s; only draft, active and paused tasks can be scheduled', v_task.task_id, v_task.status));
  end if;
  if schedule_type is null or schedule_type not in ('once', 'daily', 'weekly', 'monthly', 'cron') then
    perform app_hidden.raise_error('ST003', format('schedule_type must be one of once, daily, weekly, monthly, cron (got %s)', coalesce(schedule_type, 'null')));
  end if;
  if timezone is null or not app_hidden.is_iana_timezone(timezone) then
    perform app_hidden.raise_error('ST003', format('timezone must be an IANA time zone name such as Europe/London (got %s)', coalesce(timezone, 'null')));
  end if;
  if max_executions is not null and max_executions <= 0 then
    perform app_hidden.raise_error('ST003', format('max_executions must be a positive whole number or null for unlimited (got %s)', max_executions));
  end if;
  if schedule_type = 'once' and scheduled_at is null then
    perform app_hidden.raise_error('ST003', 'scheduled_at is required for schedule_type once');
  end if;
  if schedule_type = 'once' and scheduled_at <= now() then
    perform app_hidden.raise_error('ST003', format('scheduled_at must be in the future (got %s)', scheduled_at));
  end if;
  if schedule_type = 'cron' and nullif(btrim(cron_expression), '') is null then
    perform app_hidden.raise_error('ST003', 'cron_expression is required for schedule_type cron');
  end if;
  if schedule_type <> 'cron' and nullif(btrim(cron_expression), '') is not null then
    perform app_hidden.raise_error('ST003', format('cron_expression is only allowed with schedule_type cron (got schedule_type %s)', schedule_type));
  end if;
  if cron_expression is not null and length(cron_expression) > 100 then
    perform app_hidden.raise_error('ST003', 'cron_expression must be at most 100 characters');
  end if;
  if max_executions is not null and max_executions <= v_task.execution_count then
    perform app_hidden.raise_error('ST003', format('max_executions (%s) must be greater than the executions already dispatched (%s)', max_executions, v_task.execution_count));
  end if;
  perform app_private.assert_task_runnable(v_task);
  perform app_private.cancel_pending_scheduled(v_task.task_id, 'schedule changed');
  update app_public.scheduled_tasks t
     set is_scheduled = true,
         schedule_type = schedule_task.schedule_type,
         scheduled_at = schedule_task.scheduled_at,
         cron_expression = nullif(btrim(schedule_task.cron_expression), ''),
         timezone = schedule_task.timezone,
         max_executions = schedule_task.max_executions,
         status = 'active',
         next_execution_at = planned_next
   where t.task_id = v_task.task_id
  returning * into v_task;
  return v_task;
end;
$$;
comment on function app_public.schedule_task(uuid, text, timestamptz, text, text, integer, timestamptz) is
  E'@behavior -*\nSQL entry point of scheduleTask (psql). Sets the schedule and activates the task; next_execution_at is planned by the worker within seconds when planned_next is null.';
grant execute on function app_public.schedule_task(uuid, text, timestamptz, text, text, integer, timestamptz) to :DATABASE_VISITOR;

-- A schedule changed anywhere (API, psql): bump the version; without a planned time, ask the worker.
create function app_private.tg_scheduled_tasks__schedule_changed() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  if tg_op = 'UPDATE' and (new.schedule_type, new.scheduled_at, new.cron_expression, new.timezone, new.max_executions, new.status)
       is not distinct from (old.schedule_type, old.scheduled_at, old.cron_expression, old.timezone, old.max_executions, old.status)
     and new.next_execution_at is not null then
    return new;
  end if;
  if tg_op = 'UPDATE' and (new.schedule_type, new.scheduled_at, new.cron_expression, new.timezone, new.max_executions)
       is distinct from (old.schedule_type, old.scheduled_at, old.cron_expression, old.timezone, old.max_executions) then
    new.schedule_version := old.schedule_version + 1;
  end if;
  if new.status = 'active' and new.is_scheduled and new.next_execution_at is null then
    perform graphile_worker.add_job('plan_task', json_build_object('task_id', new.task_id),
      job_key := 'plan_task:' || new.task_id, max_attempts := 10);
  end if;
  return new;
end;
$$;
create trigger _300_schedule_changed before update on app_public.scheduled_tasks
  for each row execute function app_private.tg_scheduled_tasks__schedule_changed();

-- The worker's plan: next_execution_at for the schedule version it computed from.
create function app_private.set_next_execution(task_id uuid, schedule_version integer, next_at timestamptz, scheduled_at timestamptz)
  returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  update app_public.scheduled_tasks t
     set next_execution_at = next_at,
         scheduled_at = coalesce(set_next_execution.scheduled_at, t.scheduled_at),
         status = case when next_at is null then 'completed' else t.status end
   where t.task_id = set_next_execution.task_id and t.schedule_version = set_next_execution.schedule_version
     and t.status = 'active' and t.next_execution_at is null;
  return found;
end;
$$;

-- An invalid schedule written in psql: the worker records why it cannot plan it.
create function app_private.fail_schedule(task_id uuid, schedule_version integer, error text) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  update app_public.scheduled_tasks t
     set status = 'failed', metadata = t.metadata || jsonb_build_object('schedule_error', error)
   where t.task_id = fail_schedule.task_id and t.schedule_version = fail_schedule.schedule_version and t.status = 'active';
$$;

-- Occurrences already dispatched ahead of time (within the look-ahead) but not started are
-- withdrawn when the schedule stops applying: on pause and on a schedule change.
create function app_private.cancel_pending_scheduled(task_id uuid, reason text) returns integer
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_count integer;
begin
  perform graphile_worker.remove_job('run_execution:' || e.execution_id)
     from app_public.task_executions e
    where e.task_id = cancel_pending_scheduled.task_id and e.status = 'pending' and e.trigger_type = 'schedule';
  update app_public.task_executions e
     set status = 'cancelled', completed_at = now(), error_message = 'cancelled: ' || reason
   where e.task_id = cancel_pending_scheduled.task_id and e.status = 'pending' and e.trigger_type = 'schedule';
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

create or replace function app_public.pause_task(task_id uuid) returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status <> 'active' then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only an active task can be paused', v_task.task_id, v_task.status));
  end if;
  perform app_private.cancel_pending_scheduled(v_task.task_id, 'task paused');
  update app_public.scheduled_tasks t set status = 'paused', next_execution_at = null
    where t.task_id = v_task.task_id returning * into v_task;
  return v_task;
end;
$$;

-- pause: not dispatched; resume: planned from now by the worker, no catch-up of the paused time.
create or replace function app_public.resume_task(task_id uuid) returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status <> 'paused' then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only a paused task can be resumed', v_task.task_id, v_task.status));
  end if;
  update app_public.scheduled_tasks t
     set status = case when t.is_scheduled then 'active' else 'draft' end, next_execution_at = null
   where t.task_id = v_task.task_id returning * into v_task;
  return v_task;
end;
$$;
comment on function app_public.resume_task(uuid) is
  'Resumes a paused task: it is planned again from now (no catch-up of the paused time; nextExecutionAt is set by the worker within seconds). Raises ST002 unless paused.';

-- Deleting a task cancels its pending executions' jobs (running ones notice and stop).
create function app_private.tg_scheduled_tasks__cancel_jobs() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  perform graphile_worker.remove_job('run_execution:' || e.execution_id)
     from app_public.task_executions e where e.task_id = old.task_id and e.status = 'pending';
  perform graphile_worker.remove_job('plan_task:' || old.task_id);
  return old;
end;
$$;
create trigger _400_cancel_jobs before delete on app_public.scheduled_tasks
  for each row execute function app_private.tg_scheduled_tasks__cancel_jobs();

--------------------------------------------------------------------------------
-- Dispatch. The dispatcher (tasks/dispatch_due_tasks.ts) claims due tasks with SKIP LOCKED,
-- computes each one's occurrence and next time in TypeScript, and hands them back here in
-- one batch, in the same transaction as the claim.
--------------------------------------------------------------------------------

create function app_private.claim_due_tasks(until timestamptz, batch_size integer)
  returns table (task_id uuid, schedule_type text, scheduled_at timestamptz, cron_expression text, timezone text,
                 next_execution_at timestamptz, execution_count integer, max_executions integer, schedule_version integer)
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  select t.task_id, t.schedule_type, t.scheduled_at, t.cron_expression, t.timezone,
         t.next_execution_at, t.execution_count, t.max_executions, t.schedule_version
    from app_public.scheduled_tasks t
   where t.status = 'active' and t.next_execution_at <= until
   order by t.next_execution_at
   limit batch_size
   for update skip locked;
$$;

-- One row per claimed task: the occurrence to serve (null: none, only advance), whether it is
-- skipped (and why), how many occurrences were missed, and the task's next time.
create type app_private.dispatch_decision as (
  task_id uuid,
  scheduled_for timestamptz,
  skip_reason text,
  missed integer,
  next_at timestamptz
);

create function app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamptz)
  returns table (dispatched integer, skipped integer)
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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

  -- each run starts at its occurrence's own time (a catch-up: now)
  perform graphile_worker.add_jobs(array(
    select row('run_execution', json_build_object('execution_id', b.execution_id), null, greatest(b.scheduled_for, now_at),
               4, 'run_execution:' || b.execution_id, null, null)::graphile_worker.job_spec
      from dispatch_batch b where b.inserted and b.skip_reason is null));

  select count(*) filter (where b.inserted and b.skip_reason is null), count(*) filter (where b.inserted and b.skip_reason is not null)
    into v_dispatched, v_skipped from dispatch_batch b;

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
  E'Creates one execution per decided occurrence (pending, trigger schedule, scheduled_for) and enqueues its run at the occurrence''s time;\n'
  'overlapping or over-limit occurrences are recorded as skipped (cancelled, results.skipped). Advances next_execution_at, execution_count and missed_count; completes tasks at max_executions or when no next time exists.';
