--! Previous: -
--! Hash: sha1:0837227991ba38c53f7a45db7d504b5de4599dd2
--! Message: Foundation schema

-- Foundation schema: roles' privileges, accounts, host-platform tables
-- (agents, threads, messages, agent_runs) and the scheduled-tasks tables of the plan.
-- Layout per table (CONVENTIONS.md): table, RLS, indexes, triggers, policies, grants, comments.

create schema app_public;
create schema app_hidden;
create schema app_private;

grant usage on schema public, app_public, app_hidden to :DATABASE_VISITOR;
revoke all on schema app_private from public;

-- Functions are not executable by everyone by default: each one is granted explicitly.
alter default privileges revoke all on functions from public;
alter default privileges in schema public, app_public, app_hidden grant usage, select on sequences to :DATABASE_VISITOR;

--------------------------------------------------------------------------------
-- Shared trigger functions
--------------------------------------------------------------------------------

create function app_private.tg__timestamps() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  new.created_at := (case when tg_op = 'INSERT' then now() else old.created_at end);
  new.updated_at := (case when tg_op = 'UPDATE' and old.updated_at >= now() then old.updated_at + interval '1 millisecond' else now() end);
  return new;
end;
$$;
comment on function app_private.tg__timestamps() is
  'Keeps created_at fixed and moves updated_at forward on every update (the plan''s update_updated_at_column()).';

--------------------------------------------------------------------------------
-- Errors: every project error is raised with a code STxxx, listed in the README.
--------------------------------------------------------------------------------

create function app_hidden.raise_error(code text, message text, hint text default null) returns void
  language plpgsql immutable as $$
begin
  raise exception using errcode = code, message = message, hint = coalesce(hint, '');
end;
$$;
comment on function app_hidden.raise_error(text, text, text) is
  'Raises a project error (SQLSTATE STxxx, see the README table). Callable from invoker-rights triggers.';
grant execute on function app_hidden.raise_error(text, text, text) to :DATABASE_VISITOR;

--------------------------------------------------------------------------------
-- Helpers (app_hidden): who is asking. Claims are set by the server from a
-- verified JWT; the role never comes from the token.
--------------------------------------------------------------------------------

create function app_hidden.current_user_id() returns uuid
  language sql stable as $$
  select nullif(pg_catalog.current_setting('jwt.claims.sub', true), '')::uuid;
$$;
comment on function app_hidden.current_user_id() is
  'The verified JWT subject of the current request (null for anonymous requests).';

--------------------------------------------------------------------------------
-- users
--------------------------------------------------------------------------------

