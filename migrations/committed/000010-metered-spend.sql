--! Previous: sha1:b2bac6bfe7b68a4cb1af6043473e57aa9a39e9e5
--! Hash: sha1:6665d255eb48badbd457548a7ba0ca3d81dbefa4
--! Message: Metered spend

-- Metered spend: a ledger of every model call (tokens per call, per account and per paying owner),
-- monthly counters per account and per billing owner, and plan allowances that apply to the paying
-- owner (the accounts' primary_owner_user_id), not to each account: a new team account does not
-- bring a new allowance. Plans also carry a model allow-list, a max_tokens ceiling and a rate limit
-- on prompt generations (exportThread / regeneratePrompt).
--
-- Error codes (README): ST008 executions used up, ST010 tokens used up, ST011 model not allowed,
-- ST012 max_tokens above the ceiling, ST013 too many prompt generations this hour.

--------------------------------------------------------------------------------
-- Plans: new allowances. A billing owner's plan is the highest-tier plan among the accounts they own.
--------------------------------------------------------------------------------

alter table app_private.plan_limits
  add column tier integer not null default 0,
  add column tokens_per_month bigint check (tokens_per_month is null or tokens_per_month >= 0),
  add column allowed_models text[] check (allowed_models is null or cardinality(allowed_models) > 0),
  add column max_tokens_ceiling integer check (max_tokens_ceiling is null or max_tokens_ceiling > 0),
  add column prompt_generations_per_hour integer check (prompt_generations_per_hour is null or prompt_generations_per_hour >= 0);
alter table app_private.plan_limits enable row level security;
update app_private.plan_limits set tier = 0, tokens_per_month = 2000000, max_tokens_ceiling = 4096, prompt_generations_per_hour = 30 where plan = 'free';
update app_private.plan_limits set tier = 1, tokens_per_month = 50000000, max_tokens_ceiling = 32768, prompt_generations_per_hour = 300 where plan = 'pro';
update app_private.plan_limits set tier = 2 where plan = 'enterprise';
comment on table app_private.plan_limits is
  E'Allowances per billing plan; null = unlimited. Monthly executions and tokens are counted per billing owner (all accounts\n'
  'whose primary owner is the same user); the owner''s plan is the highest-tier plan among those accounts. Edit in psql to change plans.';
comment on column app_private.plan_limits.tier is 'Rank of the plan: a billing owner gets the allowances of the highest-tier plan among the accounts they own.';
comment on column app_private.plan_limits.executions_per_month is 'Executions per calendar month (UTC) per billing owner, over all their accounts (ST008).';
comment on column app_private.plan_limits.max_concurrent_executions is 'Runs in progress at once, per account.';
comment on column app_private.plan_limits.tokens_per_month is 'Model tokens (input + output, prompt generation and agent runs) per calendar month (UTC) per billing owner (ST010).';
comment on column app_private.plan_limits.allowed_models is 'Models an agent may use; null = any (ST011).';
comment on column app_private.plan_limits.max_tokens_ceiling is 'Highest max_tokens per model call an agent may ask for; null = no ceiling (ST012).';
comment on column app_private.plan_limits.prompt_generations_per_hour is
  'exportThread + regeneratePrompt calls per rolling hour per billing owner; null = unlimited (ST013).';

-- The allowances that apply to a billing owner.
create function app_private.owner_plan_limits(owner_user_id uuid) returns app_private.plan_limits
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select l.* from app_public.accounts a join app_private.plan_limits l on l.plan = a.plan
   where a.primary_owner_user_id = owner_plan_limits.owner_user_id
   order by l.tier desc, l.plan
   limit 1;
$$;
comment on function app_private.owner_plan_limits(uuid) is
  'The plan whose allowances apply to a billing owner: the highest-tier plan among the accounts the user is primary owner of.';

create function app_private.usage_period(at timestamptz) returns date
  language sql immutable parallel safe set search_path to pg_catalog, public, pg_temp as $$
  select date_trunc('month', at at time zone 'UTC')::date;
$$;
comment on function app_private.usage_period(timestamptz) is 'The billing period (calendar month, UTC) a moment belongs to.';

--------------------------------------------------------------------------------
-- Counters: per account (account_usage, existing) and per billing owner (owner_usage).
-- owner_usage is maintained by a trigger on account_usage, so every path that counts an execution
-- or tokens for an account (charge_execution, the dispatcher, record_model_usage) also counts it for
-- the owner. Deleting an account removes its account_usage rows but not the owner's: deleting and
-- re-creating team accounts does not give allowance back.
--------------------------------------------------------------------------------

alter table app_private.account_usage add column tokens bigint not null default 0 check (tokens >= 0);
alter table app_private.account_usage enable row level security;
comment on table app_private.account_usage is
  'Billable executions and model tokens per account and calendar month (UTC). Allowances are checked on owner_usage.';
comment on column app_private.account_usage.tokens is 'Model tokens (input + output) used by the account this month (prompt generation and agent runs).';

create table app_private.owner_usage (
  owner_user_id uuid not null references app_public.users(id) on delete cascade,
  period date not null,
  executions integer not null default 0,
  tokens bigint not null default 0,
  primary key (owner_user_id, period)
);
alter table app_private.owner_usage enable row level security;
comment on table app_private.owner_usage is
  E'Executions and model tokens per billing owner (accounts.primary_owner_user_id) and calendar month (UTC), summed over all\n'
  'the accounts they own; what monthly allowances are checked against (one row read). Maintained from account_usage by a trigger.';

insert into app_private.owner_usage (owner_user_id, period, executions, tokens)
select a.primary_owner_user_id, u.period, sum(u.executions), sum(u.tokens)
  from app_private.account_usage u join app_public.accounts a on a.id = u.account_id
 group by a.primary_owner_user_id, u.period;

create function app_private.tg_account_usage__roll_up_to_owner() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_executions integer := new.executions - case when tg_op = 'UPDATE' then old.executions else 0 end;
  v_tokens bigint := new.tokens - case when tg_op = 'UPDATE' then old.tokens else 0 end;
begin
  if v_executions = 0 and v_tokens = 0 then
    return null;
  end if;
  insert into app_private.owner_usage as o (owner_user_id, period, executions, tokens)
  select a.primary_owner_user_id, new.period, greatest(v_executions, 0), greatest(v_tokens, 0)
    from app_public.accounts a where a.id = new.account_id
  on conflict (owner_user_id, period) do update
     set executions = greatest(o.executions + v_executions, 0), tokens = greatest(o.tokens + v_tokens, 0);
  return null;
end;
$$;
create trigger _500_roll_up_to_owner after insert or update on app_private.account_usage
  for each row execute function app_private.tg_account_usage__roll_up_to_owner();
comment on function app_private.tg_account_usage__roll_up_to_owner() is
  'Adds every change of an account''s monthly counters to its billing owner''s (owner_usage).';

--------------------------------------------------------------------------------
-- The ledger: one row per model call.
--------------------------------------------------------------------------------

create table app_private.model_usage (
  id bigint generated always as identity primary key,
  at timestamptz not null default clock_timestamp(),
  account_id uuid,
  billing_owner_id uuid,
  kind text not null check (kind in ('prompt', 'agent')),
  provider text not null check (length(provider) between 1 and 500),
  model text check (model is null or length(model) <= 200),
  input_tokens integer not null default 0 check (input_tokens >= 0),
  output_tokens integer not null default 0 check (output_tokens >= 0),
  total_tokens integer generated always as (input_tokens + output_tokens) stored,
  task_id uuid,
  execution_id uuid
);
alter table app_private.model_usage enable row level security;
create index model_usage_provider_at_idx on app_private.model_usage(provider, at);
create index model_usage_billing_owner_at_idx on app_private.model_usage(billing_owner_id, at);
comment on table app_private.model_usage is
  E'Append-only ledger of model calls: who caused it (account, paying owner), what for (prompt generation or an agent step),\n'
  'which provider (the OPENAI_BASE_URL, or https://api.openai.com/v1 when unset) and model, and the tokens. Written by\n'
  'record_model_usage. No foreign keys on purpose: the ledger outlives deleted accounts, tasks and executions.';
comment on column app_private.model_usage.billing_owner_id is 'The paying owner: the account''s primary_owner_user_id at the time of the call (null if the account was gone).';
comment on column app_private.model_usage.provider is 'The provider endpoint (OPENAI_BASE_URL); per-provider rate limits read the last minute of it.';

-- Records one model call and counts its tokens for the account and its billing owner (O(1)).
create function app_private.record_model_usage(
  account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer,
  task_id uuid default null, execution_id uuid default null
) returns void
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_owner uuid;
  v_input integer := greatest(coalesce(input_tokens, 0), 0);
  v_output integer := greatest(coalesce(output_tokens, 0), 0);
begin
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = record_model_usage.account_id;
  insert into app_private.model_usage (account_id, billing_owner_id, kind, provider, model, input_tokens, output_tokens, task_id, execution_id)
  values (record_model_usage.account_id, v_owner, record_model_usage.kind, record_model_usage.provider, record_model_usage.model,
          v_input, v_output, record_model_usage.task_id, record_model_usage.execution_id);
  if v_owner is not null and v_input + v_output > 0 then
    insert into app_private.account_usage as u (account_id, period, tokens)
    values (record_model_usage.account_id, app_private.usage_period(now()), v_input + v_output)
    on conflict (account_id, period) do update set tokens = u.tokens + excluded.tokens;
  end if;
end;
$$;
comment on function app_private.record_model_usage(uuid, text, text, text, integer, integer, uuid, uuid) is
  E'Records one model call (kind prompt | agent) in the ledger and adds its tokens to the account''s and its billing owner''s\n'
  'monthly counters. Call it after every completed model call, whatever its outcome; it never refuses (check first with\n'
  'check_run_allowed / check_token_allowance).';

--------------------------------------------------------------------------------
-- Checks: token allowance, model allow-list, max_tokens ceiling.
--------------------------------------------------------------------------------

-- The first refusal (code and message) for a model call of an account, or nulls when allowed.
-- model / max_tokens null: not checked. include_allowance: also check the monthly token allowance.
create function app_private.model_call_refusal(
  account_id uuid, model text, max_tokens integer, include_allowance boolean,
  out code text, out message text
)
  language plpgsql stable security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_owner uuid;
  v_limits app_private.plan_limits;
  v_used bigint;
begin
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = model_call_refusal.account_id;
  if v_owner is null then
    return;
  end if;
  v_limits := app_private.owner_plan_limits(v_owner);
  if model_call_refusal.model is not null and v_limits.allowed_models is not null
     and not (model_call_refusal.model = any (v_limits.allowed_models)) then
    code := 'ST011';
    message := format('model "%s" is not allowed by the %s plan; allowed models: %s',
                      model_call_refusal.model, v_limits.plan, array_to_string(v_limits.allowed_models, ', '));
    return;
  end if;
  if model_call_refusal.max_tokens is not null and v_limits.max_tokens_ceiling is not null
     and model_call_refusal.max_tokens > v_limits.max_tokens_ceiling then
    code := 'ST012';
    message := format('max_tokens %s is above the %s plan''s ceiling of %s tokens per model call',
                      model_call_refusal.max_tokens, v_limits.plan, v_limits.max_tokens_ceiling);
    return;
  end if;
  if include_allowance and v_limits.tokens_per_month is not null then
    select o.tokens into v_used from app_private.owner_usage o
     where o.owner_user_id = v_owner and o.period = app_private.usage_period(now());
    if coalesce(v_used, 0) >= v_limits.tokens_per_month then
      code := 'ST010';
      message := format('the monthly token allowance of the %s plan is used up: %s of %s tokens used this month by all accounts of the same owner; '
                        'it renews on %s (UTC), or upgrade the plan',
                        v_limits.plan, coalesce(v_used, 0), v_limits.tokens_per_month,
                        to_char(app_private.usage_period(now()) + interval '1 month', 'YYYY-MM-DD'));
    end if;
  end if;
end;
$$;
comment on function app_private.model_call_refusal(uuid, text, integer, boolean) is
  'The first plan rule a model call of this account would break (ST011 model, ST012 max_tokens, ST010 token allowance), or nulls.';

create function app_private.check_run_allowed(account_id uuid, model text, max_tokens integer) returns text
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select r.message || ' (' || r.code || ')' from app_private.model_call_refusal(account_id, model, max_tokens, true) r
   where r.code is not null;
$$;
comment on function app_private.check_run_allowed(uuid, text, integer) is
  E'Null when the account''s billing owner may make a model call with this model and max_tokens (the resolved values) now;\n'
  'otherwise a readable refusal ending with its code: "(ST011)" model not allowed, "(ST012)" max_tokens above the ceiling,\n'
  '"(ST010)" monthly token allowance used up. Call it when a run starts (and between steps, for the allowance).';

create function app_private.check_token_allowance(account_id uuid) returns text
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select app_private.check_run_allowed(account_id, null, null);
$$;
comment on function app_private.check_token_allowance(uuid) is
  'Null while the account''s billing owner has tokens left this month; otherwise the refusal ("… (ST010)"). Checked before every prompt-generation call.';

-- Agents: the plan's model allow-list and max_tokens ceiling apply when an agent is written.
create function app_private.tg_agents__check_plan() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_refusal record;
begin
  select * into v_refusal from app_private.model_call_refusal(new.account_id, new.model, new.max_tokens, false);
  if v_refusal.code is not null then
    perform app_hidden.raise_error(v_refusal.code, v_refusal.message,
      'choose an allowed model and max_tokens, or upgrade the plan of the account''s owner');
  end if;
  return new;
end;
$$;
create trigger _300_check_plan before insert or update of account_id, model, max_tokens on app_public.agents
  for each row execute function app_private.tg_agents__check_plan();
comment on function app_private.tg_agents__check_plan() is
  'Refuses an agent whose model is not on its owner''s plan allow-list (ST011) or whose max_tokens is above the plan ceiling (ST012).';

--------------------------------------------------------------------------------
-- Executions: the monthly allowance is the billing owner's (manual runs and the dispatcher).
--------------------------------------------------------------------------------

create or replace function app_private.charge_execution(account_id uuid) returns void
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_owner uuid;
  v_limits app_private.plan_limits;
  v_period date := app_private.usage_period(now());
  v_refusal record;
  v_used integer;
begin
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = charge_execution.account_id;
  v_limits := app_private.owner_plan_limits(v_owner);
  select * into v_refusal from app_private.model_call_refusal(charge_execution.account_id, null, null, true);
  if v_refusal.code is not null then
    perform app_hidden.raise_error(v_refusal.code, v_refusal.message, 'upgrade the plan or wait for next month');
  end if;
  insert into app_private.account_usage as u (account_id, period, executions)
    values (charge_execution.account_id, v_period, 1)
    on conflict (account_id, period) do update set executions = u.executions + 1;
  -- the roll-up trigger has added it to the owner's counter
  select o.executions into v_used from app_private.owner_usage o where o.owner_user_id = v_owner and o.period = v_period;
  if v_limits.executions_per_month is not null and v_used > v_limits.executions_per_month then
    perform app_hidden.raise_error('ST008',
      format('the %s plan allows %s executions per month for all accounts of the same owner, and they are used up',
             v_limits.plan, v_limits.executions_per_month),
      'upgrade the plan or wait for next month');
  end if;
end;
$$;
comment on function app_private.charge_execution(uuid) is
  'Counts one execution for the account and its billing owner; refuses it (ST008) beyond the owner''s monthly executions, or (ST010) when their tokens are used up.';

-- The dispatcher, as in 000004, except that over-allowance occurrences are decided per billing owner.
create or replace function app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamptz)
  returns table (dispatched integer, skipped integer)
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_dispatched integer;
  v_skipped integer;
  v_period date := app_private.usage_period(now_at);
  v_over_reason constant text := 'the plan''s limit of executions per month is reached (counted over all accounts of the same owner)';
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

  -- plan limits: count the occurrences (the roll-up trigger adds them to each billing owner), then skip
  -- those beyond the owner's monthly allowance, latest first, and give their count back
  insert into app_private.account_usage as u (account_id, period, executions)
  select b.account_id, v_period, count(*)::int from dispatch_batch b
   where b.scheduled_for is not null and b.skip_reason is null group by b.account_id
  on conflict (account_id, period) do update set executions = u.executions + excluded.executions;
  with wanted as (
    select b.execution_id, b.scheduled_for, acc.primary_owner_user_id as owner_id
      from dispatch_batch b join app_public.accounts acc on acc.id = b.account_id
     where b.scheduled_for is not null and b.skip_reason is null
  ), over as (
    select o.owner_id, ou.executions - l.executions_per_month as excess
      from (select distinct w.owner_id from wanted w) o
      cross join lateral app_private.owner_plan_limits(o.owner_id) l
      join app_private.owner_usage ou on ou.owner_user_id = o.owner_id and ou.period = v_period
     where l.executions_per_month is not null and ou.executions > l.executions_per_month
  ), victims as (
    select w.execution_id from (
      select w.*, row_number() over (partition by w.owner_id order by w.scheduled_for desc) as rn from wanted w) w
      join over o on o.owner_id = w.owner_id and w.rn <= o.excess
  )
  update dispatch_batch b set skip_reason = v_over_reason
    from victims v where v.execution_id = b.execution_id;
  update app_private.account_usage u set executions = u.executions - s.n
    from (select b.account_id, count(*)::int as n from dispatch_batch b
           where b.skip_reason = v_over_reason group by b.account_id) s
   where u.account_id = s.account_id and u.period = v_period;

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
  E'Creates one execution per decided occurrence (pending, trigger schedule, scheduled_for) and enqueues its run at the occurrence''s time;\n'
  'overlapping occurrences, and those beyond the billing owner''s monthly executions, are recorded as skipped (cancelled, results.skipped).\n'
  'Advances next_execution_at, execution_count and missed_count; completes tasks at max_executions or when no next time exists.';

