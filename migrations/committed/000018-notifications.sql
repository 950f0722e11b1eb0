--! Previous: sha1:fb7ff0b6648e0f37c92506866d2b0cb8a3fe4600
--! Hash: sha1:5ccb369fc941af588f130a5d6232a3438e0e3731
--! Message: Notifications

-- The person hears about the runs that matter (issue 21). Everything starts at the execution's end: a trigger on
-- app_public.task_executions (status leaving pending/running) decides, by the task's notification policy, what to
-- tell, and writes it in the same transaction: the outbox event (app_private.notification_events), one inbox row
-- per member of the account (app_public.notifications, under RLS, with a NOTIFY for the live subscription), one
-- webhook delivery per matching endpoint (app_public.webhook_deliveries, each a graphile-worker job) and one email
-- job per member who wants email. The same trigger keeps the run streaks (circuit breaker, refusals told once) and
-- the answer fingerprint (change detection). The run stage itself is not touched.

--------------------------------------------------------------------------------------------------------------------
-- Settings (the worker writes them from its configuration at start: app_private.configure_notifications)
--------------------------------------------------------------------------------------------------------------------

create table app_private.notification_settings (
  id boolean primary key default true check (id),
  failure_threshold integer not null default 3 check (failure_threshold between 0 and 1000),
  overdue_after interval not null default interval '5 minutes' check (overdue_after > interval '0'),
  max_per_hour integer not null default 30 check (max_per_hour >= 1),
  email_enabled boolean not null default false
);
alter table app_private.notification_settings enable row level security;
insert into app_private.notification_settings default values;
comment on table app_private.notification_settings is
  'Notification settings of the whole service (one row), written by each worker at start from NOTIFY_* and SMTP_URL: '
  'the circuit breaker''s default K, the overdue bound, the per-account hourly limit and whether email is on.';

create function app_private.configure_notifications(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean)
  returns void language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  update app_private.notification_settings s
     set failure_threshold = configure_notifications.failure_threshold,
         overdue_after = make_interval(secs => configure_notifications.overdue_seconds),
         max_per_hour = configure_notifications.max_per_hour,
         email_enabled = configure_notifications.email_enabled;
$$;
comment on function app_private.configure_notifications(integer, integer, integer, boolean) is
  'Sets the notification settings (NOTIFY_FAILURE_THRESHOLD, NOTIFY_OVERDUE_AFTER_SECONDS, NOTIFY_MAX_PER_HOUR, SMTP_URL set); the last worker to start wins.';

--------------------------------------------------------------------------------------------------------------------
-- Policy: an account default and a per-task override
--------------------------------------------------------------------------------------------------------------------

alter table app_public.accounts
  add column notify_on text not null default 'failure',
  add column notify_overdue boolean not null default true;
comment on column app_public.accounts.notify_on is
  'Default notification policy of the account''s tasks: never, failure (failed runs), always (every run''s end) or change (failed runs and answers that differ from the previous completed run).';
comment on column app_public.accounts.notify_overdue is 'Default of the account''s tasks: tell when a run has not started within the overdue bound of its due time.';
grant update (notify_on, notify_overdue) on app_public.accounts to :DATABASE_VISITOR;

alter table app_public.scheduled_tasks
  add column notify_on text,
  add column notify_overdue boolean,
  add column failure_threshold integer,
  add column run_memory boolean not null default false;
comment on column app_public.scheduled_tasks.notify_on is
  'Notification policy of this task: never, failure, always or change; null = the account''s notifyOn.';
comment on column app_public.scheduled_tasks.notify_overdue is 'Overdue alerts for this task; null = the account''s notifyOverdue.';
comment on column app_public.scheduled_tasks.failure_threshold is
  'Circuit breaker: pause the task after this many consecutive failed runs (0 = never); null = the service default (NOTIFY_FAILURE_THRESHOLD, 3).';
comment on column app_public.scheduled_tasks.run_memory is
  'Run memory: the agent receives the previous completed run''s answer as context ("Last run, at …, you reported: …").';
grant update (notify_on, notify_overdue, failure_threshold, run_memory) on app_public.scheduled_tasks to :DATABASE_VISITOR;

create function app_private.tg__check_notification_policy() returns trigger
  language plpgsql set search_path to pg_catalog, public, pg_temp as $$
begin
  if new.notify_on is not null and new.notify_on not in ('never', 'failure', 'always', 'change') then
    perform app_hidden.raise_error('ST003', format('notify_on: must be never, failure, always or change, got "%s"', left(new.notify_on, 40)));
  end if;
  if tg_table_name = 'scheduled_tasks' then
    -- (a record field is resolved when the expression is planned: only read it for scheduled_tasks)
    if (to_jsonb(new) ->> 'failure_threshold')::int not between 0 and 1000 then
      perform app_hidden.raise_error('ST003', format('failure_threshold: must be between 0 (never pause) and 1000, got %s', to_jsonb(new) ->> 'failure_threshold'));
    end if;
  end if;
  return new;
end;
$$;
comment on function app_private.tg__check_notification_policy() is 'Refuses an unknown notify_on or an out-of-range failure_threshold (ST003, naming the field).';
create trigger _060_check_notification_policy before insert or update of notify_on on app_public.accounts
  for each row execute function app_private.tg__check_notification_policy();
create trigger _060_check_notification_policy before insert or update of notify_on, failure_threshold on app_public.scheduled_tasks
  for each row execute function app_private.tg__check_notification_policy();

create function app_public.scheduled_tasks_effective_notify_on(t app_public.scheduled_tasks) returns text
  language sql stable security invoker set search_path to pg_catalog, public, pg_temp as $$
  select coalesce(t.notify_on, (select a.notify_on from app_public.accounts a where a.id = t.account_id), 'failure');
$$;
comment on function app_public.scheduled_tasks_effective_notify_on(app_public.scheduled_tasks) is 'The policy that applies: notifyOn, else the account''s.';
grant execute on function app_public.scheduled_tasks_effective_notify_on(app_public.scheduled_tasks) to :DATABASE_VISITOR;

--------------------------------------------------------------------------------------------------------------------
-- Run streaks (circuit breaker, refusals told once) and answer fingerprints (change detection)
--------------------------------------------------------------------------------------------------------------------