create table app_public.users (
  id uuid primary key,
  email text check (email is null or (length(email) <= 320 and email ~ '^[^@\s]+@[^@\s]+$')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table app_public.users enable row level security;
create trigger _100_timestamps before insert or update on app_public.users
  for each row execute function app_private.tg__timestamps();
comment on table app_public.users is
  'A person, identified by the `sub` of their JWT. Provisioned on the first authenticated request.';

--------------------------------------------------------------------------------
-- accounts (basejump shape): one personal account per user, plus team accounts
--------------------------------------------------------------------------------

create table app_public.accounts (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 255),
  personal_account boolean not null default false,
  primary_owner_user_id uuid not null references app_public.users(id) on delete cascade,
  plan text not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table app_public.accounts enable row level security;
create index accounts_primary_owner_user_id_idx on app_public.accounts(primary_owner_user_id);
create unique index accounts_one_personal_per_user on app_public.accounts(primary_owner_user_id) where personal_account;
create trigger _100_timestamps before insert or update on app_public.accounts
  for each row execute function app_private.tg__timestamps();
comment on table app_public.accounts is
  'Who owns data. Every user has a personal account; team accounts have several members.';
comment on column app_public.accounts.plan is 'Billing plan; decides execution limits.';

create table app_public.account_memberships (
  account_id uuid not null references app_public.accounts(id) on delete cascade,
  user_id uuid not null references app_public.users(id) on delete cascade,
  account_role text not null default 'member' check (account_role in ('owner', 'member')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (account_id, user_id)
);
alter table app_public.account_memberships enable row level security;
create index account_memberships_user_id_idx on app_public.account_memberships(user_id);
create trigger _100_timestamps before insert or update on app_public.account_memberships
  for each row execute function app_private.tg__timestamps();
comment on table app_public.account_memberships is
  'Who belongs to which account. Members read the account''s data; owners also manage membership.';

-- RLS helpers: security definer so that policies do not recurse into memberships' own policies.
create function app_hidden.current_user_account_ids() returns setof uuid
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select account_id from app_public.account_memberships where user_id = app_hidden.current_user_id();
$$;
comment on function app_hidden.current_user_account_ids() is
  'Accounts the current user is a member of. Policies call it as `(select app_hidden.current_user_account_ids())`.';

create function app_hidden.has_role_on_account(account_id uuid, account_role text default null) returns boolean
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select exists (
    select 1 from app_public.account_memberships m
    where m.user_id = app_hidden.current_user_id()
      and m.account_id = has_role_on_account.account_id
      and (has_role_on_account.account_role is null or m.account_role = has_role_on_account.account_role)
  );
$$;
comment on function app_hidden.has_role_on_account(uuid, text) is
  'True when the current user is a member of the account (with the given role, when one is given).';

create function app_hidden.current_user_personal_account_id() returns uuid
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select id from app_public.accounts
  where primary_owner_user_id = app_hidden.current_user_id() and personal_account;
$$;
comment on function app_hidden.current_user_personal_account_id() is
  'The current user''s personal account: the default account_id of rows created without one.';

create function app_hidden.current_user_teammate_ids() returns setof uuid
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select distinct m.user_id from app_public.account_memberships m
  where m.account_id in (select app_hidden.current_user_account_ids());
$$;

grant execute on function app_hidden.current_user_id(), app_hidden.current_user_account_ids(),
  app_hidden.has_role_on_account(uuid, text), app_hidden.current_user_personal_account_id(),
  app_hidden.current_user_teammate_ids() to :DATABASE_VISITOR;

-- users: policies and grants
create policy select_self_or_teammate on app_public.users for select
  using (id = (select app_hidden.current_user_id()) or id in (select app_hidden.current_user_teammate_ids()));
grant select on app_public.users to :DATABASE_VISITOR;

-- accounts: policies and grants
create policy select_member on app_public.accounts for select
  using (id in (select app_hidden.current_user_account_ids()));
create policy update_owner on app_public.accounts for update
  using (app_hidden.has_role_on_account(id, 'owner'))
  with check (app_hidden.has_role_on_account(id, 'owner'));
create policy delete_owner on app_public.accounts for delete
  using (not personal_account and app_hidden.has_role_on_account(id, 'owner'));
grant select on app_public.accounts to :DATABASE_VISITOR;
grant update (name) on app_public.accounts to :DATABASE_VISITOR;
grant delete on app_public.accounts to :DATABASE_VISITOR;

-- memberships: members see co-members; only owners add, change and remove.
create policy select_member on app_public.account_memberships for select
  using (account_id in (select app_hidden.current_user_account_ids()));
create policy insert_owner on app_public.account_memberships for insert
  with check (app_hidden.has_role_on_account(account_id, 'owner'));
create policy update_owner on app_public.account_memberships for update
  using (app_hidden.has_role_on_account(account_id, 'owner'))
  with check (app_hidden.has_role_on_account(account_id, 'owner'));
create policy delete_owner on app_public.account_memberships for delete
  using (app_hidden.has_role_on_account(account_id, 'owner'));
grant select on app_public.account_memberships to :DATABASE_VISITOR;
grant insert (account_id, user_id, account_role) on app_public.account_memberships to :DATABASE_VISITOR;
grant update (account_role) on app_public.account_memberships to :DATABASE_VISITOR;
grant delete on app_public.account_memberships to :DATABASE_VISITOR;

create function app_private.tg_account_memberships__protect_owners() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_account app_public.accounts;
begin
  select * into v_account from app_public.accounts where id = old.account_id;
  if not found then
    return coalesce(new, old); -- the account itself is being deleted
  end if;
  if v_account.personal_account and old.user_id = v_account.primary_owner_user_id
     and (tg_op = 'DELETE' or new.account_role <> 'owner') then
    perform app_hidden.raise_error('ST004', 'the owner of a personal account cannot be removed or demoted');
  end if;
  if old.account_role = 'owner' and (tg_op = 'DELETE' or new.account_role <> 'owner')
     and not exists (select 1 from app_public.account_memberships
                     where account_id = old.account_id and account_role = 'owner' and user_id <> old.user_id) then
    perform app_hidden.raise_error('ST004', 'an account must keep at least one owner');
  end if;
  return coalesce(new, old);
end;
$$;
create trigger _200_protect_owners before update or delete on app_public.account_memberships
  for each row execute function app_private.tg_account_memberships__protect_owners();

create function app_private.tg_account_memberships__personal_is_private() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  if exists (select 1 from app_public.accounts a where a.id = new.account_id and a.personal_account
             and a.primary_owner_user_id <> new.user_id) then
    perform app_hidden.raise_error('ST003', 'a personal account has exactly one member; create a team account to share data',
      'use createAccount(name) to create a team account');
  end if;
  return new;
end;
$$;
create trigger _150_personal_is_private before insert on app_public.account_memberships
  for each row execute function app_private.tg_account_memberships__personal_is_private();

-- Provisioning: called by the server once per user (and cheap to repeat).
-- Reads the subject from the verified claims, never from an argument.
create function app_hidden.provision_current_user() returns uuid
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_user_id uuid := app_hidden.current_user_id();
  v_email text := nullif(pg_catalog.current_setting('jwt.claims.email', true), '');
  v_account_id uuid;
begin
  if v_user_id is null then
    return null;
  end if;
  insert into app_public.users (id, email) values (v_user_id, v_email)
    on conflict (id) do update set email = coalesce(excluded.email, app_public.users.email)
    where app_public.users.email is distinct from coalesce(excluded.email, app_public.users.email);
  if not exists (select 1 from app_public.accounts where primary_owner_user_id = v_user_id and personal_account) then
    insert into app_public.accounts (name, personal_account, primary_owner_user_id)
      values (coalesce(v_email, 'Personal'), true, v_user_id)
      on conflict do nothing
      returning id into v_account_id;
    if v_account_id is not null then
      insert into app_public.account_memberships (account_id, user_id, account_role)
        values (v_account_id, v_user_id, 'owner');
    end if;
  end if;
  return v_user_id;
end;
$$;
comment on function app_hidden.provision_current_user() is
  'Creates the user row (from the verified claims) and their personal account on first sight; idempotent.';
grant execute on function app_hidden.provision_current_user() to :DATABASE_VISITOR;

create function app_public.current_user() returns app_public.users
  language sql stable as $$
  select * from app_public.users where id = app_hidden.current_user_id();
$$;
comment on function app_public.current_user() is 'The signed-in user, or null when anonymous.';
grant execute on function app_public.current_user() to :DATABASE_VISITOR;

create function app_public.create_account(name text) returns app_public.accounts
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_account app_public.accounts;
begin
  if app_hidden.current_user_id() is null then
    perform app_hidden.raise_error('ST401', 'you must be signed in to create an account');
  end if;
  if name is null or length(trim(name)) not between 1 and 255 then
    perform app_hidden.raise_error('ST003', 'name must be 1 to 255 characters');
  end if;
  insert into app_public.accounts (name, personal_account, primary_owner_user_id)
    values (trim(name), false, app_hidden.current_user_id()) returning * into v_account;
  insert into app_public.account_memberships (account_id, user_id, account_role)
    values (v_account.id, app_hidden.current_user_id(), 'owner');
  return v_account;
end;
$$;
comment on function app_public.create_account(text) is
  'Creates a team account owned by the current user. Add members with createAccountMembership.';
grant execute on function app_public.create_account(text) to :DATABASE_VISITOR;

--------------------------------------------------------------------------------
-- Tenant rows: account_id defaults to the caller's personal account.
--------------------------------------------------------------------------------

-- agents
create table app_public.agents (
  agent_id uuid primary key default gen_random_uuid(),
  account_id uuid not null default app_hidden.current_user_personal_account_id()
    references app_public.accounts(id) on delete cascade,
  name text not null check (length(name) between 1 and 255),
  description text,
  system_prompt text,
  model text check (model is null or length(model) between 1 and 200),
  temperature double precision check (temperature is null or temperature between 0 and 2),
  max_tokens integer check (max_tokens is null or max_tokens between 1 and 200000),
  tools jsonb not null default '[]'::jsonb check (jsonb_typeof(tools) = 'array'),
  mcp_servers jsonb not null default '[]'::jsonb check (jsonb_typeof(mcp_servers) = 'array'),
  config jsonb not null default '{}'::jsonb check (jsonb_typeof(config) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, agent_id)
);
alter table app_public.agents enable row level security;
create index agents_account_id_idx on app_public.agents(account_id);
create trigger _100_timestamps before insert or update on app_public.agents
  for each row execute function app_private.tg__timestamps();
create policy select_member on app_public.agents for select
  using (account_id in (select app_hidden.current_user_account_ids()));
create policy insert_member on app_public.agents for insert
  with check (account_id in (select app_hidden.current_user_account_ids()));
create policy update_member on app_public.agents for update
  using (account_id in (select app_hidden.current_user_account_ids()))
  with check (account_id in (select app_hidden.current_user_account_ids()));
create policy delete_member on app_public.agents for delete
  using (account_id in (select app_hidden.current_user_account_ids()));
grant select, delete on app_public.agents to :DATABASE_VISITOR;
grant insert (agent_id, account_id, name, description, system_prompt, model, temperature, max_tokens, tools, mcp_servers, config)
  on app_public.agents to :DATABASE_VISITOR;
grant update (account_id, name, description, system_prompt, model, temperature, max_tokens, tools, mcp_servers, config)
  on app_public.agents to :DATABASE_VISITOR;
comment on table app_public.agents is 'An agent configuration: the model, its system prompt and tools, used to run tasks.';
comment on column app_public.agents.account_id is 'Owning account; defaults to your personal account.';
comment on column app_public.agents.tools is 'Tool definitions offered to the model (OpenAI function-tool shape).';
comment on column app_public.agents.mcp_servers is
  'MCP servers whose tools the agent may call: [{"name", "command", "args"} | {"name", "url"}].';

-- threads
create table app_public.threads (
  thread_id uuid primary key default gen_random_uuid(),
  account_id uuid not null default app_hidden.current_user_personal_account_id()
    references app_public.accounts(id) on delete cascade,
  agent_id uuid references app_public.agents(agent_id) on delete set null,
  title text check (title is null or length(title) <= 500),
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, thread_id),
  -- an agent from another account can never be attached (PG15: only agent_id is nulled on delete)
  foreign key (account_id, agent_id) references app_public.agents(account_id, agent_id) on delete set null (agent_id)
);
alter table app_public.threads enable row level security;
create index threads_account_id_idx on app_public.threads(account_id);
create index threads_agent_id_idx on app_public.threads(agent_id);
create index threads_account_agent_idx on app_public.threads(account_id, agent_id);
create trigger _100_timestamps before insert or update on app_public.threads
  for each row execute function app_private.tg__timestamps();
create policy select_member on app_public.threads for select
  using (account_id in (select app_hidden.current_user_account_ids()));
create policy insert_member on app_public.threads for insert
  with check (account_id in (select app_hidden.current_user_account_ids()));
create policy update_member on app_public.threads for update
  using (account_id in (select app_hidden.current_user_account_ids()))
  with check (account_id in (select app_hidden.current_user_account_ids()));
create policy delete_member on app_public.threads for delete
  using (account_id in (select app_hidden.current_user_account_ids()));
grant select, delete on app_public.threads to :DATABASE_VISITOR;
grant insert (thread_id, account_id, agent_id, title, metadata) on app_public.threads to :DATABASE_VISITOR;
grant update (title, agent_id, metadata) on app_public.threads to :DATABASE_VISITOR;
comment on table app_public.threads is 'A conversation between a user and an agent. Tasks are exported from threads and run in new ones.';

-- messages
create table app_public.messages (
  message_id uuid primary key default gen_random_uuid(),
  thread_id uuid not null references app_public.threads(thread_id) on delete cascade,
  account_id uuid not null references app_public.accounts(id) on delete cascade,
  seq bigint generated always as identity,
  role text not null check (role in ('user', 'assistant', 'system', 'tool')),
  is_llm_message boolean not null generated always as (role <> 'user') stored,
  content text not null default '' check (length(content) <= 1000000),
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (account_id, thread_id) references app_public.threads(account_id, thread_id) on delete cascade
);
alter table app_public.messages enable row level security;
create index messages_thread_id_seq_idx on app_public.messages(thread_id, seq);
create index messages_account_id_idx on app_public.messages(account_id);
create index messages_account_thread_idx on app_public.messages(account_id, thread_id);

-- A message belongs to its thread's account. Invoker rights: the thread must be visible to the caller.
create function app_private.tg_messages__account_from_thread() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  select t.account_id into new.account_id from app_public.threads t where t.thread_id = new.thread_id;
  if new.account_id is null then
    perform app_hidden.raise_error('ST001', format('thread %s not found', new.thread_id));
  end if;
  return new;
end;
$$;
create trigger _050_account_from_thread before insert on app_public.messages
  for each row execute function app_private.tg_messages__account_from_thread();
create trigger _100_timestamps before insert or update on app_public.messages
  for each row execute function app_private.tg__timestamps();
create policy select_member on app_public.messages for select
  using (account_id in (select app_hidden.current_user_account_ids()));
create policy insert_member on app_public.messages for insert
  with check (account_id in (select app_hidden.current_user_account_ids()));
create policy update_member on app_public.messages for update
  using (account_id in (select app_hidden.current_user_account_ids()))
  with check (account_id in (select app_hidden.current_user_account_ids()));
create policy delete_member on app_public.messages for delete
  using (account_id in (select app_hidden.current_user_account_ids()));
grant select, delete on app_public.messages to :DATABASE_VISITOR;
grant insert (message_id, thread_id, role, content, metadata) on app_public.messages to :DATABASE_VISITOR;
grant update (content, metadata) on app_public.messages to :DATABASE_VISITOR;
comment on table app_public.messages is 'A message in a thread. `account_id` is taken from the thread.';
comment on column app_public.messages.seq is 'Position of the message; threads are read in this order.';
comment on column app_public.messages.is_llm_message is 'True for messages not written by the user (assistant, system, tool).';

-- agent_runs
create table app_public.agent_runs (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references app_public.accounts(id) on delete cascade,
  thread_id uuid not null references app_public.threads(thread_id) on delete cascade,
  agent_id uuid references app_public.agents(agent_id) on delete set null,
  status text not null default 'running' check (status in ('running', 'completed', 'failed', 'cancelled')),
  executor text not null default 'offline' check (executor in ('openai', 'webhook', 'offline')),
  model text,
  started_at timestamptz not null default now(),
  completed_at timestamptz,
  error text,
  usage jsonb not null default '{}'::jsonb,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table app_public.agent_runs enable row level security;
create index agent_runs_account_id_idx on app_public.agent_runs(account_id);
create index agent_runs_thread_id_idx on app_public.agent_runs(thread_id);
create index agent_runs_agent_id_idx on app_public.agent_runs(agent_id);
create trigger _100_timestamps before insert or update on app_public.agent_runs
  for each row execute function app_private.tg__timestamps();
create policy select_member on app_public.agent_runs for select
  using (account_id in (select app_hidden.current_user_account_ids()));
grant select on app_public.agent_runs to :DATABASE_VISITOR;
comment on table app_public.agent_runs is 'One run of an agent in a thread (the plan''s run_agent_background). Written by the worker only.';

--------------------------------------------------------------------------------
-- scheduled_tasks: every column of the plan, plus prompt state and review flags.
--------------------------------------------------------------------------------

create table app_private.iana_timezones (name text primary key);
insert into app_private.iana_timezones
  select name from pg_catalog.pg_timezone_names
  where name !~ '^(posix|right)/' and name <> 'localtime' and name !~ '^[+-]';
comment on table app_private.iana_timezones is
  'IANA zone names this PostgreSQL knows, copied at migration time (pg_timezone_names is too slow for a check constraint).';
create function app_hidden.is_iana_timezone(name text) returns boolean
  language sql immutable parallel safe security definer set search_path to pg_catalog, public, pg_temp as $$
  select name is not null and exists (select 1 from app_private.iana_timezones z where z.name = is_iana_timezone.name);
$$;

grant execute on function app_hidden.is_iana_timezone(text) to :DATABASE_VISITOR;

create table app_public.scheduled_tasks (
  task_id uuid primary key default gen_random_uuid(),
  account_id uuid not null references app_public.accounts(id) on delete cascade,
  source_thread_id uuid not null references app_public.threads(thread_id) on delete cascade,
  agent_id uuid references app_public.agents(agent_id) on delete set null,

  -- Task configuration
  name varchar(255) not null check (length(name) between 1 and 255),
  description text,
  generated_prompt text not null default '',
  original_messages jsonb not null,

  -- Scheduling configuration
  is_scheduled boolean not null default false,
  schedule_type varchar(50) check (schedule_type in ('once', 'daily', 'weekly', 'monthly', 'cron')),
  scheduled_at timestamptz,
  cron_expression varchar(100),
  timezone varchar(50) not null default 'UTC' check (app_hidden.is_iana_timezone(timezone)),

  -- Execution tracking
  last_executed_at timestamptz,
  next_execution_at timestamptz,
  execution_count integer not null default 0 check (execution_count >= 0),
  max_executions integer check (max_executions is null or max_executions > 0),

  -- Status and metadata
  status varchar(50) not null default 'draft' check (status in ('draft', 'active', 'paused', 'completed', 'failed')),
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),

  -- Prompt generation state (additions)
  prompt_status text not null default 'pending' check (prompt_status in ('pending', 'ready', 'failed')),
  prompt_error text,
  prompt_source text check (prompt_source in ('model', 'offline', 'user')),
  prompt_generated_at timestamptz,
  needs_review boolean not null default false,
  review_reasons text[] not null default '{}',

  -- Scheduling state (additions)
  overlap_policy text not null default 'skip' check (overlap_policy in ('skip')),
  missed_count integer not null default 0 check (missed_count >= 0),

  -- Timestamps
  created_at timestamptz not null default timezone('utc'::text, now()),
  updated_at timestamptz not null default timezone('utc'::text, now()),

  constraint scheduled_tasks_schedule_consistent check (
    not is_scheduled or schedule_type is not null
  )
);
alter table app_public.scheduled_tasks enable row level security;
create index idx_scheduled_tasks_account_id on app_public.scheduled_tasks(account_id);
create index idx_scheduled_tasks_source_thread_id on app_public.scheduled_tasks(source_thread_id);
create index idx_scheduled_tasks_agent_id on app_public.scheduled_tasks(agent_id);
create index idx_scheduled_tasks_status on app_public.scheduled_tasks(status);
create index idx_scheduled_tasks_next_execution on app_public.scheduled_tasks(next_execution_at) where status = 'active';
create index idx_scheduled_tasks_created_at on app_public.scheduled_tasks(created_at);
create index idx_scheduled_tasks_account_created on app_public.scheduled_tasks(account_id, created_at);
create index idx_scheduled_tasks_account_name on app_public.scheduled_tasks(account_id, name);
create index idx_scheduled_tasks_account_next on app_public.scheduled_tasks(account_id, next_execution_at);
create trigger _100_timestamps before insert or update on app_public.scheduled_tasks
  for each row execute function app_private.tg__timestamps();
create policy select_member on app_public.scheduled_tasks for select
  using (account_id in (select app_hidden.current_user_account_ids()));
create policy update_member on app_public.scheduled_tasks for update
  using (account_id in (select app_hidden.current_user_account_ids()))
  with check (account_id in (select app_hidden.current_user_account_ids()));
create policy delete_member on app_public.scheduled_tasks for delete
  using (account_id in (select app_hidden.current_user_account_ids()));
grant select, delete on app_public.scheduled_tasks to :DATABASE_VISITOR;
grant update (name, description, generated_prompt) on app_public.scheduled_tasks to :DATABASE_VISITOR;

comment on table app_public.scheduled_tasks is
  E'A reusable agent task exported from a thread. Create with exportThread; change status only with pauseTask / resumeTask (and scheduleTask).';
comment on column app_public.scheduled_tasks.generated_prompt is
  'The prompt the agent runs. Empty while prompt_status is pending. Editing it marks prompt_source = user.';
comment on column app_public.scheduled_tasks.original_messages is 'Snapshot of the source thread''s messages (role, content, created_at) at export.';
comment on column app_public.scheduled_tasks.name is E'Task name, 1 to 255 characters.\n@behavior +orderBy';
comment on column app_public.scheduled_tasks.next_execution_at is E'When the next occurrence is due (null when not scheduled).\n@behavior +orderBy';
comment on column app_public.scheduled_tasks.timezone is 'IANA time zone the schedule is evaluated in.';
comment on column app_public.scheduled_tasks.execution_count is 'Occurrences dispatched so far (see README: what execution_count counts).';
comment on column app_public.scheduled_tasks.max_executions is 'Stop after this many executions; null for unlimited.';
comment on column app_public.scheduled_tasks.prompt_status is 'pending while the prompt is generated, ready when usable, failed with prompt_error.';
comment on column app_public.scheduled_tasks.prompt_source is 'Who wrote generated_prompt: model, offline (assembled without an LLM) or user.';
comment on column app_public.scheduled_tasks.needs_review is 'True when the conversation or prompt looked like a prompt injection; confirm with confirmTaskPrompt.';
comment on column app_public.scheduled_tasks.overlap_policy is 'What happens when an occurrence comes due while the previous run is still running: skip (recorded).';
comment on column app_public.scheduled_tasks.missed_count is 'Occurrences missed while no worker ran (downtime), summed over the task''s life.';

-- A user's own edit of the prompt is recorded as such.
create function app_private.tg_scheduled_tasks__user_prompt_edit() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  if new.generated_prompt is distinct from old.generated_prompt
     and new.prompt_source is not distinct from old.prompt_source then
    if length(new.generated_prompt) not between 1 and 20000 then
      perform app_hidden.raise_error('ST003', 'generated_prompt must be 1 to 20000 characters');
    end if;
    new.prompt_source := 'user';
    new.prompt_status := 'ready';
    new.prompt_error := null;
    new.prompt_generated_at := now();
  end if;
  return new;
end;
$$;
create trigger _200_user_prompt_edit before update on app_public.scheduled_tasks
  for each row execute function app_private.tg_scheduled_tasks__user_prompt_edit();

--------------------------------------------------------------------------------
-- task_executions: every column of the plan, plus trigger, occurrence and attempts.
--------------------------------------------------------------------------------

create table app_public.task_executions (
  execution_id uuid primary key default gen_random_uuid(),
  task_id uuid not null references app_public.scheduled_tasks(task_id) on delete cascade,
  account_id uuid not null references app_public.accounts(id) on delete cascade,
  agent_run_id uuid references app_public.agent_runs(id) on delete set null,
  thread_id uuid references app_public.threads(thread_id) on delete set null,

  -- Execution details
  status varchar(50) not null default 'pending' check (status in ('pending', 'running', 'completed', 'failed', 'cancelled')),
  started_at timestamptz,
  completed_at timestamptz,
  error_message text,

  -- Execution context
  execution_context jsonb not null default '{}'::jsonb,
  results jsonb not null default '{}'::jsonb,

  -- Additions
  trigger_type text not null default 'manual' check (trigger_type in ('manual', 'schedule')),
  scheduled_for timestamptz,
  attempts integer not null default 0 check (attempts >= 0),
  cancel_requested_at timestamptz,

  -- Timestamps
  created_at timestamptz not null default timezone('utc'::text, now()),
  updated_at timestamptz not null default timezone('utc'::text, now()),

  constraint task_executions_schedule_has_occurrence check (trigger_type <> 'schedule' or scheduled_for is not null)
);
alter table app_public.task_executions enable row level security;
create index idx_task_executions_task_id on app_public.task_executions(task_id);
create index idx_task_executions_status on app_public.task_executions(status);
create index idx_task_executions_started_at on app_public.task_executions(started_at);
create index idx_task_executions_account_id on app_public.task_executions(account_id);
create index idx_task_executions_agent_run_id on app_public.task_executions(agent_run_id);
create index idx_task_executions_thread_id on app_public.task_executions(thread_id);
create index idx_task_executions_task_created on app_public.task_executions(task_id, created_at desc);
-- Exactly one execution per occurrence, and never two live runs of one task.
create unique index task_executions_one_per_occurrence on app_public.task_executions(task_id, scheduled_for)
  where scheduled_for is not null;
create unique index task_executions_one_live_per_task on app_public.task_executions(task_id)
  where status in ('pending', 'running');
create trigger _100_timestamps before insert or update on app_public.task_executions
  for each row execute function app_private.tg__timestamps();
create policy select_member on app_public.task_executions for select
  using (account_id in (select app_hidden.current_user_account_ids()));
grant select on app_public.task_executions to :DATABASE_VISITOR;
comment on table app_public.task_executions is 'One run of a scheduled task: status, timing, thread, output, errors and usage. Read-only.';
comment on column app_public.task_executions.trigger_type is 'manual (executeTask) or schedule (the dispatcher).';
comment on column app_public.task_executions.scheduled_for is 'The occurrence this execution serves (scheduled runs only); unique per task.';
comment on column app_public.task_executions.attempts is 'How many times the run job started this execution.';

--------------------------------------------------------------------------------
-- Audit trail: who changed what, for tasks and executions. Owner-only.
--------------------------------------------------------------------------------

create table app_private.audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default clock_timestamp(),
  actor_user_id uuid,
  db_role text not null default current_user,
  account_id uuid,
  table_name text not null,
  row_id uuid,
  action text not null,
  changes jsonb not null default '{}'::jsonb
);
create index audit_log_account_at_idx on app_private.audit_log(account_id, at);
alter table app_private.audit_log enable row level security;
comment on table app_private.audit_log is 'Append-only audit of task and execution changes (status, schedule, prompt edits, deletes).';

create function app_private.tg__audit() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_row jsonb := to_jsonb(coalesce(new, old));
  v_old jsonb := case when tg_op = 'INSERT' then '{}'::jsonb else to_jsonb(old) end;
  v_changes jsonb := '{}'::jsonb;
  v_key text;
begin
  foreach v_key in array tg_argv loop
    if tg_op = 'INSERT' or tg_op = 'DELETE' or (v_old -> v_key) is distinct from (to_jsonb(new) -> v_key) then
      v_changes := v_changes || jsonb_build_object(v_key, case when tg_op = 'DELETE' then v_old -> v_key else v_row -> v_key end);
    end if;
  end loop;
  if tg_op = 'UPDATE' and v_changes = '{}'::jsonb then
    return null;
  end if;
  insert into app_private.audit_log (actor_user_id, account_id, table_name, row_id, action, changes)
  values (app_hidden.current_user_id(), (v_row ->> 'account_id')::uuid, tg_table_name,
          coalesce(v_row ->> 'execution_id', v_row ->> 'task_id')::uuid, lower(tg_op), v_changes);
  return null;
end;
$$;
create trigger _500_audit after insert or update or delete on app_public.scheduled_tasks
  for each row execute function app_private.tg__audit('status', 'name', 'generated_prompt', 'schedule_type', 'scheduled_at', 'cron_expression', 'timezone', 'max_executions', 'needs_review');
create trigger _500_audit after insert or update or delete on app_public.task_executions
  for each row execute function app_private.tg__audit('execution_id', 'status', 'trigger_type', 'scheduled_for', 'error_message');

--------------------------------------------------------------------------------
-- Task state machine (status changes only through these functions)
--------------------------------------------------------------------------------

-- True in an admin's psql session or the worker (owner or superuser, no SET ROLE to the visitor);
-- false for every API request, which runs as the visitor role through the authenticator.
create function app_private.is_admin() returns boolean
  language sql stable as $$
  select pg_catalog.current_setting('role', true) is distinct from ':DATABASE_VISITOR'
     and session_user <> ':DATABASE_AUTHENTICATOR';
$$;

-- Loads a task the caller may see, locked for update; "not found" when it is another account's.
create function app_private.load_task_for_update(task_id uuid) returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks;
begin
  select t.* into v_task from app_public.scheduled_tasks t
  where t.task_id = load_task_for_update.task_id
    and (app_private.is_admin() or t.account_id in (select app_hidden.current_user_account_ids()))
  for update;
  if not found then
    perform app_hidden.raise_error('ST001', format('task %s not found', task_id));
  end if;
  return v_task;
end;
$$;
comment on function app_private.load_task_for_update(uuid) is
  'The task if the current user may see it (or, for the owner role in psql, any task), locked; raises ST001 otherwise.';

create function app_public.pause_task(task_id uuid) returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status <> 'active' then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only an active task can be paused', v_task.task_id, v_task.status));
  end if;
  update app_public.scheduled_tasks t set status = 'paused', next_execution_at = null
    where t.task_id = v_task.task_id returning * into v_task;
  return v_task;
end;
$$;
comment on function app_public.pause_task(uuid) is
  'Pauses an active task: it is not dispatched until resumed. Raises ST002 for any other status.';

create function app_public.resume_task(task_id uuid) returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if v_task.status <> 'paused' then
    perform app_hidden.raise_error('ST002',
      format('task %s is %s; only a paused task can be resumed', v_task.task_id, v_task.status));
  end if;
  update app_public.scheduled_tasks t set status = 'active'
    where t.task_id = v_task.task_id returning * into v_task;
  return v_task;
end;
$$;
comment on function app_public.resume_task(uuid) is
  'Resumes a paused task (status active). Raises ST002 unless the task is paused.';

grant execute on function app_public.pause_task(uuid), app_public.resume_task(uuid) to :DATABASE_VISITOR;