--------------------------------------------------------------------------------
-- Prompt generations (exportThread, regeneratePrompt): rate-limited per billing owner.
--------------------------------------------------------------------------------

create table app_private.prompt_generation_requests (
  id bigint generated always as identity primary key,
  owner_user_id uuid not null references app_public.users(id) on delete cascade,
  account_id uuid not null,
  task_id uuid not null,
  at timestamptz not null default now()
);
alter table app_private.prompt_generation_requests enable row level security;
create index prompt_generation_requests_owner_at_idx on app_private.prompt_generation_requests(owner_user_id, at);
comment on table app_private.prompt_generation_requests is
  'Prompt generations requested in the last hour, per billing owner (a rolling window; older rows are removed as new ones come).';

create function app_private.charge_prompt_generation(account_id uuid, task_id uuid) returns void
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_owner uuid;
  v_limits app_private.plan_limits;
  v_count integer;
  v_oldest timestamptz;
begin
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = charge_prompt_generation.account_id;
  if v_owner is null then
    return;
  end if;
  v_limits := app_private.owner_plan_limits(v_owner);
  -- one owner's requests are counted one at a time, so concurrent requests cannot all slip under the limit
  perform pg_advisory_xact_lock(hashtextextended('prompt_generation:' || v_owner::text, 0));
  delete from app_private.prompt_generation_requests r where r.owner_user_id = v_owner and r.at <= now() - interval '1 hour';
  if v_limits.prompt_generations_per_hour is not null and not app_private.is_admin() then
    select count(*), min(r.at) into v_count, v_oldest from app_private.prompt_generation_requests r where r.owner_user_id = v_owner;
    if v_count >= v_limits.prompt_generations_per_hour then
      perform app_hidden.raise_error('ST013',
        format('rate limited: the %s plan allows %s prompt generations (exportThread and regeneratePrompt) per hour for all accounts of the same owner; '
               'the next one is possible at %s UTC',
               v_limits.plan, v_limits.prompt_generations_per_hour,
               to_char(coalesce(v_oldest, now()) at time zone 'UTC' + interval '1 hour', 'YYYY-MM-DD HH24:MI:SS')),
        'wait, or upgrade the plan');
    end if;
  end if;
  insert into app_private.prompt_generation_requests (owner_user_id, account_id, task_id)
  values (v_owner, charge_prompt_generation.account_id, charge_prompt_generation.task_id);
