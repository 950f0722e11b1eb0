--! Previous: sha1:5ccb369fc941af588f130a5d6232a3438e0e3731
--! Hash: sha1:e1175c1c3465ec4868c3e029ffe922c0b7a5c3e9
--! Message: Schedules in words

-- Schedules in words (docs/schedules.md):
-- 1. scheduled_tasks.suggested_schedule: the schedule the exported conversation asks for, proposed by
--    prompt generation (the grammar over the user's messages; the model when the grammar cannot read
--    them), with the words it came from. Never applied on its own: the user confirms it with scheduleTask.
-- 2. Reading a schedule with the model (parseSchedule's fallback) is metered and rate limited like
--    prompt generation: the caller's token allowance (ST010), the provider's shared limits, and the
--    plan's prompt_generations_per_hour, counted separately for schedule readings (ST013); every call
--    is recorded in the model_usage ledger as kind 'schedule'.

--------------------------------------------------------------------------------
-- scheduled_tasks.suggested_schedule
--------------------------------------------------------------------------------

alter table app_public.scheduled_tasks
  add column suggested_schedule jsonb
    constraint scheduled_tasks_suggested_schedule_is_object check (suggested_schedule is null or jsonb_typeof(suggested_schedule) = 'object');
-- select is granted on the whole table (the owner of the task reads it); no insert/update grant: only
-- app_private.suggest_schedule (prompt generation) writes it.
comment on column app_public.scheduled_tasks.suggested_schedule is
  E'The schedule the exported conversation asks for, proposed at prompt generation; null when the conversation names none.\n'
  'Keys: scheduleType, scheduledAt, cronExpression, timezone, maxExecutions (the scheduleTask arguments), description, words\n'
  '(the sentence it was read from), used, assumed, source (grammar | model), suggestedAt. Never applied automatically:\n'
  'confirm it with one scheduleTask call.';

create function app_private.suggest_schedule(task_id uuid, generation integer, suggestion jsonb) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  if suggestion is not null and jsonb_typeof(suggestion) <> 'object' then
    perform app_hidden.raise_error('ST003', 'suggested_schedule must be a JSON object or null');
  end if;
  update app_public.scheduled_tasks t
     set suggested_schedule = suggest_schedule.suggestion
   where t.task_id = suggest_schedule.task_id
     and t.prompt_generation = suggest_schedule.generation;
  return found;
end;
$$;
comment on function app_private.suggest_schedule(uuid, integer, jsonb) is
  'Stores the schedule prompt generation proposes for a task (null: none), only for the generation that read it (a regeneration supersedes it). True when stored.';

--------------------------------------------------------------------------------
-- Metering of schedule readings by the model
--------------------------------------------------------------------------------

alter table app_private.model_usage drop constraint model_usage_kind_check;
alter table app_private.model_usage add constraint model_usage_kind_check check (kind in ('prompt', 'agent', 'schedule'));
comment on column app_private.model_usage.kind is 'What the call was for: prompt (prompt generation), agent (an agent step), schedule (reading a schedule in words).';

create table app_private.schedule_parse_requests (
  id bigint generated always as identity primary key,
  owner_user_id uuid not null references app_public.users(id) on delete cascade,
  account_id uuid not null,
  at timestamptz not null default now(),
  recorded boolean not null default false
);
alter table app_private.schedule_parse_requests enable row level security;
create index schedule_parse_requests_owner_at_idx on app_private.schedule_parse_requests(owner_user_id, at);
-- no policies and no grants: only the security definer functions below read and write it
comment on table app_private.schedule_parse_requests is
  'Schedule readings by the model in the last hour, per billing owner (a rolling window, like prompt_generation_requests); recorded = its usage was written.';

create function app_hidden.charge_schedule_parse(provider text) returns text
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_account uuid := app_hidden.current_user_personal_account_id();
  v_owner uuid;
  v_limits app_private.plan_limits;
  v_refusal text;
  v_available integer;
  v_reason text;
  v_count integer;
  v_oldest timestamptz;
begin
  if v_account is null then
    return 'reading a schedule with the model requires a signed-in user';
  end if;
  if provider is null or length(provider) not between 1 and 500 then
    perform app_hidden.raise_error('ST003', 'provider must be 1 to 500 characters');
  end if;
  v_refusal := app_private.check_token_allowance(v_account);
  if v_refusal is not null then
    return v_refusal;
  end if;
  select b.available, b.reason into v_available, v_reason from app_private.provider_budget(charge_schedule_parse.provider) b;
  if v_available = 0 then
    return v_reason;
  end if;
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = v_account;
  v_limits := app_private.owner_plan_limits(v_owner);
  perform pg_advisory_xact_lock(hashtextextended('schedule_parse:' || v_owner::text, 0));
  delete from app_private.schedule_parse_requests r where r.owner_user_id = v_owner and r.at <= now() - interval '1 hour';
  if v_limits.prompt_generations_per_hour is not null then
    select count(*), min(r.at) into v_count, v_oldest from app_private.schedule_parse_requests r where r.owner_user_id = v_owner;
    if v_count >= v_limits.prompt_generations_per_hour then
      return format('rate limited: the %s plan allows %s schedule readings by the model per hour for all accounts of the same owner; '
                    'the next one is possible at %s UTC (ST013)',
                    v_limits.plan, v_limits.prompt_generations_per_hour,
                    to_char(coalesce(v_oldest, now()) at time zone 'UTC' + interval '1 hour', 'YYYY-MM-DD HH24:MI:SS'));
    end if;
  end if;
  insert into app_private.schedule_parse_requests (owner_user_id, account_id) values (v_owner, v_account);
  return null;
end;
$$;
comment on function app_hidden.charge_schedule_parse(text) is
  E'Before parseSchedule asks the model: null when the signed-in user may (and counts the reading), otherwise why not: the token\n'
  'allowance is used up ("(ST010)"), the provider''s shared limits leave no room now, or the plan''s hourly number of readings\n'
  '(prompt_generations_per_hour, counted separately from prompt generations) is used up ("(ST013)"). Billed to the personal account.';

create function app_hidden.record_schedule_parse_usage(provider text, model text, input_tokens integer, output_tokens integer) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_account uuid := app_hidden.current_user_personal_account_id();
  v_request bigint;
begin
  if v_account is null then
    return false;
  end if;
  -- one ledger row per charged reading: a caller cannot write usage it was not charged for
  select r.id into v_request from app_private.schedule_parse_requests r
   where r.account_id = v_account and not r.recorded and r.at > now() - interval '10 minutes'
   order by r.at desc limit 1 for update;
  if v_request is null then
    return false;
  end if;
  update app_private.schedule_parse_requests set recorded = true where id = v_request;
  perform app_private.record_model_usage(v_account, 'schedule', left(provider, 500), left(model, 200),
                                          least(greatest(coalesce(input_tokens, 0), 0), 1000000),
                                          least(greatest(coalesce(output_tokens, 0), 0), 1000000));
  return true;
end;
$$;
comment on function app_hidden.record_schedule_parse_usage(text, text, integer, integer) is
  'After parseSchedule''s model call: records its tokens in the model_usage ledger (kind schedule) for the signed-in user''s personal account, once per charge_schedule_parse.';

revoke all on function app_private.suggest_schedule(uuid, integer, jsonb) from public;
revoke all on function app_hidden.charge_schedule_parse(text), app_hidden.record_schedule_parse_usage(text, text, integer, integer) from public;
grant execute on function app_hidden.charge_schedule_parse(text), app_hidden.record_schedule_parse_usage(text, text, integer, integer) to :DATABASE_VISITOR;
