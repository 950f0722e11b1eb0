--! Previous: sha1:a5aa2c5552baccd3dd34ece4a0598e5f4de86f41
--! Hash: sha1:6e7f9b4a062ebc52b7e4c91a224a6b229f6e5b6b
--! Message: Limits and housekeeping

-- Limits and housekeeping: per-plan concurrent runs, retention of old executions.

-- Concurrent runs per account (plan_limits.max_concurrent_executions): start_execution reports
-- when the account is at its limit and the run job postpones itself (the execution stays pending).
create function app_private.account_at_concurrency_limit(account_id uuid, execution_id uuid) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select l.max_concurrent_executions
    from app_public.accounts a join app_private.plan_limits l on l.plan = a.plan
   where a.id = account_at_concurrency_limit.account_id
     and l.max_concurrent_executions is not null
     and (select count(*) from app_public.task_executions e
           where e.account_id = account_at_concurrency_limit.account_id and e.status = 'running'
             and e.execution_id <> account_at_concurrency_limit.execution_id) >= l.max_concurrent_executions;
$$;
comment on function app_private.account_at_concurrency_limit(uuid, uuid) is
  'The plan''s limit when the account already has that many runs in progress (else null).';
create index idx_task_executions_account_running on app_public.task_executions(account_id) where status = 'running';

create function app_private.postpone_execution(execution_id uuid, reason text) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  update app_public.task_executions e set error_message = left('waiting: ' || reason, 2000)
   where e.execution_id = postpone_execution.execution_id and e.status = 'pending';
$$;

-- Retention: executions older than the window (and the threads they created) are removed by the
-- daily cleanup_executions job; the audit log keeps its own rows.
create table app_private.retention_settings (
  id boolean primary key default true check (id),
  executions interval not null default interval '90 days'
);
insert into app_private.retention_settings default values;
comment on table app_private.retention_settings is 'How long finished executions and their run threads are kept (cleanup_executions, daily).';

create function app_private.cleanup_executions(now_at timestamptz default now()) returns integer
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_keep interval := (select executions from app_private.retention_settings);
  v_count integer;
begin
  with old as (
    delete from app_public.task_executions e
     where e.status in ('completed', 'failed', 'cancelled') and e.created_at < now_at - v_keep
    returning e.thread_id
  ), threads as (
    delete from app_public.threads t
     using old where t.thread_id = old.thread_id
       and not exists (select 1 from app_public.scheduled_tasks s where s.source_thread_id = t.thread_id)
    returning t.thread_id
  )
  select count(*) into v_count from old;
  return v_count;
end;
$$;
comment on function app_private.cleanup_executions(timestamptz) is
  'Deletes finished executions older than retention_settings.executions and the run threads they created (not threads a task was exported from).';

-- The run job's entry point: the concurrency check and start_execution, serialised per account.
create function app_private.begin_execution(execution_id uuid, executor text, model text) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_execution app_public.task_executions;
  v_limit integer;
begin
  select * into v_execution from app_public.task_executions e where e.execution_id = begin_execution.execution_id;
  if found and v_execution.status = 'pending' then
    perform pg_advisory_xact_lock(hashtextextended('begin_execution:' || v_execution.account_id::text, 0));
    v_limit := app_private.account_at_concurrency_limit(v_execution.account_id, v_execution.execution_id);
    if v_limit is not null then
      return jsonb_build_object('postponed', format('the account''s plan allows %s runs at a time; this one starts when one finishes', v_limit));
    end if;
  end if;
  return app_private.start_execution(execution_id, executor, model);
end;
$$;
comment on function app_private.begin_execution(uuid, text, text) is
  'Starts (or resumes) an execution unless its account is at its plan''s concurrent-run limit.';