end;
$$;
comment on function app_private.charge_prompt_generation(uuid, uuid) is
  'Counts a prompt generation for the account''s billing owner; refuses it (ST013) beyond the plan''s prompt_generations_per_hour (admins in psql are not limited).';

-- Both exportThread and regeneratePrompt enqueue through here, after their own checks and in their
-- transaction: a refusal leaves nothing behind (no task, no new generation).
create or replace function app_private.enqueue_prompt_generation(task app_public.scheduled_tasks) returns void
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  perform app_private.charge_prompt_generation(task.account_id, task.task_id);
  perform graphile_worker.add_job(
    'generate_prompt',
    json_build_object('task_id', task.task_id, 'generation', task.prompt_generation),
    job_key := 'generate_prompt:' || task.task_id,
    max_attempts := 5
  );
end;
$$;
comment on function app_private.enqueue_prompt_generation(app_public.scheduled_tasks) is
  'Enqueues prompt generation for the task''s current generation, within the owner''s hourly rate limit (ST013).';

--------------------------------------------------------------------------------
-- Visible usage: Account.tokensThisMonth, tokenLimit, owner totals, the plan's model rules.
--------------------------------------------------------------------------------

create function app_private.can_see_account(account_id uuid) returns boolean
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select app_private.is_admin() or can_see_account.account_id in (select app_hidden.current_user_account_ids());
$$;
comment on function app_private.can_see_account(uuid) is 'True for members of the account (and for the owner role in psql).';