-- Kept apart from scheduled_tasks so that counting a run's end does not lock the task row (the run stage locks task,
-- then execution; the end of a run has the execution locked already). Only a tripped breaker touches the task.
-- For the same reason no table written at a run's end has a foreign key to scheduled_tasks: the key-share lock of
-- its check waits for a transaction holding the task FOR UPDATE (executeTask, pauseTask…), which may itself wait for
-- the ending execution (executeTask's insert meets it in the one-live-run index): a deadlock. Their rows go with
-- the task by the trigger _900_forget_notifications below.
create table app_private.task_run_streaks (
  task_id uuid primary key,
  consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  refusal_notified_at timestamptz
);
alter table app_private.task_run_streaks enable row level security;
comment on table app_private.task_run_streaks is
  'Per task: failed runs in a row (reset by a completed run and by resuming) and whether a refusal was already told.';

create function app_public.scheduled_tasks_consecutive_failures(t app_public.scheduled_tasks) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select coalesce((select s.consecutive_failures from app_private.task_run_streaks s
                    where s.task_id = t.task_id and app_private.can_see_account(t.account_id)), 0);
$$;
comment on function app_public.scheduled_tasks_consecutive_failures(app_public.scheduled_tasks) is
  'Failed runs in a row; at failureThreshold the task is paused (the circuit breaker). Reset by a completed run or by resuming.';
grant execute on function app_public.scheduled_tasks_consecutive_failures(app_public.scheduled_tasks) to :DATABASE_VISITOR;

create function app_private.tg_scheduled_tasks__forget_notifications() returns trigger
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  delete from app_private.task_run_streaks s where s.task_id = old.task_id;
  delete from app_private.notification_events e where e.task_id = old.task_id; -- its inbox rows and deliveries with it
  return null;
end;
$$;
comment on function app_private.tg_scheduled_tasks__forget_notifications() is
  'A deleted task takes its run streak, notifications and deliveries with it (what foreign keys would do; see task_run_streaks).';
create trigger _900_forget_notifications after delete on app_public.scheduled_tasks
  for each row execute function app_private.tg_scheduled_tasks__forget_notifications();

create function app_private.tg_scheduled_tasks__reset_run_streak() returns trigger
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  delete from app_private.task_run_streaks s where s.task_id = new.task_id;
  return null;
end;
$$;
comment on function app_private.tg_scheduled_tasks__reset_run_streak() is 'Resuming a paused task resets its failure count and its refusal notice.';
create trigger _620_reset_run_streak after update of status on app_public.scheduled_tasks
  for each row when (old.status = 'paused' and new.status <> 'paused')
  execute function app_private.tg_scheduled_tasks__reset_run_streak();

alter table app_public.task_executions add column answer_fingerprint text;
comment on column app_public.task_executions.answer_fingerprint is
  'SHA-256 of the completed run''s answer, normalised (case, whitespace): equal fingerprints = no material change.';
create index idx_task_executions_task_completed on app_public.task_executions (task_id, completed_at desc)
  where status = 'completed';

create function app_private.answer_fingerprint(answer text) returns text
  language sql immutable set search_path to pg_catalog, public, pg_temp as $$
  select case when answer is null then null
              else encode(sha256(convert_to(regexp_replace(lower(btrim(answer)), '\s+', ' ', 'g'), 'UTF8')), 'hex') end;
$$;
comment on function app_private.answer_fingerprint(text) is 'The normalised fingerprint of an answer: lower case, whitespace runs as one space, trimmed, SHA-256 hex.';

create function app_private.tg_task_executions__fingerprint() returns trigger
  language plpgsql set search_path to pg_catalog, public, pg_temp as $$
begin
  new.answer_fingerprint := app_private.answer_fingerprint(new.results ->> 'final_answer');
  return new;
end;
$$;
comment on function app_private.tg_task_executions__fingerprint() is 'Fingerprints the answer of a run as it completes.';
create trigger _150_fingerprint before insert or update of status, results on app_public.task_executions
  for each row when (new.status = 'completed')
  execute function app_private.tg_task_executions__fingerprint();

--------------------------------------------------------------------------------------------------------------------
-- The outbox and the inbox
--------------------------------------------------------------------------------------------------------------------

create table app_private.notification_events (
  event_id uuid primary key default gen_random_uuid(),
  account_id uuid not null references app_public.accounts (id) on delete cascade,
  task_id uuid,
  execution_id uuid,
  kind text not null,
  title text not null,
  summary text not null,
  diff text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
alter table app_private.notification_events enable row level security;
-- the hourly limit counts an account's events of the hour: an index-only scan of this partial index
create index notification_events_account_created on app_private.notification_events (account_id, created_at)
  where kind <> 'notifications.coalesced';
create index notification_events_task on app_private.notification_events (task_id);
create index notification_events_created on app_private.notification_events (created_at);
comment on table app_private.notification_events is
  'The outbox: one row per thing told to an account, written in the transaction that caused it; inbox rows, webhook deliveries and emails fan out from it.';

create table app_public.notifications (
  notification_id uuid primary key default gen_random_uuid(),
  account_id uuid not null references app_public.accounts (id) on delete cascade,
  user_id uuid not null references app_public.users (id) on delete cascade,
  event_id uuid not null references app_private.notification_events (event_id) on delete cascade,
  task_id uuid,
  execution_id uuid,
  kind text not null,
  title text not null,
  summary text not null,
  diff text,
  details jsonb not null default '{}'::jsonb,
  read_at timestamptz,
  emailed_at timestamptz,
  created_at timestamptz not null default now()
);
alter table app_public.notifications enable row level security;
create index notifications_user_created on app_public.notifications (user_id, created_at desc, notification_id desc);
create index notifications_user_unread on app_public.notifications (user_id) where read_at is null;
create index notifications_account on app_public.notifications (account_id);
create index notifications_event on app_public.notifications (event_id);
create index notifications_task on app_public.notifications (task_id);
create policy select_recipient on app_public.notifications for select
  using (user_id = (select app_hidden.current_user_id())
         and account_id = any (array(select app_hidden.current_user_account_ids())));
grant select on app_public.notifications to :DATABASE_VISITOR;
comment on table app_public.notifications is
  E'@behavior -insert -update -delete\nYour inbox: what your tasks told you (failed runs, answers, changes, pauses, overdue runs), newest first. Read-only; mark read with markNotificationRead / markAllNotificationsRead.';
comment on column app_public.notifications.kind is
  'run.failed, run.completed, run.changed, run.refused, run.overdue, task.paused, notifications.coalesced or endpoint.disabled.';
comment on column app_public.notifications.summary is 'Short: the status and the first lines of the answer or the error.';
comment on column app_public.notifications.diff is 'For run.changed: a short line diff against the previous completed run (filled in by the worker within seconds).';
comment on column app_public.notifications.execution_id is 'The execution it is about (the row may since have been removed by retention).';
comment on column app_public.notifications.read_at is E'@isIndexed\nWhen you marked it read; null = unread (condition: {readAt: null} lists the unread ones: the partial index notifications_user_unread serves it).';
comment on column app_public.notifications.emailed_at is 'When it was emailed to you (null: not emailed).';

create function app_public.mark_notification_read(notification_id uuid) returns app_public.notifications
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_row app_public.notifications;
begin
  update app_public.notifications n set read_at = coalesce(n.read_at, now())
   where n.notification_id = mark_notification_read.notification_id
     and n.user_id = app_hidden.current_user_id()
     and n.account_id in (select app_hidden.current_user_account_ids())
  returning * into v_row;
  if not found then
    perform app_hidden.raise_error('ST001', format('notification %s not found', notification_id));
  end if;
  return v_row;
end;
$$;
comment on function app_public.mark_notification_read(uuid) is 'Marks one of your notifications read (ST001 if it is not yours).';
grant execute on function app_public.mark_notification_read(uuid) to :DATABASE_VISITOR;

create function app_public.mark_all_notifications_read() returns integer
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_count integer;
begin
  if app_hidden.current_user_id() is null then
    perform app_hidden.raise_error('ST401', 'you must be signed in to read notifications');
  end if;
  update app_public.notifications n set read_at = now()
   where n.user_id = app_hidden.current_user_id() and n.read_at is null
     and n.account_id in (select app_hidden.current_user_account_ids());
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function app_public.mark_all_notifications_read() is 'Marks all your unread notifications read; returns how many.';
grant execute on function app_public.mark_all_notifications_read() to :DATABASE_VISITOR;

create function app_public.unread_notification_count() returns integer
  language sql stable security invoker set search_path to pg_catalog, public, pg_temp as $$
  select count(*)::int from app_public.notifications n
   where n.user_id = (select app_hidden.current_user_id()) and n.read_at is null;
$$;
comment on function app_public.unread_notification_count() is 'How many of your notifications are unread.';
grant execute on function app_public.unread_notification_count() to :DATABASE_VISITOR;

-- per-user email opt-out
alter table app_public.users add column email_notifications boolean not null default true;
comment on column app_public.users.email_notifications is 'Email me my notifications (when the service has email configured). Change with setEmailNotifications.';

create function app_public.set_email_notifications(enabled boolean) returns app_public.users
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_user app_public.users;
begin
  if enabled is null then
    perform app_hidden.raise_error('ST003', 'enabled: must be true or false');
  end if;
  update app_public.users u set email_notifications = set_email_notifications.enabled
   where u.id = app_hidden.current_user_id() returning * into v_user;
  if not found then
    perform app_hidden.raise_error('ST401', 'you must be signed in to change your email notifications');
  end if;
  return v_user;
end;
$$;
comment on function app_public.set_email_notifications(boolean) is 'Turns email notifications on or off for you (the inbox keeps everything).';
grant execute on function app_public.set_email_notifications(boolean) to :DATABASE_VISITOR;

--------------------------------------------------------------------------------------------------------------------
-- Outgoing webhooks
--------------------------------------------------------------------------------------------------------------------

create function app_private.webhook_event_types() returns text[]
  language sql immutable set search_path to pg_catalog, public, pg_temp as $$
  select array['run.failed', 'run.completed', 'run.changed', 'run.refused', 'run.overdue', 'task.paused', 'notifications.coalesced'];
$$;
comment on function app_private.webhook_event_types() is 'The event types an endpoint can subscribe to.';

create function app_hidden.new_webhook_secret() returns text
  language sql volatile set search_path to pg_catalog, public, pg_temp as $$
  -- 32 bytes from two random UUIDs (244 random bits), Standard Webhooks' whsec_<base64> form
  select 'whsec_' || encode(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), 'base64');
$$;
comment on function app_hidden.new_webhook_secret() is 'A new signing secret, whsec_<base64 of 32 bytes> (the default of webhook_endpoints.secret).';
grant execute on function app_hidden.new_webhook_secret() to :DATABASE_VISITOR;

create table app_public.webhook_endpoints (
  endpoint_id uuid primary key default gen_random_uuid(),
  account_id uuid not null default app_hidden.current_user_personal_account_id()
    references app_public.accounts (id) on delete cascade,
  url text not null,
  description text check (description is null or length(description) <= 500),
  secret text not null default app_hidden.new_webhook_secret(),
  event_types text[] not null default '{}',
  format text not null default 'standard',
  enabled boolean not null default true,
  disabled_reason text,
  consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table app_public.webhook_endpoints enable row level security;
create index webhook_endpoints_account on app_public.webhook_endpoints (account_id);

create function app_private.tg_webhook_endpoints__check() returns trigger
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_bad text;
begin
  if new.url is null or length(new.url) > 2000 or new.url !~ '^https?://[^/?#@\s]+([/?#]\S*)?$' then
    perform app_hidden.raise_error('ST003', 'url: must be an http:// or https:// URL without credentials, at most 2000 characters');
  end if;
  if new.format not in ('standard', 'slack') then
    perform app_hidden.raise_error('ST003', format('format: must be standard or slack, got "%s"', left(new.format, 40)));
  end if;
  select t into v_bad from unnest(new.event_types) t where not (t = any (app_private.webhook_event_types())) limit 1;
  if found then
    perform app_hidden.raise_error('ST003', format('event_types: "%s" is not one of %s (empty = all)', left(v_bad, 40),
      array_to_string(app_private.webhook_event_types(), ', ')));
  end if;
  if tg_op = 'UPDATE' and new.enabled and not old.enabled then
    new.consecutive_failures := 0;
    new.disabled_reason := null;
  end if;
  return new;
end;
$$;
comment on function app_private.tg_webhook_endpoints__check() is 'Checks url, format and event_types (ST003); re-enabling clears the failure count.';
create trigger _050_check before insert or update on app_public.webhook_endpoints
  for each row execute function app_private.tg_webhook_endpoints__check();
create trigger _100_timestamps before insert or update on app_public.webhook_endpoints
  for each row execute function app_private.tg__timestamps();
-- an update of an endpoint the visitor cannot see answers NOT_FOUND, as for the other tables (000012)
create trigger _001_visitor_update_begin before update on app_public.webhook_endpoints
  for each statement when (current_user = ':DATABASE_VISITOR') execute function app_private.tg__visitor_update_begin();
create trigger _990_visitor_update_count after update on app_public.webhook_endpoints
  for each row when (current_user = ':DATABASE_VISITOR') execute function app_private.tg__visitor_update_count();
create trigger _990_visitor_update_must_match after update on app_public.webhook_endpoints
  for each statement when (current_user = ':DATABASE_VISITOR') execute function app_private.tg__visitor_update_must_match();

create policy select_member on app_public.webhook_endpoints for select
  using (account_id = any (array(select app_hidden.current_user_account_ids())));
create policy insert_member on app_public.webhook_endpoints for insert
  with check (account_id = any (array(select app_hidden.current_user_account_ids())));
create policy update_member on app_public.webhook_endpoints for update
  using (account_id = any (array(select app_hidden.current_user_account_ids())))
  with check (account_id = any (array(select app_hidden.current_user_account_ids())));
create policy delete_member on app_public.webhook_endpoints for delete
  using (account_id = any (array(select app_hidden.current_user_account_ids())));
grant select, delete on app_public.webhook_endpoints to :DATABASE_VISITOR;
grant insert (account_id, url, description, event_types, format, enabled) on app_public.webhook_endpoints to :DATABASE_VISITOR;
grant update (url, description, event_types, format, enabled) on app_public.webhook_endpoints to :DATABASE_VISITOR;
comment on table app_public.webhook_endpoints is
  'Where an account''s notifications are POSTed, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) with secret.';
comment on column app_public.webhook_endpoints.secret is 'The signing secret (whsec_…): verify webhook-signature with it. New one: rotateWebhookSecret.';
comment on column app_public.webhook_endpoints.event_types is
  'Event types to send (run.failed, run.completed, run.changed, run.refused, run.overdue, task.paused, notifications.coalesced); empty = all.';
comment on column app_public.webhook_endpoints.format is 'standard (JSON {type, timestamp, data}) or slack (a Slack incoming-webhook body {text}).';
comment on column app_public.webhook_endpoints.enabled is 'Deliveries are made only while enabled; turned off automatically after WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row.';
comment on column app_public.webhook_endpoints.disabled_reason is 'Why it was turned off automatically (cleared when re-enabled).';
comment on column app_public.webhook_endpoints.consecutive_failures is 'Failed delivery attempts in a row.';

create function app_public.rotate_webhook_secret(endpoint_id uuid) returns app_public.webhook_endpoints
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_row app_public.webhook_endpoints;
begin
  update app_public.webhook_endpoints w set secret = app_hidden.new_webhook_secret()
   where w.endpoint_id = rotate_webhook_secret.endpoint_id and app_private.can_see_account(w.account_id)
  returning * into v_row;
  if not found then
    perform app_hidden.raise_error('ST001', format('webhook endpoint %s not found', endpoint_id));
  end if;
  return v_row;
end;
$$;
comment on function app_public.rotate_webhook_secret(uuid) is 'Replaces an endpoint''s signing secret; deliveries from now on are signed with the new one.';
grant execute on function app_public.rotate_webhook_secret(uuid) to :DATABASE_VISITOR;

create table app_public.webhook_deliveries (
  delivery_id uuid primary key default gen_random_uuid(),
  account_id uuid not null references app_public.accounts (id) on delete cascade,
  endpoint_id uuid not null references app_public.webhook_endpoints (endpoint_id) on delete cascade,
  event_id uuid not null references app_private.notification_events (event_id) on delete cascade,
  event_type text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed', 'skipped')),
  attempts integer not null default 0 check (attempts >= 0),
  last_status_code integer,
  last_error text,
  next_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table app_public.webhook_deliveries enable row level security;
create index webhook_deliveries_account_created on app_public.webhook_deliveries (account_id, created_at desc);
create index webhook_deliveries_endpoint_created on app_public.webhook_deliveries (endpoint_id, created_at desc);
create index webhook_deliveries_event on app_public.webhook_deliveries (event_id);
create trigger _100_timestamps before insert or update on app_public.webhook_deliveries
  for each row execute function app_private.tg__timestamps();
create policy select_member on app_public.webhook_deliveries for select
  using (account_id = any (array(select app_hidden.current_user_account_ids())));
grant select on app_public.webhook_deliveries to :DATABASE_VISITOR;
comment on table app_public.webhook_deliveries is
  E'@behavior -insert -update -delete\nThe delivery log: one row per event and endpoint, with its attempts, last response code or error and next try. Read-only.';
comment on column app_public.webhook_deliveries.status is 'pending (trying; see nextAttemptAt), delivered (2xx), failed (gave up) or skipped (endpoint disabled meanwhile).';
comment on column app_public.webhook_deliveries.delivery_id is 'Also the webhook-id header: receivers de-duplicate on it.';

--------------------------------------------------------------------------------------------------------------------
-- Emitting: rate limit and coalescing, outbox, inbox, fan-out
--------------------------------------------------------------------------------------------------------------------

-- Rate limit without a counter row: the account's events of the clock hour are counted through their index, and
-- what is held back is inserted (never updated). A per-account counter row made two run-stage batches that end runs of
-- the same accounts in different orders wait on each other (a deadlock), and serialised an account's run ends.
-- Concurrent run ends may overshoot the limit by the number of transactions in flight: a bound, not an exact quota.
create table app_private.notification_holdbacks (
  account_id uuid not null references app_public.accounts (id) on delete cascade,
  window_start timestamptz not null,
  kind text not null,
  created_at timestamptz not null default now()
);
alter table app_private.notification_holdbacks enable row level security;
create index notification_holdbacks_window on app_private.notification_holdbacks (window_start, account_id);
create index notification_holdbacks_account on app_private.notification_holdbacks (account_id, window_start);
comment on table app_private.notification_holdbacks is
  'Notifications held back beyond notification_settings.max_per_hour in an account''s clock hour; told as one digest when the hour ends.';

create table app_private.notification_digests (
  account_id uuid not null references app_public.accounts (id) on delete cascade,
  window_start timestamptz not null,
  event_id uuid,
  created_at timestamptz not null default now(),
  primary key (account_id, window_start)
);
alter table app_private.notification_digests enable row level security;
create index notification_digests_created on app_private.notification_digests (created_at);
comment on table app_private.notification_digests is 'The digests already told (one per account and hour).';

-- Fans an event out to webhooks and email (the inbox rows are written by emit_notification itself).
create function app_private.enqueue_notification_deliveries(event_id uuid) returns void
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_event app_private.notification_events;
  v_jobs integer;
begin
  select * into v_event from app_private.notification_events e where e.event_id = enqueue_notification_deliveries.event_id;
  if not found then
    return;
  end if;
  if v_event.kind = any (app_private.webhook_event_types()) then
    with inserted as (
      insert into app_public.webhook_deliveries (account_id, endpoint_id, event_id, event_type, next_attempt_at)
      select v_event.account_id, w.endpoint_id, v_event.event_id, v_event.kind, now()
        from app_public.webhook_endpoints w
       where w.account_id = v_event.account_id and w.enabled
         and (cardinality(w.event_types) = 0 or v_event.kind = any (w.event_types))
      returning delivery_id
    )
    select count(graphile_worker.add_job('deliver_webhook', json_build_object('delivery_id', i.delivery_id),
                                         job_key := 'deliver_webhook:' || i.delivery_id, max_attempts := 3))
      into v_jobs from inserted i;
  end if;
  if (select s.email_enabled from app_private.notification_settings s) then
    perform graphile_worker.add_job('send_notification_email', json_build_object('notification_id', n.notification_id),
                                    job_key := 'send_notification_email:' || n.notification_id, max_attempts := 5)
       from app_public.notifications n join app_public.users u on u.id = n.user_id
      where n.event_id = v_event.event_id and u.email is not null and u.email_notifications;
  end if;
end;
$$;
comment on function app_private.enqueue_notification_deliveries(uuid) is
  'One webhook delivery (job deliver_webhook) per enabled endpoint of the account that wants the event, one email job per member who wants email.';

create function app_private.emit_notification(
  account_id uuid, task_id uuid, execution_id uuid, kind text, title text, summary text,
  details jsonb default '{}'::jsonb, bypass_limit boolean default false, needs_diff boolean default false
) returns uuid
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_variable
declare
  v_window timestamptz := date_trunc('hour', now());
  v_sent integer;
  v_max integer;
  v_event_id uuid;
begin
  if not bypass_limit then
    v_max := (select st.max_per_hour from app_private.notification_settings st);
    select count(*) into v_sent from (
      select 1 from app_private.notification_events e
       where e.account_id = emit_notification.account_id and e.created_at >= v_window and e.kind <> 'notifications.coalesced'
       limit v_max) recent;
    if v_sent >= v_max then
      insert into app_private.notification_holdbacks (account_id, window_start, kind) values (emit_notification.account_id, v_window, kind);
      return null;
    end if;
  end if;
  insert into app_private.notification_events (account_id, task_id, execution_id, kind, title, summary, details)
  values (emit_notification.account_id, emit_notification.task_id, emit_notification.execution_id, kind,
          left(title, 300), left(summary, 1000), coalesce(details, '{}'::jsonb))
  returning notification_events.event_id into v_event_id;
  with inbox as (
    insert into app_public.notifications (account_id, user_id, event_id, task_id, execution_id, kind, title, summary, details)
    select emit_notification.account_id, m.user_id, v_event_id, emit_notification.task_id, emit_notification.execution_id, kind,
           left(title, 300), left(summary, 1000), coalesce(details, '{}'::jsonb) - 'answer' - 'previous_answer'
      from app_public.account_memberships m where m.account_id = emit_notification.account_id
    returning notifications.notification_id, notifications.user_id
  )
  select count(pg_notify('graphql:notifications:' || i.user_id,
                         json_build_object('event', 'notification_added', 'notification_id', i.notification_id)::text))
    into v_sent from inbox i;
  if needs_diff then
    -- the worker writes the diff (the diff package), then fans out, so that webhooks and emails carry it
    perform graphile_worker.add_job('notification_diff', json_build_object('event_id', v_event_id),
                                    job_key := 'notification_diff:' || v_event_id, max_attempts := 5);
  else
    perform app_private.enqueue_notification_deliveries(v_event_id);
  end if;
  return v_event_id;
end;
$$;
comment on function app_private.emit_notification(uuid, uuid, uuid, text, text, text, jsonb, boolean, boolean) is
  'Tells an account something: beyond notification_settings.max_per_hour in the clock hour it is held back for that hour''s digest (null returned); '
  'else the outbox event, an inbox row per member (NOTIFY graphql:notifications:<user>), then webhooks and emails. Returns the event id.';

create function app_private.complete_notification_diff(event_id uuid, diff text) returns void
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  update app_private.notification_events e set diff = left(complete_notification_diff.diff, 4000)
   where e.event_id = complete_notification_diff.event_id;
  if not found then
    return;
  end if;
  update app_public.notifications n set diff = left(complete_notification_diff.diff, 4000)
   where n.event_id = complete_notification_diff.event_id;
  perform app_private.enqueue_notification_deliveries(complete_notification_diff.event_id);
end;
$$;
comment on function app_private.complete_notification_diff(uuid, text) is 'Stores the diff of a run.changed event (outbox and inbox), then fans it out.';

create function app_private.publish_digest(account_id uuid, window_start timestamptz) returns uuid
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_count integer;
  v_told integer;
  v_kinds jsonb;
  v_parts text;
  v_event_id uuid;
begin
  insert into app_private.notification_digests (account_id, window_start)
  values (publish_digest.account_id, publish_digest.window_start) on conflict do nothing;
  if not found then
    return null; -- told already
  end if;
  select jsonb_object_agg(k.kind, k.n), string_agg(format('%s %s', k.n, k.kind), ', ' order by k.n desc, k.kind)
    into v_kinds, v_parts
    from (select h.kind, count(*)::int as n from app_private.notification_holdbacks h
           where h.account_id = publish_digest.account_id and h.window_start = publish_digest.window_start group by h.kind) k;
  select coalesce(sum(k.n), 0)::int into v_count
    from (select count(*)::int as n from app_private.notification_holdbacks h
           where h.account_id = publish_digest.account_id and h.window_start = publish_digest.window_start) k;
  if v_count = 0 then
    return null;
  end if;
  select count(*)::int into v_told from app_private.notification_events e
   where e.account_id = publish_digest.account_id and e.created_at >= publish_digest.window_start
     and e.created_at < publish_digest.window_start + interval '1 hour' and e.kind <> 'notifications.coalesced';
  v_event_id := app_private.emit_notification(publish_digest.account_id, null, null, 'notifications.coalesced',
    format('%s more notifications in the hour from %s UTC', v_count, to_char(publish_digest.window_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI')),
    format('Held back to avoid a flood (%s told that hour): %s.', v_told, v_parts),
    jsonb_build_object('window_start', publish_digest.window_start, 'count', v_count, 'kinds', v_kinds),
    bypass_limit := true);
  update app_private.notification_digests d set event_id = v_event_id
   where d.account_id = publish_digest.account_id and d.window_start = publish_digest.window_start;
  return v_event_id;
end;
$$;
comment on function app_private.publish_digest(uuid, timestamptz) is
  'Tells, once, what was held back in an account''s hour: "12 more notifications …: 12 run.failed".';

create function app_private.publish_due_digests(now_at timestamptz default now()) returns table (digests integer, coalesced integer)
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  r record;
begin
  digests := 0;
  coalesced := 0;
  for r in
    select h.account_id, h.window_start, count(*)::int as n from app_private.notification_holdbacks h
     where h.window_start <= now_at - interval '1 hour'
       and not exists (select 1 from app_private.notification_digests d where d.account_id = h.account_id and d.window_start = h.window_start)
     group by 1, 2
  loop
    if app_private.publish_digest(r.account_id, r.window_start) is not null then
      digests := digests + 1;
      coalesced := coalesced + r.n;
    end if;
  end loop;
  return next;
end;
$$;
comment on function app_private.publish_due_digests(timestamptz) is
  'Tells the digest of every account hour that ended with notifications held back (the notification_digest job, every minute).';

--------------------------------------------------------------------------------------------------------------------
-- The execution's end
--------------------------------------------------------------------------------------------------------------------

create function app_private.notification_excerpt(body text, max_chars integer default 280) returns text
  language sql immutable set search_path to pg_catalog, public, pg_temp as $$
  -- the first three non-empty lines, at most max_chars characters
  select case when body is null or btrim(body) = '' then ''
    else left(array_to_string((array(select l from regexp_split_to_table(btrim(body), '\s*\n\s*') l where l <> '' limit 3)), ' / '), max_chars)
         || case when length(body) > max_chars then '…' else '' end end;
$$;
comment on function app_private.notification_excerpt(text, integer) is 'The first lines of an answer or error, for a notification''s summary.';

create function app_private.tg_task_executions__notify_run_end() returns trigger
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks;
  v_policy text;
  v_settings app_private.notification_settings;
  v_refused boolean;
  v_streak app_private.task_run_streaks;
  v_threshold integer;
  v_previous app_public.task_executions;
  v_answer text := new.results ->> 'final_answer';
  v_reason text;
  v_details jsonb;
begin
  select * into v_task from app_public.scheduled_tasks t where t.task_id = new.task_id;
  if not found then
    return null;
  end if;
  v_policy := coalesce(v_task.notify_on, (select a.notify_on from app_public.accounts a where a.id = v_task.account_id), 'failure');
  select * into v_settings from app_private.notification_settings;
  v_refused := coalesce((new.results ->> 'refused')::boolean, false)
    or (new.status = 'cancelled' and coalesce((new.results ->> 'skipped')::boolean, false) and new.results ->> 'reason' like 'the plan%')
    -- the review gate: a run of a task whose prompt is flagged (start_execution, _610_flag_cancels_pending)
    or (new.status = 'cancelled' and new.error_message like 'cancelled: the task''s prompt %review%');
  v_details := jsonb_build_object('status', new.status, 'task_name', v_task.name, 'trigger', new.trigger_type,
    'scheduled_for', new.scheduled_for, 'started_at', new.started_at, 'completed_at', new.completed_at,
    'thread_id', new.thread_id, 'error', left(new.error_message, 1000));

  if new.status = 'completed' then
    if exists (select 1 from app_private.task_run_streaks s where s.task_id = new.task_id) then
      delete from app_private.task_run_streaks s where s.task_id = new.task_id;
    end if;
    if v_policy = 'always' then
      perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'run.completed',
        format('“%s” completed', left(v_task.name, 200)), 'Completed: ' || app_private.notification_excerpt(v_answer),
        v_details || jsonb_build_object('answer', left(v_answer, 4000)));
    elsif v_policy = 'change' then
      select * into v_previous from app_public.task_executions e
       where e.task_id = new.task_id and e.status = 'completed' and e.execution_id <> new.execution_id
         and e.completed_at <= coalesce(new.completed_at, now())
       order by e.completed_at desc limit 1;
      if not found or v_previous.answer_fingerprint is distinct from new.answer_fingerprint then
        perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'run.changed',
          format('“%s”: the answer changed', left(v_task.name, 200)),
          case when v_previous.execution_id is null then 'First answer: ' else 'Changed: ' end || app_private.notification_excerpt(v_answer),
          v_details || jsonb_build_object('answer', left(v_answer, 20000), 'previous_answer', left(v_previous.results ->> 'final_answer', 20000),
                                          'previous_execution_id', v_previous.execution_id, 'previous_completed_at', v_previous.completed_at),
          needs_diff := v_previous.execution_id is not null);
      end if;
    end if;
  elsif v_refused then
    -- told once, until a run completes or the task is resumed
    insert into app_private.task_run_streaks as s (task_id, refusal_notified_at) values (new.task_id, now())
    on conflict (task_id) do update set refusal_notified_at = now() where s.refusal_notified_at is null
    returning * into v_streak;
    if found and v_policy <> 'never' then
      v_reason := coalesce(new.results ->> 'reason', new.error_message, 'refused');
      perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'run.refused',
        format('“%s” was not run', left(v_task.name, 200)),
        'Refused: ' || app_private.notification_excerpt(v_reason) || ' (told once; later refusals are not repeated until a run completes)',
        v_details || jsonb_build_object('reason', left(v_reason, 1000)));
    end if;
  elsif new.status not in ('cancelled', 'skipped') then
    -- failed (and any other terminal status a run stage may add, e.g. timed out): a failure
    insert into app_private.task_run_streaks as s (task_id, consecutive_failures) values (new.task_id, 1)
    on conflict (task_id) do update set consecutive_failures = s.consecutive_failures + 1
    returning * into v_streak;
    if v_policy <> 'never' then
      perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'run.failed',
        format('“%s” failed', left(v_task.name, 200)),
        'Failed: ' || app_private.notification_excerpt(coalesce(new.error_message, 'no error message')),
        v_details || jsonb_build_object('consecutive_failures', v_streak.consecutive_failures));
    end if;
    v_threshold := coalesce(v_task.failure_threshold, v_settings.failure_threshold);
    -- The run stage locks a task before its executions; here the execution is locked already, so never wait for the
    -- task row (a deadlock with e.g. cancelExecution): if someone holds it, the breaker trips at the next failure.
    if v_threshold > 0 and v_streak.consecutive_failures >= v_threshold and v_task.status = 'active'
       and exists (select 1 from app_public.scheduled_tasks t where t.task_id = v_task.task_id and t.status = 'active'
                   for no key update skip locked) then
      v_reason := left(format('paused by the circuit breaker after %s failed runs in a row (last error: %s); resume the task to try again',
                              v_streak.consecutive_failures, app_private.notification_excerpt(new.error_message, 200)), 2000);
      perform app_private.cancel_pending_scheduled(v_task.task_id, 'task paused by the circuit breaker');
      update app_public.scheduled_tasks t
         set status = 'paused', next_execution_at = null, paused_reason = v_reason,
             metadata = t.metadata || jsonb_build_object('paused_by_circuit_breaker', now())
       where t.task_id = v_task.task_id and t.status = 'active';
      if found then
        perform app_private.emit_notification(v_task.account_id, v_task.task_id, new.execution_id, 'task.paused',
          format('“%s” was paused', left(v_task.name, 200)), v_reason,
          v_details || jsonb_build_object('consecutive_failures', v_streak.consecutive_failures, 'threshold', v_threshold),
          bypass_limit := true);
      end if;
    end if;
  end if;
  return null;
end;
$$;
comment on function app_private.tg_task_executions__notify_run_end() is
  'At the end of a run (status leaving pending/running, or a run inserted already ended): keeps the run streak (circuit breaker: pause at the '
  'failure threshold; refusals told once) and tells the account what its policy asks for (app_private.emit_notification).';
create trigger _700_notify_run_end after update of status on app_public.task_executions
  for each row when (old.status in ('pending', 'running') and new.status not in ('pending', 'running'))
  execute function app_private.tg_task_executions__notify_run_end();
create trigger _700_notify_run_end_insert after insert on app_public.task_executions
  for each row when (new.status = 'cancelled' and new.results ? 'skipped')
  execute function app_private.tg_task_executions__notify_run_end();

--------------------------------------------------------------------------------------------------------------------
-- Run memory (called by the run stage)
--------------------------------------------------------------------------------------------------------------------

create function app_private.run_memory_for_execution(execution_id uuid, max_chars integer default 4000) returns text
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select format('Last run, at %s, you reported: %s',
                to_char(p.completed_at at time zone t.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || t.timezone,
                left(p.results ->> 'final_answer', max_chars)
                  || case when length(p.results ->> 'final_answer') > max_chars then ' […]' else '' end)
    from app_public.task_executions e
    join app_public.scheduled_tasks t on t.task_id = e.task_id and t.run_memory
    cross join lateral (
      select p.* from app_public.task_executions p
       where p.task_id = e.task_id and p.status = 'completed' and p.execution_id <> e.execution_id
         and p.completed_at <= coalesce(e.started_at, 'infinity') and coalesce(p.results ->> 'final_answer', '') <> ''
       order by p.completed_at desc limit 1) p
   where e.execution_id = run_memory_for_execution.execution_id;
$$;
comment on function app_private.run_memory_for_execution(uuid, integer) is
  'The run-memory context of an execution whose task has run_memory on: "Last run, at <time in the task''s zone>, you reported: <answer>" '
  '(at most max_chars of it), from the previous completed run; null when off or when there is none. The run stage gives it to the agent.';

--------------------------------------------------------------------------------------------------------------------
-- Overdue alerts (the check_overdue_runs job, every minute)
--------------------------------------------------------------------------------------------------------------------

create table app_private.overdue_alerts (
  task_id uuid not null references app_public.scheduled_tasks (task_id) on delete cascade,
  due_at timestamptz not null,
  execution_id uuid,
  created_at timestamptz not null default now(),
  primary key (task_id, due_at)
);
alter table app_private.overdue_alerts enable row level security;
create index overdue_alerts_created on app_private.overdue_alerts (created_at);
comment on table app_private.overdue_alerts is 'Occurrences already told as overdue (each is told once).';

create function app_private.alert_overdue_runs(now_at timestamptz default now()) returns integer
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_bound interval := (select s.overdue_after from app_private.notification_settings s);
  v_count integer := 0;
  r record;
begin
  for r in
    with late as (
      -- an execution due but not started
      select e.task_id, coalesce(e.scheduled_for, e.created_at) as due_at, e.execution_id, e.wait_reason
        from app_public.task_executions e
       where e.status = 'pending' and coalesce(e.scheduled_for, e.created_at) < now_at - v_bound
      union all
      -- an occurrence not even dispatched (no worker ran the scheduler)
      select t.task_id, t.next_execution_at, null::uuid, 'not dispatched: no worker ran the scheduler'
        from app_public.scheduled_tasks t
       where t.status = 'active' and t.next_execution_at < now_at - v_bound
    ), fresh as (
      insert into app_private.overdue_alerts (task_id, due_at, execution_id)
      select l.task_id, l.due_at, l.execution_id from late l
        join app_public.scheduled_tasks t on t.task_id = l.task_id
        join app_public.accounts a on a.id = t.account_id
       where coalesce(t.notify_overdue, a.notify_overdue)
      on conflict do nothing
      returning task_id, due_at, execution_id
    )
    select f.*, l.wait_reason, t.account_id, t.name, t.timezone
      from fresh f join late l on l.task_id = f.task_id and l.due_at = f.due_at
      join app_public.scheduled_tasks t on t.task_id = f.task_id
  loop
    perform app_private.emit_notification(r.account_id, r.task_id, r.execution_id, 'run.overdue',
      format('“%s” is overdue', left(r.name, 200)),
      format('Due at %s and not started after %s%s', to_char(r.due_at at time zone r.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || r.timezone,
             to_char(now_at - r.due_at, 'HH24:MI:SS'), coalesce(' — ' || r.wait_reason, '')),
      jsonb_build_object('due_at', r.due_at, 'wait_reason', r.wait_reason, 'overdue_after_seconds', extract(epoch from v_bound)));
    v_count := v_count + 1;
  end loop;
  delete from app_private.overdue_alerts o where o.created_at < now_at - interval '7 days';
  return v_count;
end;
$$;
comment on function app_private.alert_overdue_runs(timestamptz) is
  'Tells, once per occurrence, of runs not started within notification_settings.overdue_after of their due time (tasks with overdue alerts on). Returns how many.';

--------------------------------------------------------------------------------------------------------------------
-- What the delivery jobs read and write
--------------------------------------------------------------------------------------------------------------------

create function app_private.webhook_delivery_to_attempt(delivery_id uuid) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_delivery app_public.webhook_deliveries;
  v_endpoint app_public.webhook_endpoints;
  v_event app_private.notification_events;
begin
  select * into v_delivery from app_public.webhook_deliveries d where d.delivery_id = webhook_delivery_to_attempt.delivery_id for update;
  if not found or v_delivery.status <> 'pending' then
    return null;
  end if;
  select * into v_endpoint from app_public.webhook_endpoints w where w.endpoint_id = v_delivery.endpoint_id;
  if not v_endpoint.enabled then
    update app_public.webhook_deliveries d set status = 'skipped', next_attempt_at = null,
           last_error = 'endpoint disabled: ' || coalesce(v_endpoint.disabled_reason, 'by its account')
     where d.delivery_id = v_delivery.delivery_id;
    return null;
  end if;
  select * into v_event from app_private.notification_events e where e.event_id = v_delivery.event_id;
  return jsonb_build_object(
    'delivery_id', v_delivery.delivery_id, 'attempts', v_delivery.attempts,
    'url', v_endpoint.url, 'secret', v_endpoint.secret, 'format', v_endpoint.format,
    'type', v_event.kind, 'created_at', v_event.created_at,
    'data', jsonb_build_object('event_id', v_event.event_id, 'account_id', v_event.account_id, 'task_id', v_event.task_id,
                               'execution_id', v_event.execution_id, 'title', v_event.title, 'summary', v_event.summary,
                               'diff', v_event.diff) || (v_event.details - 'previous_answer'));
end;
$$;
comment on function app_private.webhook_delivery_to_attempt(uuid) is
  'What deliver_webhook sends (endpoint, secret, event), or null when the delivery is no longer pending (an endpoint disabled meanwhile marks it skipped).';

create function app_private.record_webhook_attempt(
  delivery_id uuid, ok boolean, status_code integer, error text, retryable boolean,
  max_attempts integer, retry_base_ms integer, disable_after integer
) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_delivery app_public.webhook_deliveries;
  v_endpoint app_public.webhook_endpoints;
  v_next timestamptz;
  v_disabled boolean := false;
begin
  select * into v_delivery from app_public.webhook_deliveries d where d.delivery_id = record_webhook_attempt.delivery_id for update;
  if not found then
    return null;
  end if;
  if ok then
    update app_public.webhook_deliveries d
       set status = 'delivered', attempts = d.attempts + 1, last_status_code = status_code, last_error = null,
           next_attempt_at = null, delivered_at = now()
     where d.delivery_id = v_delivery.delivery_id returning * into v_delivery;
    update app_public.webhook_endpoints w set consecutive_failures = 0
     where w.endpoint_id = v_delivery.endpoint_id and w.consecutive_failures <> 0;
    return jsonb_build_object('status', 'delivered');
  end if;
  if retryable and v_delivery.attempts + 1 < max_attempts then
    -- exponential back-off: base, 2×base, 4×base … at most 6 hours, with up to 10 % jitter
    v_next := now() + least(make_interval(secs => retry_base_ms / 1000.0 * power(2, v_delivery.attempts) * (1 + random() * 0.1)), interval '6 hours');
  end if;
  update app_public.webhook_deliveries d
     set status = case when v_next is null then 'failed' else 'pending' end, attempts = d.attempts + 1,
         last_status_code = status_code, last_error = left(error, 1000), next_attempt_at = v_next
   where d.delivery_id = v_delivery.delivery_id returning * into v_delivery;
  if v_next is not null then
    perform graphile_worker.add_job('deliver_webhook', json_build_object('delivery_id', v_delivery.delivery_id),
                                    run_at := v_next, job_key := 'deliver_webhook:' || v_delivery.delivery_id, max_attempts := 3);
  end if;
  update app_public.webhook_endpoints w set consecutive_failures = w.consecutive_failures + 1
   where w.endpoint_id = v_delivery.endpoint_id returning * into v_endpoint;
  if v_endpoint.enabled and v_endpoint.consecutive_failures >= disable_after then
    update app_public.webhook_endpoints w
       set enabled = false,
           disabled_reason = format('turned off after %s failed delivery attempts in a row (last: %s)', w.consecutive_failures, left(error, 300))
     where w.endpoint_id = v_endpoint.endpoint_id returning * into v_endpoint;
    v_disabled := true;
    perform app_private.emit_notification(v_endpoint.account_id, null, null, 'endpoint.disabled',
      'A webhook endpoint was turned off', format('%s: %s. Fix the receiver, then set enabled to true.', left(v_endpoint.url, 200), v_endpoint.disabled_reason),
      jsonb_build_object('endpoint_id', v_endpoint.endpoint_id, 'url', v_endpoint.url), bypass_limit := true);
  end if;
  return jsonb_build_object('status', v_delivery.status, 'next_attempt_at', v_next, 'endpoint_disabled', v_disabled);
end;
$$;
comment on function app_private.record_webhook_attempt(uuid, boolean, integer, text, boolean, integer, integer, integer) is
  'Writes one delivery attempt to the log; schedules the next try with exponential back-off (a new deliver_webhook job) or gives up; '
  'turns the endpoint off after disable_after failed attempts in a row, telling the account (endpoint.disabled).';

create function app_private.notification_email(notification_id uuid) returns jsonb
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select jsonb_build_object('notification_id', n.notification_id, 'to', u.email, 'kind', n.kind, 'title', n.title,
                            'summary', n.summary, 'diff', n.diff, 'created_at', n.created_at, 'task_id', n.task_id,
                            'execution_id', n.execution_id, 'task_name', n.details ->> 'task_name', 'account_name', a.name)
    from app_public.notifications n
    join app_public.users u on u.id = n.user_id
    join app_public.accounts a on a.id = n.account_id
   where n.notification_id = notification_email.notification_id and n.emailed_at is null
     and u.email is not null and u.email_notifications;
$$;
comment on function app_private.notification_email(uuid) is 'What send_notification_email sends; null when already sent, or the user has no email or opted out.';

create function app_private.record_notification_email(notification_id uuid) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  update app_public.notifications n set emailed_at = now() where n.notification_id = record_notification_email.notification_id;
$$;
comment on function app_private.record_notification_email(uuid) is 'Marks a notification emailed.';

create function app_private.notification_diff_input(event_id uuid) returns jsonb
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select jsonb_build_object('previous', e.details ->> 'previous_answer', 'current', e.details ->> 'answer')
    from app_private.notification_events e where e.event_id = notification_diff_input.event_id;
$$;
comment on function app_private.notification_diff_input(uuid) is 'The two answers a run.changed event compares.';

-- retention: the outbox and inbox go with the executions' retention
create function app_private.cleanup_notifications(now_at timestamptz default now()) returns integer
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_keep interval := (select r.executions from app_private.retention_settings r);
  v_count integer;
begin
  delete from app_private.notification_events e where e.created_at < now_at - v_keep;
  get diagnostics v_count = row_count;
  delete from app_private.notification_holdbacks h where h.window_start < now_at - interval '2 days'
     and exists (select 1 from app_private.notification_digests d where d.account_id = h.account_id and d.window_start = h.window_start);
  delete from app_private.notification_digests d where d.window_start < now_at - v_keep;
  return v_count;
end;
$$;
comment on function app_private.cleanup_notifications(timestamptz) is
  'Deletes notification events (and with them inbox rows and deliveries) older than retention_settings.executions.';