create function app_public.accounts_tokens_this_month(a app_public.accounts) returns bigint
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select coalesce((select u.tokens from app_private.account_usage u
                    where u.account_id = a.id and u.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_tokens_this_month(app_public.accounts) is
  'Model tokens (input + output) this account used this month (UTC): prompt generation and agent runs.';

create function app_public.accounts_owner_tokens_this_month(a app_public.accounts) returns bigint
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select coalesce((select o.tokens from app_private.owner_usage o
                    where o.owner_user_id = a.primary_owner_user_id and o.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_owner_tokens_this_month(app_public.accounts) is
  'Model tokens used this month by all accounts of this account''s primary owner: what tokenLimit is compared with.';

create function app_public.accounts_owner_executions_this_month(a app_public.accounts) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select coalesce((select o.executions from app_private.owner_usage o
                    where o.owner_user_id = a.primary_owner_user_id and o.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_owner_executions_this_month(app_public.accounts) is
  'Executions this month of all accounts of this account''s primary owner: what executionLimit is compared with.';

create function app_public.accounts_token_limit(a app_public.accounts) returns bigint
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).tokens_per_month where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_token_limit(app_public.accounts) is
  'Model tokens allowed per month by the owner''s plan, shared by all accounts of the same primary owner (null: unlimited).';

create or replace function app_public.accounts_execution_limit(a app_public.accounts) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).executions_per_month where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_execution_limit(app_public.accounts) is
  'Executions allowed per month by the owner''s plan, shared by all accounts of the same primary owner (null: unlimited).';

create or replace function app_public.accounts_executions_this_month(a app_public.accounts) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select coalesce((select u.executions from app_private.account_usage u
                    where u.account_id = a.id and u.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_executions_this_month(app_public.accounts) is
  'Billable executions of this account so far this month (UTC); see ownerExecutionsThisMonth for the total the limit applies to.';

create function app_public.accounts_allowed_models(a app_public.accounts) returns text[]
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).allowed_models where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_allowed_models(app_public.accounts) is 'Models the owner''s plan allows agents to use (null: any).';

create function app_public.accounts_max_tokens_ceiling(a app_public.accounts) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).max_tokens_ceiling where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_max_tokens_ceiling(app_public.accounts) is 'Highest max_tokens per model call the owner''s plan allows an agent (null: no ceiling).';

create function app_public.accounts_prompt_generations_per_hour(a app_public.accounts) returns integer
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).prompt_generations_per_hour where app_private.can_see_account(a.id);
$$;
comment on function app_public.accounts_prompt_generations_per_hour(app_public.accounts) is
  'exportThread + regeneratePrompt calls allowed per hour for all accounts of the same owner (null: unlimited).';

grant execute on function
  app_public.accounts_tokens_this_month(app_public.accounts),
  app_public.accounts_owner_tokens_this_month(app_public.accounts),
  app_public.accounts_owner_executions_this_month(app_public.accounts),
  app_public.accounts_token_limit(app_public.accounts),
  app_public.accounts_allowed_models(app_public.accounts),
  app_public.accounts_max_tokens_ceiling(app_public.accounts),
  app_public.accounts_prompt_generations_per_hour(app_public.accounts)
  to :DATABASE_VISITOR;
