-- The schema after every committed migration, dumped from PostgreSQL 15 by `npm run db:dump`: do not edit.
--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: app_hidden; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_hidden;

--
-- Name: app_private; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_private;

--
-- Name: app_public; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_public;

--
-- Name: public; Type: SCHEMA; Schema: -; Owner: -
--

-- *not* creating schema, since initdb creates it

--
-- Name: dispatch_decision; Type: TYPE; Schema: app_private; Owner: -
--

CREATE TYPE app_private.dispatch_decision AS (
	task_id uuid,
	scheduled_for timestamp with time zone,
	skip_reason text,
	missed integer,
	next_at timestamp with time zone
);

--
-- Name: current_user_account_ids(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.current_user_account_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select account_id from app_public.account_memberships where user_id = app_hidden.current_user_id();
$$;

--
-- Name: FUNCTION current_user_account_ids(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.current_user_account_ids() IS 'Accounts the current user is a member of. Policies call it as `(select app_hidden.current_user_account_ids())`.';

--
-- Name: current_user_email(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.current_user_email() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select lower(u.email) from app_public.users u where u.id = app_hidden.current_user_id();
$$;

--
-- Name: FUNCTION current_user_email(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.current_user_email() IS 'The signed-in user''s email (lower case), from their verified token; null when none.';

--
-- Name: current_user_id(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.current_user_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$
  select nullif(pg_catalog.current_setting('jwt.claims.sub', true), '')::uuid;
$$;

--
-- Name: FUNCTION current_user_id(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.current_user_id() IS 'The verified JWT subject of the current request (null for anonymous requests).';

--
-- Name: current_user_personal_account_id(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.current_user_personal_account_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select id from app_public.accounts
  where primary_owner_user_id = app_hidden.current_user_id() and personal_account;
$$;

--
-- Name: FUNCTION current_user_personal_account_id(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.current_user_personal_account_id() IS 'The current user''s personal account: the default account_id of rows created without one.';

--
-- Name: current_user_teammate_ids(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.current_user_teammate_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select distinct m.user_id from app_public.account_memberships m
  where m.account_id = any(array(select app_hidden.current_user_account_ids()));
$$;

--
-- Name: has_role_on_account(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.has_role_on_account(account_id uuid, account_role text DEFAULT NULL::text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select exists (
    select 1 from app_public.account_memberships m
    where m.user_id = app_hidden.current_user_id()
      and m.account_id = has_role_on_account.account_id
      and (has_role_on_account.account_role is null or m.account_role = has_role_on_account.account_role)
  );
$$;

--
-- Name: FUNCTION has_role_on_account(account_id uuid, account_role text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.has_role_on_account(account_id uuid, account_role text) IS 'True when the current user is a member of the account (with the given role, when one is given).';

--
-- Name: is_iana_timezone(text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.is_iana_timezone(name text) RETURNS boolean
    LANGUAGE sql IMMUTABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select name is not null and exists (select 1 from app_private.iana_timezones z where z.name = is_iana_timezone.name);
$$;

--
-- Name: mcp_servers_problem(jsonb); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.mcp_servers_problem(servers jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
declare
  v_entry jsonb;
  v_i integer := 0;
begin
  if servers is null or jsonb_typeof(servers) <> 'array' then
    return 'mcp_servers must be an array';
  end if;
  if jsonb_array_length(servers) > 20 then
    return 'mcp_servers may list at most 20 servers';
  end if;
  for v_entry in select e from jsonb_array_elements(servers) e loop
    v_i := v_i + 1;
    if jsonb_typeof(v_entry) <> 'object' then
      return format('mcp_servers[%s] must be an object {"name": "<server configured by the operator>"} or {"url": "https://…"}', v_i - 1);
    end if;
    if v_entry ?| array['command', 'args', 'env'] then
      return format('mcp_servers[%s]: commands cannot be given here; name a server the operator configured in MCP_SERVERS ({"name": "…"})', v_i - 1);
    end if;
    if exists (select 1 from jsonb_object_keys(v_entry) k where k not in ('name', 'url')) then
      return format('mcp_servers[%s]: only the keys name and url are allowed', v_i - 1);
    end if;
    if v_entry ? 'name' and (jsonb_typeof(v_entry -> 'name') <> 'string' or (v_entry ->> 'name') !~ '^[A-Za-z0-9_-]{1,64}$') then
      return format('mcp_servers[%s]: name must be 1-64 letters, digits, "_" or "-"', v_i - 1);
    end if;
    if v_entry ? 'url' then
      if jsonb_typeof(v_entry -> 'url') <> 'string' or length(v_entry ->> 'url') > 2048
         or (v_entry ->> 'url') !~* '^https://[^/?#@\s\\]+(?:[/?#]\S*)?$' then
        return format('mcp_servers[%s]: url must be an https:// URL (at most 2048 characters, no credentials) on a host in MCP_ALLOWED_HOSTS', v_i - 1);
      end if;
    elsif not v_entry ? 'name' then
      return format('mcp_servers[%s] must have a name or a url', v_i - 1);
    end if;
  end loop;
  return null;
end;
$_$;

--
-- Name: FUNCTION mcp_servers_problem(servers jsonb); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.mcp_servers_problem(servers jsonb) IS 'Null when an agent''s mcp_servers has an acceptable shape, else what is wrong.';

--
-- Name: provision_current_user(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.provision_current_user() RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
declare
  v_user_id uuid := app_hidden.current_user_id();
  v_email text := nullif(pg_catalog.current_setting('jwt.claims.email', true), '');
  v_account_id uuid;
begin
  if v_user_id is null then
    return null;
  end if;
  if v_email is not null and (length(v_email) > 254 or v_email !~ '^[^@\s]+@[^@\s]+$') then
    v_email := null;
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
$_$;

--
-- Name: FUNCTION provision_current_user(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.provision_current_user() IS 'Creates the user row (from the verified claims; an email claim that is not an email address of at most 254 characters is ignored) and their personal account on first sight; idempotent.';

--
-- Name: raise_error(text, text, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.raise_error(code text, message text, hint text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $$
begin
  raise exception using errcode = code, message = message, hint = coalesce(hint, '');
end;
$$;

--
-- Name: FUNCTION raise_error(code text, message text, hint text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.raise_error(code text, message text, hint text) IS 'Raises a project error (SQLSTATE STxxx, see the README table). Callable from invoker-rights triggers.';

--
-- Name: append_run_message(uuid, text, text, jsonb); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_execution app_public.task_executions;
begin
  select * into v_execution from app_public.task_executions e
   where e.execution_id = append_run_message.execution_id and e.status = 'running';
  if not found or v_execution.thread_id is null then
    return false;
  end if;
  insert into app_public.messages (thread_id, account_id, role, content, metadata)
  values (v_execution.thread_id, v_execution.account_id, role, left(content, 1000000),
          coalesce(metadata, '{}'::jsonb) || jsonb_build_object('execution_id', v_execution.execution_id));
  if append_run_message.role = 'assistant' and jsonb_typeof(metadata -> 'usage') = 'object' then
    perform app_private.record_model_usage(v_execution.account_id, 'agent', coalesce(v_execution.provider, 'unknown'),
      metadata ->> 'model', coalesce((metadata -> 'usage' ->> 'promptTokens')::int, 0), coalesce((metadata -> 'usage' ->> 'completionTokens')::int, 0),
      v_execution.task_id, v_execution.execution_id);
  end if;
  return true;
end;
$$;

--
-- Name: FUNCTION append_run_message(execution_id uuid, role text, content text, metadata jsonb); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb) IS 'Writes a message of a running execution to its thread; an assistant message''s model-call usage goes to the spend ledger.';

--
-- Name: apply_run_writes(jsonb); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.apply_run_writes(ops jsonb) RETURNS boolean[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_op jsonb;
  v_out boolean[] := '{}';
begin
  for v_op in select value from jsonb_array_elements(ops) loop
    if v_op ->> 'op' = 'append' then
      v_out := v_out || app_private.append_run_message((v_op ->> 'execution_id')::uuid, v_op ->> 'role', v_op ->> 'content', v_op -> 'metadata');
    elsif v_op ->> 'op' = 'finish' then
      v_out := v_out || app_private.finish_execution((v_op ->> 'execution_id')::uuid, v_op ->> 'status', v_op -> 'results', v_op ->> 'error');
    else
      raise exception 'apply_run_writes: unknown op %', v_op ->> 'op';
    end if;
  end loop;
  return v_out;
end;
$$;

--
-- Name: FUNCTION apply_run_writes(ops jsonb); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.apply_run_writes(ops jsonb) IS 'Applies a batch of run writes (append_run_message, finish_execution) in order, in one transaction; one result per op.';

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: scheduled_tasks; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.scheduled_tasks (
    task_id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid NOT NULL,
    source_thread_id uuid NOT NULL,
    agent_id uuid,
    name character varying(255) NOT NULL,
    description text,
    generated_prompt text DEFAULT ''::text NOT NULL,
    original_messages jsonb NOT NULL,
    is_scheduled boolean DEFAULT false NOT NULL,
    schedule_type character varying(50),
    scheduled_at timestamp with time zone,
    cron_expression character varying(100),
    timezone character varying(50) DEFAULT 'UTC'::character varying NOT NULL,
    last_executed_at timestamp with time zone,
    next_execution_at timestamp with time zone,
    execution_count integer DEFAULT 0 NOT NULL,
    max_executions integer,
    status character varying(50) DEFAULT 'draft'::character varying NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    prompt_status text DEFAULT 'pending'::text NOT NULL,
    prompt_error text,
    prompt_source text,
    prompt_generated_at timestamp with time zone,
    needs_review boolean DEFAULT false NOT NULL,
    review_reasons text[] DEFAULT '{}'::text[] NOT NULL,
    overlap_policy text DEFAULT 'skip'::text NOT NULL,
    missed_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT timezone('utc'::text, now()) NOT NULL,
    updated_at timestamp with time zone DEFAULT timezone('utc'::text, now()) NOT NULL,
    prompt_generation integer DEFAULT 1 NOT NULL,
    schedule_version integer DEFAULT 0 NOT NULL,
    paused_reason text,
    CONSTRAINT scheduled_tasks_cron_needs_expression CHECK ((((schedule_type)::text IS DISTINCT FROM 'cron'::text) OR (cron_expression IS NOT NULL))),
    CONSTRAINT scheduled_tasks_execution_count_check CHECK ((execution_count >= 0)),
    CONSTRAINT scheduled_tasks_max_executions_check CHECK (((max_executions IS NULL) OR (max_executions > 0))),
    CONSTRAINT scheduled_tasks_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT scheduled_tasks_missed_count_check CHECK ((missed_count >= 0)),
    CONSTRAINT scheduled_tasks_name_check CHECK (((length((name)::text) >= 1) AND (length((name)::text) <= 255))),
    CONSTRAINT scheduled_tasks_once_needs_time CHECK ((((schedule_type)::text IS DISTINCT FROM 'once'::text) OR (scheduled_at IS NOT NULL))),
    CONSTRAINT scheduled_tasks_overlap_policy_check CHECK ((overlap_policy = 'skip'::text)),
    CONSTRAINT scheduled_tasks_prompt_generation_check CHECK ((prompt_generation > 0)),
    CONSTRAINT scheduled_tasks_prompt_source_check CHECK ((prompt_source = ANY (ARRAY['model'::text, 'offline'::text, 'user'::text]))),
    CONSTRAINT scheduled_tasks_prompt_status_check CHECK ((prompt_status = ANY (ARRAY['pending'::text, 'ready'::text, 'failed'::text]))),
    CONSTRAINT scheduled_tasks_schedule_consistent CHECK (((NOT is_scheduled) OR (schedule_type IS NOT NULL))),
    CONSTRAINT scheduled_tasks_schedule_type_check CHECK (((schedule_type)::text = ANY ((ARRAY['once'::character varying, 'daily'::character varying, 'weekly'::character varying, 'monthly'::character varying, 'cron'::character varying])::text[]))),
    CONSTRAINT scheduled_tasks_status_check CHECK (((status)::text = ANY ((ARRAY['draft'::character varying, 'active'::character varying, 'paused'::character varying, 'completed'::character varying, 'failed'::character varying])::text[])))
);

--
-- Name: TABLE scheduled_tasks; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.scheduled_tasks IS 'A reusable agent task exported from a thread. Create with exportThread; change status only with pauseTask / resumeTask (and scheduleTask).';

--
-- Name: COLUMN scheduled_tasks.name; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.name IS 'Task name, 1 to 255 characters.
@behavior +orderBy';

--
-- Name: COLUMN scheduled_tasks.generated_prompt; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.generated_prompt IS 'The prompt the agent runs. Empty while prompt_status is pending. Editing it marks prompt_source = user.';

--
-- Name: COLUMN scheduled_tasks.original_messages; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.original_messages IS 'Snapshot of the source thread''s messages (role, content, created_at) at export.';

--
-- Name: COLUMN scheduled_tasks.timezone; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.timezone IS 'IANA time zone the schedule is evaluated in.';

--
-- Name: COLUMN scheduled_tasks.next_execution_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.next_execution_at IS 'When the next occurrence is due (null when not scheduled).
@behavior +orderBy';

--
-- Name: COLUMN scheduled_tasks.execution_count; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.execution_count IS 'Occurrences dispatched so far (see README: what execution_count counts).';

--
-- Name: COLUMN scheduled_tasks.max_executions; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.max_executions IS 'Stop after this many executions; null for unlimited.';

--
-- Name: COLUMN scheduled_tasks.prompt_status; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.prompt_status IS 'pending while the prompt is generated, ready when usable, failed with prompt_error.';

--
-- Name: COLUMN scheduled_tasks.prompt_source; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.prompt_source IS 'Who wrote generated_prompt: model, offline (assembled without an LLM) or user.';

--
-- Name: COLUMN scheduled_tasks.needs_review; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.needs_review IS 'True when the conversation or prompt looked like a prompt injection; confirm with confirmTaskPrompt.';

--
-- Name: COLUMN scheduled_tasks.overlap_policy; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.overlap_policy IS 'What happens when an occurrence comes due while the previous run is still running: skip (recorded).';

--
-- Name: COLUMN scheduled_tasks.missed_count; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.missed_count IS 'Occurrences missed while no worker ran (downtime), summed over the task''s life.';

--
-- Name: COLUMN scheduled_tasks.prompt_generation; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.prompt_generation IS 'Increases with every regenerate_prompt; a generation job only writes back when it still matches.';

--
-- Name: COLUMN scheduled_tasks.schedule_version; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.schedule_version IS 'Increases whenever the schedule changes; the worker plans next_execution_at for the version it read.';

--
-- Name: COLUMN scheduled_tasks.paused_reason; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.paused_reason IS 'Why the task was paused by the system (e.g. its prompt was flagged for review); null when paused by a user or not paused.';

--
-- Name: assert_task_runnable(app_public.scheduled_tasks); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.assert_task_runnable(task app_public.scheduled_tasks) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
begin
  if task.prompt_status <> 'ready' or task.generated_prompt = '' then
    perform app_hidden.raise_error('ST006', format('task %s has no ready prompt (prompt_status = %s)', task.task_id, task.prompt_status),
      'wait for prompt generation to finish, or write the prompt yourself');
  end if;
  if task.needs_review then
    perform app_hidden.raise_error('ST007', format('task %s is awaiting review: %s', task.task_id, array_to_string(task.review_reasons, '; ')),
      'read the prompt, then confirm it with confirmTaskPrompt');
  end if;
end;
$$;

--
-- Name: back_off_provider(text, timestamp with time zone, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.back_off_provider(provider text, retry_at timestamp with time zone, reason text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  insert into app_private.model_providers as p (provider, backoff_until, backoff_reason)
  values (back_off_provider.provider, retry_at, left(reason, 500))
  on conflict (provider) do update
    set backoff_until = greatest(coalesce(p.backoff_until, '-infinity'), excluded.backoff_until),
        backoff_reason = excluded.backoff_reason, updated_at = now();
$$;

--
-- Name: can_see_account(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.can_see_account(account_id uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select app_private.is_admin() or can_see_account.account_id in (select app_hidden.current_user_account_ids());
$$;

--
-- Name: FUNCTION can_see_account(account_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.can_see_account(account_id uuid) IS 'True for members of the account (and for the owner role in psql).';

--
-- Name: cancel_pending_scheduled(uuid, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.cancel_pending_scheduled(task_id uuid, reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: charge_execution(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.charge_execution(account_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION charge_execution(account_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.charge_execution(account_id uuid) IS 'Counts one execution for the account and its billing owner; refuses it (ST008) beyond the owner''s monthly executions, or (ST010) when their tokens are used up.';

--
-- Name: charge_prompt_generation(uuid, uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.charge_prompt_generation(account_id uuid, task_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION charge_prompt_generation(account_id uuid, task_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.charge_prompt_generation(account_id uuid, task_id uuid) IS 'Counts a prompt generation for the account''s billing owner; refuses it (ST013) beyond the plan''s prompt_generations_per_hour (admins in psql are not limited).';

--
-- Name: check_run_allowed(uuid, text, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.check_run_allowed(account_id uuid, model text, max_tokens integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select r.message || ' (' || r.code || ')' from app_private.model_call_refusal(account_id, model, max_tokens, true) r
   where r.code is not null;
$$;

--
-- Name: FUNCTION check_run_allowed(account_id uuid, model text, max_tokens integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.check_run_allowed(account_id uuid, model text, max_tokens integer) IS 'Null when the account''s billing owner may make a model call with this model and max_tokens (the resolved values) now;
otherwise a readable refusal ending with its code: "(ST011)" model not allowed, "(ST012)" max_tokens above the ceiling,
"(ST010)" monthly token allowance used up. Call it when a run starts (and between steps, for the allowance).';

--
-- Name: check_token_allowance(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.check_token_allowance(account_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select app_private.check_run_allowed(account_id, null, null);
$$;

--
-- Name: FUNCTION check_token_allowance(account_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.check_token_allowance(account_id uuid) IS 'Null while the account''s billing owner has tokens left this month; otherwise the refusal ("… (ST010)"). Checked before every prompt-generation call.';

--
-- Name: claim_due_tasks(timestamp with time zone, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.claim_due_tasks(until timestamp with time zone, batch_size integer) RETURNS TABLE(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, next_execution_at timestamp with time zone, execution_count integer, max_executions integer, schedule_version integer)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select t.task_id, t.schedule_type, t.scheduled_at, t.cron_expression, t.timezone,
         t.next_execution_at, t.execution_count, t.max_executions, t.schedule_version
    from app_public.scheduled_tasks t
   where t.status = 'active' and t.next_execution_at <= until and not t.needs_review
   order by t.next_execution_at
   limit batch_size
   for update skip locked;
$$;

--
-- Name: claim_runs(text, integer, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.claim_runs(worker_id text, max_runs integer, provider text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
    with due_runs as (
      select e.execution_id, e.account_id, coalesce(e.scheduled_for, e.created_at) as due_at, a.primary_owner_user_id as owner_id,
             row_number() over (partition by e.account_id order by coalesce(e.scheduled_for, e.created_at), e.execution_id) as account_rank
        from app_public.task_executions e
        join app_public.accounts a on a.id = e.account_id
       where e.status = 'pending' and coalesce(e.scheduled_for, e.created_at) <= v_now
         and (e.run_after is null or e.run_after <= v_now)
    ), caps as (
      -- one plan lookup per distinct owner, set-based (not one function call per due run)
      select p.owner_user_id as owner_id, (p.limits).max_concurrent_executions as cap
        from app_private.owner_plans(array(select distinct d.owner_id from due_runs d)) p
    ), due as (
      select d.*, c.cap from due_runs d left join caps c on c.owner_id = d.owner_id
    ), owners_running as (
      -- every owner with runs in progress (a hash aggregate over the running runs); filtering by the due
      -- owners made the planner re-scan the due set once per running run
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

--
-- Name: FUNCTION claim_runs(worker_id text, max_runs integer, provider text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.claim_runs(worker_id text, max_runs integer, provider text) IS 'Claims up to max_runs runnable executions for a worker process: due pending runs, round-robin across accounts (each account''s oldest first),
within each paying owner''s plan concurrency cap and the provider''s shared limits. Also recovers runs of dead workers. Returns {ids, next_due_at, waiting_reason}.';

--
-- Name: cleanup_executions(timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.cleanup_executions(now_at timestamp with time zone DEFAULT now()) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION cleanup_executions(now_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.cleanup_executions(now_at timestamp with time zone) IS 'Deletes finished executions older than retention_settings.executions and the run threads they created (not threads a task was exported from).';

--
-- Name: complete_prompt_generation(uuid, integer, text, text, jsonb, text[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.complete_prompt_generation(task_id uuid, generation integer, prompt text, source text, info jsonb, review_reasons text[]) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  update app_public.scheduled_tasks t
     set generated_prompt = prompt,
         prompt_source = source,
         prompt_status = 'ready',
         prompt_error = null,
         prompt_generated_at = now(),
         needs_review = cardinality(complete_prompt_generation.review_reasons) > 0,
         review_reasons = complete_prompt_generation.review_reasons,
         metadata = t.metadata || jsonb_build_object('prompt', info || jsonb_build_object('generation', generation))
   where t.task_id = complete_prompt_generation.task_id and t.prompt_generation = generation;
  return found;
end;
$$;

--
-- Name: configure_provider(text, integer, integer, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.configure_provider(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  insert into app_private.model_providers as p (provider, max_concurrent, requests_per_minute, tokens_per_minute)
  values (configure_provider.provider, configure_provider.max_concurrent, configure_provider.requests_per_minute, configure_provider.tokens_per_minute)
  on conflict (provider) do update
    set max_concurrent = excluded.max_concurrent, requests_per_minute = excluded.requests_per_minute,
        tokens_per_minute = excluded.tokens_per_minute, updated_at = now();
$$;

--
-- Name: FUNCTION configure_provider(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.configure_provider(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer) IS 'Sets a provider''s shared limits (MODEL_MAX_CONCURRENT, MODEL_REQUESTS_PER_MINUTE, MODEL_TOKENS_PER_MINUTE); the last worker to start wins.';

--
-- Name: task_executions; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.task_executions (
    execution_id uuid DEFAULT gen_random_uuid() NOT NULL,
    task_id uuid NOT NULL,
    account_id uuid NOT NULL,
    agent_run_id uuid,
    thread_id uuid,
    status character varying(50) DEFAULT 'pending'::character varying NOT NULL,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    error_message text,
    execution_context jsonb DEFAULT '{}'::jsonb NOT NULL,
    results jsonb DEFAULT '{}'::jsonb NOT NULL,
    trigger_type text DEFAULT 'manual'::text NOT NULL,
    scheduled_for timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    cancel_requested_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT timezone('utc'::text, now()) NOT NULL,
    updated_at timestamp with time zone DEFAULT timezone('utc'::text, now()) NOT NULL,
    lease_owner text,
    run_after timestamp with time zone,
    wait_reason text,
    provider text,
    CONSTRAINT task_executions_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT task_executions_schedule_has_occurrence CHECK (((trigger_type <> 'schedule'::text) OR (scheduled_for IS NOT NULL))),
    CONSTRAINT task_executions_status_check CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'running'::character varying, 'completed'::character varying, 'failed'::character varying, 'cancelled'::character varying])::text[]))),
    CONSTRAINT task_executions_trigger_type_check CHECK ((trigger_type = ANY (ARRAY['manual'::text, 'schedule'::text])))
);

--
-- Name: TABLE task_executions; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.task_executions IS 'One run of a scheduled task: status, timing, thread, output, errors and usage. Read-only.';

--
-- Name: COLUMN task_executions.execution_context; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.execution_context IS 'Who/what started it and with what: trigger, requested_by, requested_at, reason, prompt_sha256, prompt_source, agent_id, model.';

--
-- Name: COLUMN task_executions.results; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.results IS 'Outcome: final_answer, message_count, usage {promptTokens, completionTokens, totalTokens}, duration_ms, executor, model (dry_run = true offline).';

--
-- Name: COLUMN task_executions.trigger_type; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.trigger_type IS 'manual (executeTask) or schedule (the dispatcher).';

--
-- Name: COLUMN task_executions.scheduled_for; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.scheduled_for IS 'The occurrence this execution serves (scheduled runs only); unique per task.';

--
-- Name: COLUMN task_executions.attempts; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.attempts IS 'How many times the run job started this execution.';

--
-- Name: COLUMN task_executions.cancel_requested_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.cancel_requested_at IS 'When a cancel was requested (cancelExecution).';

--
-- Name: COLUMN task_executions.lease_owner; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.lease_owner IS 'The worker process running it (run_workers.worker_id).
@behavior -*';

--
-- Name: COLUMN task_executions.run_after; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.run_after IS 'A pending execution does not start before this time (a retry''s back-off, a provider''s Retry-After).';

--
-- Name: COLUMN task_executions.wait_reason; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.wait_reason IS 'Why a due execution has not started yet (plan concurrency limit, model provider limit, retry back-off); null once it runs.';

--
-- Name: COLUMN task_executions.provider; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.provider IS 'The model provider the run was started on (OPENAI_BASE_URL or offline).
@behavior -*';

--
-- Name: create_execution(app_public.scheduled_tasks, text, timestamp with time zone, jsonb, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.create_execution(task app_public.scheduled_tasks, trigger_type text, scheduled_for timestamp with time zone, context jsonb, run_at timestamp with time zone DEFAULT now()) RETURNS app_public.task_executions
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: dispatch_occurrences(app_private.dispatch_decision[], timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamp with time zone) RETURNS TABLE(dispatched integer, skipped integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamp with time zone) IS 'Creates one execution per decided occurrence (pending, trigger schedule, scheduled_for) and wakes the run pools, which start each at its own second;
overlapping occurrences, and those beyond the billing owner''s monthly executions, are recorded as skipped (cancelled, results.skipped).
Advances next_execution_at, execution_count and missed_count; completes tasks at max_executions or when no next time exists.';

--
-- Name: enqueue_prompt_generation(app_public.scheduled_tasks); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.enqueue_prompt_generation(task app_public.scheduled_tasks) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION enqueue_prompt_generation(task app_public.scheduled_tasks); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.enqueue_prompt_generation(task app_public.scheduled_tasks) IS 'Enqueues prompt generation for the task''s current generation, within the owner''s hourly rate limit (ST013).';

--
-- Name: execution_is_live(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.execution_is_live(execution_id uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select exists (select 1 from app_public.task_executions e where e.execution_id = execution_is_live.execution_id and e.status = 'running');
$$;

--
-- Name: fail_prompt_generation(uuid, integer, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.fail_prompt_generation(task_id uuid, generation integer, error text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  update app_public.scheduled_tasks t
     set prompt_status = case when t.generated_prompt = '' then 'failed' else t.prompt_status end,
         prompt_error = left(error, 2000),
         metadata = t.metadata || jsonb_build_object('prompt_failed_generation', generation)
   where t.task_id = fail_prompt_generation.task_id and t.prompt_generation = generation;
  return found;
end;
$$;

--
-- Name: fail_schedule(uuid, integer, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.fail_schedule(task_id uuid, schedule_version integer, error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  update app_public.scheduled_tasks t
     set status = 'failed', metadata = t.metadata || jsonb_build_object('schedule_error', error)
   where t.task_id = fail_schedule.task_id and t.schedule_version = fail_schedule.schedule_version and t.status = 'active';
$$;

--
-- Name: finish_execution(uuid, text, jsonb, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.finish_execution(execution_id uuid, status text, results jsonb, error text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: hand_over_run(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.hand_over_run(execution_id uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  update app_public.task_executions e set lease_owner = null
   where e.execution_id = hand_over_run.execution_id and e.status = 'running';
$$;

--
-- Name: heartbeat_run_worker(text, integer, text, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer) RETURNS uuid[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
begin
  insert into app_private.run_workers as w (worker_id, lease_expires_at, capacity, provider)
  values (heartbeat_run_worker.worker_id, now() + make_interval(secs => heartbeat_run_worker.lease_seconds), heartbeat_run_worker.capacity, heartbeat_run_worker.provider)
  on conflict (worker_id) do update
    set heartbeat_at = now(), lease_expires_at = excluded.lease_expires_at, capacity = excluded.capacity, provider = excluded.provider;
  return array(select e.execution_id from app_public.task_executions e
                where e.status = 'running' and e.lease_owner = heartbeat_run_worker.worker_id);
end;
$$;

--
-- Name: FUNCTION heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer) IS 'Renews a worker process''s lease (one row, whatever its number of runs) and returns the runs it still holds; a run missing from the list was cancelled or taken away.';

--
-- Name: is_admin(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.is_admin() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  select pg_catalog.current_setting('role', true) is distinct from 'sat_visitor'
     and session_user <> 'sat_authenticator';
$$;

--
-- Name: load_task_for_update(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.load_task_for_update(task_id uuid) RETURNS app_public.scheduled_tasks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION load_task_for_update(task_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.load_task_for_update(task_id uuid) IS 'The task if the current user may see it (or, for the owner role in psql, any task), locked; raises ST001 otherwise.';

--
-- Name: model_call_refusal(uuid, text, integer, boolean); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.model_call_refusal(account_id uuid, model text, max_tokens integer, include_allowance boolean, OUT code text, OUT message text) RETURNS record
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION model_call_refusal(account_id uuid, model text, max_tokens integer, include_allowance boolean, OUT code text, OUT message text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.model_call_refusal(account_id uuid, model text, max_tokens integer, include_allowance boolean, OUT code text, OUT message text) IS 'The first plan rule a model call of this account would break (ST011 model, ST012 max_tokens, ST010 token allowance), or nulls.';

--
-- Name: plan_limits; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.plan_limits (
    plan text NOT NULL,
    executions_per_month integer,
    max_concurrent_executions integer,
    tier integer DEFAULT 0 NOT NULL,
    tokens_per_month bigint,
    allowed_models text[],
    max_tokens_ceiling integer,
    prompt_generations_per_hour integer,
    CONSTRAINT plan_limits_allowed_models_check CHECK (((allowed_models IS NULL) OR (cardinality(allowed_models) > 0))),
    CONSTRAINT plan_limits_executions_per_month_check CHECK (((executions_per_month IS NULL) OR (executions_per_month >= 0))),
    CONSTRAINT plan_limits_max_concurrent_executions_check CHECK (((max_concurrent_executions IS NULL) OR (max_concurrent_executions > 0))),
    CONSTRAINT plan_limits_max_tokens_ceiling_check CHECK (((max_tokens_ceiling IS NULL) OR (max_tokens_ceiling > 0))),
    CONSTRAINT plan_limits_prompt_generations_per_hour_check CHECK (((prompt_generations_per_hour IS NULL) OR (prompt_generations_per_hour >= 0))),
    CONSTRAINT plan_limits_tokens_per_month_check CHECK (((tokens_per_month IS NULL) OR (tokens_per_month >= 0)))
);

--
-- Name: TABLE plan_limits; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.plan_limits IS 'Allowances per billing plan; null = unlimited. Monthly executions and tokens are counted per billing owner (all accounts
whose primary owner is the same user); the owner''s plan is the highest-tier plan among those accounts. Edit in psql to change plans.';

--
-- Name: COLUMN plan_limits.executions_per_month; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.plan_limits.executions_per_month IS 'Executions per calendar month (UTC) per billing owner, over all their accounts (ST008).';

--
-- Name: COLUMN plan_limits.max_concurrent_executions; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.plan_limits.max_concurrent_executions IS 'Runs in progress at once, per account.';

--
-- Name: COLUMN plan_limits.tier; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.plan_limits.tier IS 'Rank of the plan: a billing owner gets the allowances of the highest-tier plan among the accounts they own.';

--
-- Name: COLUMN plan_limits.tokens_per_month; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.plan_limits.tokens_per_month IS 'Model tokens (input + output, prompt generation and agent runs) per calendar month (UTC) per billing owner (ST010).';

--
-- Name: COLUMN plan_limits.allowed_models; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.plan_limits.allowed_models IS 'Models an agent may use; null = any (ST011).';

--
-- Name: COLUMN plan_limits.max_tokens_ceiling; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.plan_limits.max_tokens_ceiling IS 'Highest max_tokens per model call an agent may ask for; null = no ceiling (ST012).';

--
-- Name: COLUMN plan_limits.prompt_generations_per_hour; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.plan_limits.prompt_generations_per_hour IS 'exportThread + regeneratePrompt calls per rolling hour per billing owner; null = unlimited (ST013).';

--
-- Name: owner_plan_limits(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.owner_plan_limits(owner_user_id uuid) RETURNS app_private.plan_limits
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select p.limits from app_private.owner_plans(array[owner_plan_limits.owner_user_id]) p;
$$;

--
-- Name: FUNCTION owner_plan_limits(owner_user_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.owner_plan_limits(owner_user_id uuid) IS 'The plan whose allowances apply to a billing owner (app_private.owner_plans for one owner).';

--
-- Name: owner_plans(uuid[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.owner_plans(owner_user_ids uuid[]) RETURNS TABLE(owner_user_id uuid, limits app_private.plan_limits)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  -- a join on the owners (index on accounts.primary_owner_user_id), not "= any(array)" tested per account
  select distinct on (a.primary_owner_user_id) a.primary_owner_user_id, l
    from (select distinct o.id from unnest(owner_plans.owner_user_ids) as o(id)) o
    join app_public.accounts a on a.primary_owner_user_id = o.id
    join app_private.plan_limits l on l.plan = a.plan
   order by a.primary_owner_user_id, l.tier desc, l.plan;
$$;

--
-- Name: FUNCTION owner_plans(owner_user_ids uuid[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.owner_plans(owner_user_ids uuid[]) IS 'The plan whose allowances apply to each billing owner: the highest-tier plan among the accounts the user is primary owner of.';

--
-- Name: prompt_hash(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.prompt_hash(prompt text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
  select encode(sha256(convert_to(prompt, 'UTF8')), 'hex');
$$;

--
-- Name: provider_budget(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone) RETURNS record
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
    select count(*), coalesce(sum(m.total_tokens), 0) into v_requests, v_tokens
      from app_private.model_usage m
     where m.provider = v_p.provider and m.at > now() - interval '1 minute';
    if v_p.requests_per_minute is not null then
      -- completed calls of the last minute, plus one per run in flight (its call is under way)
    select count(*) into v_running from app_public.task_executions e where e.status = 'running' and e.provider = v_p.provider and e.lease_owner is not null;
    available := least(coalesce(available, v_p.requests_per_minute), greatest(v_p.requests_per_minute - v_requests - v_running, 0));
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

--
-- Name: FUNCTION provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone) IS 'Requests the provider can take now under its shared limits (null: unlimited), why not when 0, and when to look again.';

--
-- Name: record_model_usage(uuid, text, text, text, integer, integer, uuid, uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_model_usage(account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer, task_id uuid DEFAULT NULL::uuid, execution_id uuid DEFAULT NULL::uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION record_model_usage(account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer, task_id uuid, execution_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.record_model_usage(account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer, task_id uuid, execution_id uuid) IS 'Records one model call (kind prompt | agent) in the ledger and adds its tokens to the account''s and its billing owner''s
monthly counters. Call it after every completed model call, whatever its outcome; it never refuses (check first with
check_run_allowed / check_token_allowance).';

--
-- Name: record_run_usage(uuid, text, integer, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_run_usage(execution_id uuid, model text, input_tokens integer, output_tokens integer) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select app_private.record_model_usage(e.account_id, 'agent', coalesce(e.provider, 'unknown'), record_run_usage.model,
                                        record_run_usage.input_tokens, record_run_usage.output_tokens, e.task_id, e.execution_id)
    from app_public.task_executions e where e.execution_id = record_run_usage.execution_id;
$$;

--
-- Name: record_webhook_event(uuid, text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_webhook_event(agent_run_id uuid, event_id text, event_type text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
begin
  insert into app_private.webhook_events (agent_run_id, event_id, event_type)
  values (record_webhook_event.agent_run_id, record_webhook_event.event_id, record_webhook_event.event_type)
  on conflict do nothing;
  return found;
end;
$$;

--
-- Name: FUNCTION record_webhook_event(agent_run_id uuid, event_id text, event_type text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.record_webhook_event(agent_run_id uuid, event_id text, event_type text) IS 'Records a callback event for a run; false when that event id was already applied (call in the transaction that applies it).';

--
-- Name: recover_lost_runs(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.recover_lost_runs() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: refuse_execution(uuid, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.refuse_execution(execution_id uuid, error text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
begin
  update app_public.task_executions e
     set status = 'failed', completed_at = now(), lease_owner = null, wait_reason = null,
         results = e.results || jsonb_build_object('refused', true, 'billed', false),
         error_message = left(refuse_execution.error, 4000)
   where e.execution_id = refuse_execution.execution_id and e.status in ('running', 'pending')
  returning * into v_execution;
  if not found then
    return false;
  end if;
  update app_public.agent_runs r set status = 'failed', completed_at = now(), error = left(refuse_execution.error, 4000)
   where r.id = v_execution.agent_run_id;
  -- the roll-up trigger gives it back to the billing owner too
  update app_private.account_usage u set executions = greatest(u.executions - 1, 0)
   where u.account_id = v_execution.account_id and u.period = app_private.usage_period(v_execution.created_at);
  return true;
end;
$$;

--
-- Name: FUNCTION refuse_execution(execution_id uuid, error text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.refuse_execution(execution_id uuid, error text) IS 'Fails an execution refused before it ran (its MCP servers are not allowed) and gives back the execution it was billed for.';

--
-- Name: release_run_worker(text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.release_run_worker(worker_id text, reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: retry_execution_later(uuid, text, timestamp with time zone, boolean); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone DEFAULT now(), count_attempt boolean DEFAULT true) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  update app_public.task_executions e
     set status = 'pending', lease_owner = null, run_after = retry_execution_later.run_after,
         attempts = case when count_attempt then e.attempts else greatest(e.attempts - 1, 0) end,
         error_message = left(case when count_attempt then 'attempt ' || e.attempts || ' failed, will retry: ' else 'waiting to retry: ' end || error, 2000),
         wait_reason = left('retry after ' || to_char(retry_execution_later.run_after at time zone 'UTC', 'HH24:MI:SS" UTC"') || ': ' || error, 500)
   where e.execution_id = retry_execution_later.execution_id and e.status = 'running';
$$;

--
-- Name: screen_prompt(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.screen_prompt(prompt text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
declare
  v_folded text;
  v_reasons text[] := '{}';
begin
  if prompt is null or prompt = '' then
    return v_reasons;
  end if;
  v_folded := normalize(regexp_replace(prompt,
    '[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\U000E0000-\U000E007F]', '', 'g'), NFKC);
  if v_folded ~* '\y(?:ignore|disregard|forget|override)\y[^.\n]{0,30}?\y(?:previous|prior|above|earlier|preceding|system|your)\s+(?:instructions?|prompts?|rules|directions|guidelines)\y|\y(?:ignore|disregard|forget)\s+(?:everything|all)\s+(?:above|before)\y' then
    v_reasons := v_reasons || 'override_instructions: asks to ignore previous instructions'::text;
  end if;
  if v_folded ~* '\yyou\s+are\s+now\s+(?:a|an|the|my|no\s+longer|DAN|in\s+\w+\s+mode|unrestricted|jailbroken)\y' then
    v_reasons := v_reasons || 'role_hijack: tries to give the model a new role ("you are now …")'::text;
  end if;
  if v_folded ~* '\ynew\s+(?:system\s+)?instructions?\s*:' then
    v_reasons := v_reasons || 'role_hijack: announces replacement instructions ("new instructions:")'::text;
  end if;
  if v_folded ~* '(?n)^[ \t>]*(?:system[ \t]*:|#{1,6}[ \t]*system(?:[ \t]+(?:prompt|message|instructions?))?[ \t]*:?[ \t]*$)' then
    v_reasons := v_reasons || 'fake_role_marker: line impersonating a system message'::text;
  end if;
  if v_folded ~* '<\|(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id)\|>|\[/?INST\]|<</?SYS>>|</s>' then
    v_reasons := v_reasons || 'fake_role_marker: chat-template control token (<|im_start|>, [INST], <<SYS>>, </s>)'::text;
  end if;
  if v_folded ~* '\y(?:reveal|show|print|output|repeat|display|leak|dump|tell\s+me|what\s+(?:is|are))\y[^.\n]{0,40}?\y(?:system\s+prompt|(?:initial|original|hidden|secret)\s+(?:instructions|prompt)|your\s+(?:instructions|system\s+prompt|prompt|rules))\y' then
    v_reasons := v_reasons || 'reveal_system_prompt: asks to reveal the system prompt'::text;
  end if;
  if prompt ~ '[\U000E0000-\U000E007F]' then
    v_reasons := v_reasons || 'hidden_text: Unicode tag characters (invisible ASCII smuggling)'::text;
  end if;
  if prompt ~ '[\u202A-\u202E\u2066-\u2069]' then
    v_reasons := v_reasons || 'hidden_text: bidirectional override/isolate characters'::text;
  end if;
  if prompt ~ '[\u200B\u2060-\u2064]|.\uFEFF|[\u200B-\u200F\u2060-\u2064\uFEFF]{2}' then
    v_reasons := v_reasons || 'hidden_text: zero-width characters'::text;
  end if;
  return v_reasons;
end;
$_$;

--
-- Name: FUNCTION screen_prompt(prompt text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.screen_prompt(prompt text) IS 'Prompt-injection screening (the rules of src/llm/safety.ts detectInjection): stable "code: description" reasons, empty when nothing matched.';

--
-- Name: set_next_execution(uuid, integer, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.set_next_execution(task_id uuid, schedule_version integer, next_at timestamp with time zone, scheduled_at timestamp with time zone) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: snapshot_thread(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.snapshot_thread(thread_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce(jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content, 'created_at', m.created_at) order by m.seq), '[]'::jsonb)
  from app_public.messages m where m.thread_id = snapshot_thread.thread_id;
$$;

--
-- Name: start_claimed_runs(uuid[], text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.start_claimed_runs(execution_ids uuid[], executor text, model text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce(jsonb_agg(s), '[]'::jsonb)
    from unnest(execution_ids) as id, lateral app_private.start_execution(id, executor, model) s
   where s is not null;
$$;

--
-- Name: start_execution(uuid, text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.start_execution(execution_id uuid, executor text, model text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION start_execution(execution_id uuid, executor text, model text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.start_execution(execution_id uuid, executor text, model text) IS 'Prepares a claimed run (thread, prompt message, agent run; reused when resuming). Locks the task, then the execution
(the order of execute_task). A run of a task awaiting review is cancelled and null returned.';

--
-- Name: tg__audit(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: tg__notify_task(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__notify_task() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_row jsonb := to_jsonb(coalesce(new, old));
begin
  perform pg_notify('graphql:task:' || (v_row ->> 'task_id'), json_build_object(
    'event', tg_argv[0] || case when tg_op = 'DELETE' then '_deleted' else '' end,
    'task_id', v_row ->> 'task_id',
    'execution_id', v_row ->> 'execution_id',
    'status', v_row ->> 'status')::text);
  return null;
end;
$$;

--
-- Name: tg__timestamps(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__timestamps() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  new.created_at := (case when tg_op = 'INSERT' then now() else old.created_at end);
  new.updated_at := (case when tg_op = 'UPDATE' and old.updated_at >= now() then old.updated_at + interval '1 millisecond' else now() end);
  return new;
end;
$$;

--
-- Name: FUNCTION tg__timestamps(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg__timestamps() IS 'Keeps created_at fixed and moves updated_at forward on every update (the plan''s update_updated_at_column()).';

--
-- Name: tg__visitor_update_begin(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__visitor_update_begin() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform pg_catalog.set_config('app.visitor_updated_rows', '0', true);
  return null;
end;
$$;

--
-- Name: tg__visitor_update_count(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__visitor_update_count() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform pg_catalog.set_config('app.visitor_updated_rows',
    (coalesce(nullif(pg_catalog.current_setting('app.visitor_updated_rows', true), ''), '0')::bigint + 1)::text, true);
  return null;
end;
$$;

--
-- Name: tg__visitor_update_must_match(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__visitor_update_must_match() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if coalesce(nullif(pg_catalog.current_setting('app.visitor_updated_rows', true), ''), '0') = '0' then
    raise exception using errcode = 'P0002',
      message = format('No values were updated in collection ''%s'' because no values you can update were found matching these criteria.', tg_table_name);
  end if;
  return null;
end;
$$;

--
-- Name: FUNCTION tg__visitor_update_must_match(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg__visitor_update_must_match() IS 'Raises (P0002, passed through by the API as NOT_FOUND) when an update by the visitor role changed no row.';

--
-- Name: tg_account_memberships__personal_is_private(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_account_memberships__personal_is_private() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if exists (select 1 from app_public.accounts a where a.id = new.account_id and a.personal_account
             and a.primary_owner_user_id <> new.user_id) then
    perform app_hidden.raise_error('ST003', 'a personal account has exactly one member; create a team account to share data',
      'use createAccount(name) to create a team account');
  end if;
  return new;
end;
$$;

--
-- Name: tg_account_memberships__protect_owners(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_account_memberships__protect_owners() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: tg_account_usage__roll_up_to_owner(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_account_usage__roll_up_to_owner() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION tg_account_usage__roll_up_to_owner(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_account_usage__roll_up_to_owner() IS 'Adds every change of an account''s monthly counters to its billing owner''s (owner_usage).';

--
-- Name: tg_agents__check_mcp_servers(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_agents__check_mcp_servers() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_problem text := app_hidden.mcp_servers_problem(new.mcp_servers);
begin
  if v_problem is not null then
    perform app_hidden.raise_error('ST003', v_problem,
      'MCP servers are {"name": "<a server in MCP_SERVERS>"} or {"url": "https://<host in MCP_ALLOWED_HOSTS>/…"}');
  end if;
  return new;
end;
$$;

--
-- Name: tg_agents__check_plan(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_agents__check_plan() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION tg_agents__check_plan(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_agents__check_plan() IS 'Refuses an agent whose model is not on its owner''s plan allow-list (ST011) or whose max_tokens is above the plan ceiling (ST012).';

--
-- Name: tg_agents__stay_while_used(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_agents__stay_while_used() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  -- a move into an account that is not the caller's is refused by row-level security (42501)
  if not app_private.is_admin() and not (new.account_id = any(array(select app_hidden.current_user_account_ids()))) then
    return new;
  end if;
  if exists (select 1 from app_public.scheduled_tasks t where t.agent_id = old.agent_id)
     or exists (select 1 from app_public.threads t where t.agent_id = old.agent_id) then
    perform app_hidden.raise_error('ST014',
      format('agent %s is used by tasks or threads of its account and cannot be moved to another account', old.agent_id),
      'create a new agent in the other account instead');
  end if;
  return new;
end;
$$;

--
-- Name: FUNCTION tg_agents__stay_while_used(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_agents__stay_while_used() IS 'Refuses (ST014) moving an agent to another account while a task or thread uses it.';

--
-- Name: tg_messages__account_from_thread(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_messages__account_from_thread() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  select t.account_id into new.account_id from app_public.threads t where t.thread_id = new.thread_id;
  if new.account_id is null then
    perform app_hidden.raise_error('ST001', format('thread %s not found', new.thread_id));
  end if;
  return new;
end;
$$;

--
-- Name: tg_scheduled_tasks__cancel_jobs(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_scheduled_tasks__cancel_jobs() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform graphile_worker.remove_job('run_execution:' || e.execution_id)
     from app_public.task_executions e where e.task_id = old.task_id and e.status = 'pending';
  perform graphile_worker.remove_job('plan_task:' || old.task_id);
  return old;
end;
$$;

--
-- Name: tg_scheduled_tasks__check_timezone(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_scheduled_tasks__check_timezone() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if not app_hidden.is_iana_timezone(new.timezone) then
    raise exception 'new row for relation "scheduled_tasks" violates check constraint "scheduled_tasks_timezone_check"'
      using errcode = 'check_violation', constraint = 'scheduled_tasks_timezone_check', table = 'scheduled_tasks', schema = 'app_public',
            detail = format('timezone %s is not an IANA time zone name', coalesce(new.timezone::text, 'null'));
  end if;
  return new;
end;
$$;

--
-- Name: tg_scheduled_tasks__dispatch_soon(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_scheduled_tasks__dispatch_soon() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION tg_scheduled_tasks__dispatch_soon(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_scheduled_tasks__dispatch_soon() IS 'Enqueues dispatch_due_tasks for an occurrence due before the next crontab tick could dispatch it (precise dispatch).';

--
-- Name: tg_scheduled_tasks__flag_cancels_pending(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_scheduled_tasks__flag_cancels_pending() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  update app_public.task_executions e
     set status = 'cancelled', completed_at = now(), error_message = 'cancelled: the task''s prompt was flagged for review'
   where e.task_id = new.task_id and e.status = 'pending';
  return null;
end;
$$;

--
-- Name: tg_scheduled_tasks__review_gate(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_scheduled_tasks__review_gate() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_reasons text[];
  v_was_flagged boolean := tg_op = 'UPDATE' and old.needs_review;
begin
  if tg_op = 'INSERT' or new.generated_prompt is distinct from old.generated_prompt then
    v_reasons := app_private.screen_prompt(new.generated_prompt);
    if cardinality(v_reasons) > 0 then
      new.needs_review := true;
      new.review_reasons := coalesce(new.review_reasons, '{}')
        || array(select r from unnest(v_reasons) r where not (r = any (coalesce(new.review_reasons, '{}'))));
    end if;
  end if;
  if new.needs_review and not v_was_flagged and tg_op = 'UPDATE' and new.status = 'active' then
    new.status := 'paused';
    new.next_execution_at := null;
    new.paused_reason := left('prompt flagged for review: ' || array_to_string(new.review_reasons, '; '), 2000);
    new.metadata := new.metadata || jsonb_build_object('paused_for_review', true);
  elsif new.needs_review and new.status = 'active' and (tg_op = 'INSERT' or old.status <> 'active') then
    perform app_hidden.raise_error('ST007',
      format('task %s is awaiting review: %s', new.task_id, array_to_string(new.review_reasons, '; ')),
      'read the prompt, then confirm it with confirmTaskPrompt');
  end if;
  if tg_op = 'UPDATE' and old.status = 'paused' and new.status <> 'paused' then
    new.paused_reason := null;
    new.metadata := new.metadata - 'paused_for_review';
  end if;
  return new;
end;
$$;

--
-- Name: FUNCTION tg_scheduled_tasks__review_gate(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_scheduled_tasks__review_gate() IS 'Screens every prompt write (app_private.screen_prompt), pauses an active task that gets flagged (paused_reason) and refuses to activate a flagged one (ST007).';

--
-- Name: tg_scheduled_tasks__schedule_changed(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_scheduled_tasks__schedule_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: tg_scheduled_tasks__user_prompt_edit(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_scheduled_tasks__user_prompt_edit() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  -- only edits made through the API (the visitor role) count as the user's own
  if new.generated_prompt is distinct from old.generated_prompt and current_user = 'sat_visitor' then
    new.generated_prompt := btrim(regexp_replace(new.generated_prompt,
      '[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\U000E0000-\U000E007F]', '', 'g'));
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

--
-- Name: tg_task_executions__notify_inserted(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_task_executions__notify_inserted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform pg_notify('graphql:task:' || i.task_id, json_build_object(
            'event', 'execution_updated', 'task_id', i.task_id, 'execution_id', i.execution_id, 'status', i.status)::text)
     from inserted i;
  return null;
end;
$$;

--
-- Name: tg_task_executions__notify_run_stopped(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_task_executions__notify_run_stopped() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform pg_notify('sat_run_stopped', json_build_object('execution_id', new.execution_id, 'worker_id', old.lease_owner)::text);
  return null;
end;
$$;

--
-- Name: usage_period(timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.usage_period(at timestamp with time zone) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select date_trunc('month', at at time zone 'UTC')::date;
$$;

--
-- Name: FUNCTION usage_period(at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.usage_period(at timestamp with time zone) IS 'The billing period (calendar month, UTC) a moment belongs to.';

--
-- Name: account_memberships; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.account_memberships (
    account_id uuid NOT NULL,
    user_id uuid NOT NULL,
    account_role text DEFAULT 'member'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT account_memberships_account_role_check CHECK ((account_role = ANY (ARRAY['owner'::text, 'member'::text])))
);

--
-- Name: TABLE account_memberships; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.account_memberships IS 'Who belongs to which account. Members read the account''s data; owners also manage membership.';

--
-- Name: accept_invitation(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accept_invitation(invitation_id uuid) RETURNS app_public.account_memberships
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_invitation app_public.account_invitations;
  v_membership app_public.account_memberships;
begin
  select i.* into v_invitation from app_public.account_invitations i
   where i.invitation_id = accept_invitation.invitation_id and i.expires_at > now()
     and (i.invited_user_id = app_hidden.current_user_id() or i.email = app_hidden.current_user_email())
   for update;
  if not found or app_hidden.current_user_id() is null then
    perform app_hidden.raise_error('ST001', format('invitation %s not found', accept_invitation.invitation_id));
  end if;
  insert into app_public.account_memberships as m (account_id, user_id, account_role)
  values (v_invitation.account_id, app_hidden.current_user_id(), v_invitation.account_role)
  on conflict (account_id, user_id) do update set account_role = m.account_role
  returning * into v_membership;
  delete from app_public.account_invitations i where i.invitation_id = v_invitation.invitation_id;
  return v_membership;
end;
$$;

--
-- Name: FUNCTION accept_invitation(invitation_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accept_invitation(invitation_id uuid) IS 'The invited user joins the account with the invitation''s role (an expired or someone else''s invitation: ST001). Decline with deleteAccountInvitationByInvitationId.';

--
-- Name: accounts; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.accounts (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    personal_account boolean DEFAULT false NOT NULL,
    primary_owner_user_id uuid NOT NULL,
    plan text DEFAULT 'free'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT accounts_name_check CHECK (((length(name) >= 1) AND (length(name) <= 255))),
    CONSTRAINT accounts_plan_check CHECK ((plan = ANY (ARRAY['free'::text, 'pro'::text, 'enterprise'::text])))
);

--
-- Name: TABLE accounts; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.accounts IS 'Who owns data. Every user has a personal account; team accounts have several members.';

--
-- Name: COLUMN accounts.plan; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.accounts.plan IS 'Billing plan; decides execution limits.';

--
-- Name: accounts_allowed_models(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_allowed_models(a app_public.accounts) RETURNS text[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).allowed_models where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_allowed_models(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_allowed_models(a app_public.accounts) IS 'Models the owner''s plan allows agents to use (null: any).';

--
-- Name: accounts_execution_limit(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_execution_limit(a app_public.accounts) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).executions_per_month where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_execution_limit(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_execution_limit(a app_public.accounts) IS 'Executions allowed per month by the owner''s plan, shared by all accounts of the same primary owner (null: unlimited).';

--
-- Name: accounts_executions_this_month(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_executions_this_month(a app_public.accounts) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce((select u.executions from app_private.account_usage u
                    where u.account_id = a.id and u.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_executions_this_month(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_executions_this_month(a app_public.accounts) IS 'Billable executions of this account so far this month (UTC); see ownerExecutionsThisMonth for the total the limit applies to.';

--
-- Name: accounts_max_tokens_ceiling(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_max_tokens_ceiling(a app_public.accounts) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).max_tokens_ceiling where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_max_tokens_ceiling(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_max_tokens_ceiling(a app_public.accounts) IS 'Highest max_tokens per model call the owner''s plan allows an agent (null: no ceiling).';

--
-- Name: accounts_owner_executions_this_month(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_owner_executions_this_month(a app_public.accounts) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce((select o.executions from app_private.owner_usage o
                    where o.owner_user_id = a.primary_owner_user_id and o.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_owner_executions_this_month(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_owner_executions_this_month(a app_public.accounts) IS 'Executions this month of all accounts of this account''s primary owner: what executionLimit is compared with.';

--
-- Name: accounts_owner_tokens_this_month(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_owner_tokens_this_month(a app_public.accounts) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce((select o.tokens from app_private.owner_usage o
                    where o.owner_user_id = a.primary_owner_user_id and o.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_owner_tokens_this_month(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_owner_tokens_this_month(a app_public.accounts) IS 'Model tokens used this month by all accounts of this account''s primary owner: what tokenLimit is compared with.';

--
-- Name: accounts_prompt_generations_per_hour(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_prompt_generations_per_hour(a app_public.accounts) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).prompt_generations_per_hour where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_prompt_generations_per_hour(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_prompt_generations_per_hour(a app_public.accounts) IS 'exportThread + regeneratePrompt calls allowed per hour for all accounts of the same owner (null: unlimited).';

--
-- Name: accounts_token_limit(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_token_limit(a app_public.accounts) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select (app_private.owner_plan_limits(a.primary_owner_user_id)).tokens_per_month where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_token_limit(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_token_limit(a app_public.accounts) IS 'Model tokens allowed per month by the owner''s plan, shared by all accounts of the same primary owner (null: unlimited).';

--
-- Name: accounts_tokens_this_month(app_public.accounts); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accounts_tokens_this_month(a app_public.accounts) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce((select u.tokens from app_private.account_usage u
                    where u.account_id = a.id and u.period = app_private.usage_period(now())), 0)
   where app_private.can_see_account(a.id);
$$;

--
-- Name: FUNCTION accounts_tokens_this_month(a app_public.accounts); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accounts_tokens_this_month(a app_public.accounts) IS 'Model tokens (input + output) this account used this month (UTC): prompt generation and agent runs.';

--
-- Name: cancel_execution(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.cancel_execution(execution_id uuid) RETURNS app_public.task_executions
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_execution app_public.task_executions;
begin
  select e.* into v_execution from app_public.task_executions e
   where e.execution_id = cancel_execution.execution_id
     and (app_private.is_admin() or e.account_id in (select app_hidden.current_user_account_ids()))
   for update;
  if not found then
    perform app_hidden.raise_error('ST001', format('execution %s not found', execution_id));
  end if;
  if v_execution.status not in ('pending', 'running') then
    perform app_hidden.raise_error('ST002',
      format('execution %s is %s; only pending or running executions can be cancelled', v_execution.execution_id, v_execution.status));
  end if;
  if v_execution.status = 'pending' then
    perform graphile_worker.remove_job('run_execution:' || v_execution.execution_id);
  end if;
  -- a running agent loop notices within a second or two and stops; messages written so far stay
  update app_public.task_executions e
     set status = 'cancelled', cancel_requested_at = now(), completed_at = now(),
         error_message = 'cancelled by ' || coalesce(app_hidden.current_user_id()::text, 'an administrator')
   where e.execution_id = v_execution.execution_id
  returning * into v_execution;
  update app_public.agent_runs r set status = 'cancelled', completed_at = now()
   where r.id = v_execution.agent_run_id and r.status = 'running';
  return v_execution;
end;
$$;

--
-- Name: FUNCTION cancel_execution(execution_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.cancel_execution(execution_id uuid) IS 'Cancels a pending execution at once, or stops a running one within seconds (messages written so far stay).';

--
-- Name: confirm_task_prompt(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.confirm_task_prompt(task_id uuid) RETURNS app_public.scheduled_tasks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
begin
  if not app_private.is_admin() and not app_hidden.has_role_on_account(v_task.account_id, 'owner') then
    perform app_hidden.raise_error('ST004', 'only an owner of the task''s account can confirm a flagged prompt');
  end if;
  if not v_task.needs_review then
    perform app_hidden.raise_error('ST002', format('task %s is not awaiting review', v_task.task_id));
  end if;
  update app_public.scheduled_tasks t
     set needs_review = false,
         status = case when t.status = 'paused' and coalesce((t.metadata ->> 'paused_for_review')::boolean, false)
                       then case when t.is_scheduled then 'active' else 'draft' end else t.status end,
         next_execution_at = null,
         metadata = t.metadata || jsonb_build_object('review', jsonb_build_object(
           'confirmed_by', app_hidden.current_user_id(), 'confirmed_at', now(), 'reasons', to_jsonb(t.review_reasons)))
   where t.task_id = v_task.task_id
  returning * into v_task;
  return v_task;
end;
$$;

--
-- Name: FUNCTION confirm_task_prompt(task_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.confirm_task_prompt(task_id uuid) IS 'The account owner confirms a prompt flagged for review (possible prompt injection); the task can then be scheduled and executed.
A task that was paused because of the flag becomes active again (planned from now).';

--
-- Name: create_account(text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_account(name text) RETURNS app_public.accounts
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION create_account(name text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_account(name text) IS 'Creates a team account owned by the current user. Add members with inviteToAccount; they join with acceptInvitation.';

--
-- Name: users; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.users (
    id uuid NOT NULL,
    email text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_email_check CHECK (((email IS NULL) OR ((length(email) <= 320) AND (email ~ '^[^@\s]+@[^@\s]+$'::text))))
);

--
-- Name: TABLE users; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.users IS 'A person, identified by the `sub` of their JWT. Provisioned on the first authenticated request.';

--
-- Name: current_user(); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public."current_user"() RETURNS app_public.users
    LANGUAGE sql STABLE
    AS $$
  select * from app_public.users where id = app_hidden.current_user_id();
$$;

--
-- Name: FUNCTION "current_user"(); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public."current_user"() IS 'The signed-in user, or null when anonymous.';

--
-- Name: execute_task(uuid, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.execute_task(task_id uuid, reason text DEFAULT NULL::text) RETURNS app_public.task_executions
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
  begin
    return app_private.create_execution(v_task, 'manual', null, jsonb_build_object(
      'requested_by', app_hidden.current_user_id(),
      'requested_at', now(),
      'reason', coalesce(reason, 'manual run')));
  exception when unique_violation then
    perform app_hidden.raise_error('ST009',
      format('task %s already has an execution pending or running', v_task.task_id),
      'wait for it to finish, or cancel it with cancelExecution');
  end;
end;
$$;

--
-- Name: FUNCTION execute_task(task_id uuid, reason text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.execute_task(task_id uuid, reason text) IS 'Runs the task now, in a new thread. The prompt must be ready and not awaiting review; allowed for draft, active and paused tasks.
Refused (ST009) while another execution of the task is pending or running. Manual runs do not count towards max_executions.';

--
-- Name: export_thread(uuid, text, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.export_thread(thread_id uuid, task_name text DEFAULT NULL::text, task_description text DEFAULT NULL::text) RETURNS app_public.scheduled_tasks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
declare
  v_thread app_public.threads;
  v_messages jsonb;
  v_name text;
  v_task app_public.scheduled_tasks;
begin
  select t.* into v_thread from app_public.threads t
  where t.thread_id = export_thread.thread_id
    and (app_private.is_admin() or t.account_id in (select app_hidden.current_user_account_ids()));
  if not found then
    perform app_hidden.raise_error('ST001', format('thread %s not found', thread_id));
  end if;
  v_messages := app_private.snapshot_thread(v_thread.thread_id);
  if not jsonb_path_exists(v_messages, '$[*] ? (@.role == "user" && @.content != "")') then
    perform app_hidden.raise_error('ST005', format('thread %s has no user message; there is nothing to turn into a task', thread_id),
      'post at least one user message to the thread, then export it');
  end if;
  if task_description is not null and length(task_description) > 10000 then
    perform app_hidden.raise_error('ST003', 'task_description must be at most 10000 characters');
  end if;
  v_name := nullif(btrim(task_name), '');
  if v_name is null then
    -- a short title derived from the thread: its title, else the first line of the first user message
    v_name := coalesce(
      nullif(btrim(v_thread.title), ''),
      (select nullif(btrim(split_part(m ->> 'content', E'\n', 1)), '')
         from jsonb_array_elements(v_messages) m where m ->> 'role' = 'user' limit 1),
      'Exported task');
    if length(v_name) > 80 then
      v_name := rtrim(left(v_name, 79)) || '…';
    end if;
  elsif length(v_name) > 255 then
    perform app_hidden.raise_error('ST003', format('task_name must be 1 to 255 characters (got %s)', length(v_name)));
  end if;
  insert into app_public.scheduled_tasks
    (account_id, source_thread_id, agent_id, name, description, original_messages, status, prompt_status)
  values
    (v_thread.account_id, v_thread.thread_id, v_thread.agent_id, v_name, nullif(btrim(task_description), ''), v_messages, 'draft', 'pending')
  returning * into v_task;
  perform app_private.enqueue_prompt_generation(v_task);
  return v_task;
end;
$_$;

--
-- Name: FUNCTION export_thread(thread_id uuid, task_name text, task_description text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.export_thread(thread_id uuid, task_name text, task_description text) IS 'Turns a thread into a draft task: snapshots its messages and starts prompt generation.
The task comes back with promptStatus = pending; subscribe to taskUpdated (or re-read the task) until it is ready.';

--
-- Name: account_invitations; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.account_invitations (
    invitation_id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid NOT NULL,
    account_name text NOT NULL,
    email text,
    invited_user_id uuid,
    account_role text DEFAULT 'member'::text NOT NULL,
    invited_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone DEFAULT (now() + '14 days'::interval) NOT NULL,
    CONSTRAINT account_invitations_account_role_check CHECK ((account_role = ANY (ARRAY['owner'::text, 'member'::text]))),
    CONSTRAINT account_invitations_email_check CHECK (((email IS NULL) OR ((length(email) <= 254) AND (email ~ '^[^@\s]+@[^@\s]+$'::text) AND (email = lower(email))))),
    CONSTRAINT account_invitations_one_invitee CHECK ((num_nonnulls(email, invited_user_id) = 1))
);

--
-- Name: TABLE account_invitations; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.account_invitations IS 'An invitation to join a team account, made by an owner (inviteToAccount) and accepted by the invitee (acceptInvitation).
Owners see and revoke (delete) their account''s invitations; the invitee sees and declines (deletes) theirs.';

--
-- Name: COLUMN account_invitations.account_name; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.account_invitations.account_name IS 'The account''s name when invited, shown to the invitee.';

--
-- Name: COLUMN account_invitations.email; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.account_invitations.email IS 'Who is invited, by email (matched against the email of the invitee''s verified token).';

--
-- Name: COLUMN account_invitations.invited_user_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.account_invitations.invited_user_id IS 'Who is invited, by user id (not checked: an unknown id is accepted by no one).';

--
-- Name: COLUMN account_invitations.account_role; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.account_invitations.account_role IS 'The role the invitee gets on acceptance.';

--
-- Name: invite_to_account(uuid, text, uuid, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.invite_to_account(account_id uuid, email text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid, account_role text DEFAULT 'member'::text) RETURNS app_public.account_invitations
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
#variable_conflict use_column
declare
  v_account app_public.accounts;
  v_email text := lower(btrim(invite_to_account.email));
  v_invitation app_public.account_invitations;
begin
  if app_hidden.current_user_id() is null then
    perform app_hidden.raise_error('ST401', 'you must be signed in to invite someone');
  end if;
  select a.* into v_account from app_public.accounts a
   where a.id = invite_to_account.account_id and a.id in (select app_hidden.current_user_account_ids());
  if not found then
    perform app_hidden.raise_error('ST001', format('account %s not found', invite_to_account.account_id));
  end if;
  if not app_hidden.has_role_on_account(v_account.id, 'owner') then
    perform app_hidden.raise_error('ST004', 'only an owner of the account can invite members');
  end if;
  if v_account.personal_account then
    perform app_hidden.raise_error('ST003', 'a personal account has exactly one member; create a team account to share data',
      'use createAccount(name) to create a team account');
  end if;
  if num_nonnulls(nullif(v_email, ''), invite_to_account.user_id) <> 1 then
    perform app_hidden.raise_error('ST003', 'give exactly one of email or userId');
  end if;
  if v_email is not null and (length(v_email) > 254 or v_email !~ '^[^@\s]+@[^@\s]+$') then
    perform app_hidden.raise_error('ST003', 'email must be an email address of at most 254 characters');
  end if;
  if invite_to_account.account_role is null or invite_to_account.account_role not in ('owner', 'member') then
    perform app_hidden.raise_error('ST003', 'account_role must be owner or member');
  end if;
  if (select count(*) from app_public.account_invitations i where i.account_id = v_account.id and i.expires_at > now()) >= 100 then
    perform app_hidden.raise_error('ST003', 'an account can have at most 100 open invitations; revoke some first');
  end if;
  -- inviting the same person again renews the invitation (same answer whoever it is)
  if v_email is not null then
    insert into app_public.account_invitations as i (account_id, account_name, email, account_role, invited_by)
    values (v_account.id, v_account.name, v_email, invite_to_account.account_role, app_hidden.current_user_id())
    on conflict (account_id, email) where email is not null do update
      set account_role = excluded.account_role, invited_by = excluded.invited_by, account_name = excluded.account_name,
          expires_at = now() + interval '14 days'
    returning * into v_invitation;
  else
    insert into app_public.account_invitations as i (account_id, account_name, invited_user_id, account_role, invited_by)
    values (v_account.id, v_account.name, invite_to_account.user_id, invite_to_account.account_role, app_hidden.current_user_id())
    on conflict (account_id, invited_user_id) where invited_user_id is not null do update
      set account_role = excluded.account_role, invited_by = excluded.invited_by, account_name = excluded.account_name,
          expires_at = now() + interval '14 days'
    returning * into v_invitation;
  end if;
  return v_invitation;
end;
$_$;

--
-- Name: FUNCTION invite_to_account(account_id uuid, email text, user_id uuid, account_role text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.invite_to_account(account_id uuid, email text, user_id uuid, account_role text) IS 'An owner invites someone to a team account, by email or by user id; they join when they accept (acceptInvitation).
The answer is the same whether or not such a user exists. Errors: ST001, ST003, ST004.';

--
-- Name: pause_task(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.pause_task(task_id uuid) RETURNS app_public.scheduled_tasks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION pause_task(task_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.pause_task(task_id uuid) IS 'Pauses an active task: it is not dispatched until resumed. Raises ST002 for any other status.';

--
-- Name: regenerate_prompt(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.regenerate_prompt(task_id uuid) RETURNS app_public.scheduled_tasks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
declare
  v_task app_public.scheduled_tasks := app_private.load_task_for_update(task_id);
  v_messages jsonb := app_private.snapshot_thread(v_task.source_thread_id);
begin
  if not jsonb_path_exists(v_messages, '$[*] ? (@.role == "user" && @.content != "")') then
    perform app_hidden.raise_error('ST005', format('thread %s has no user message; there is nothing to turn into a task', v_task.source_thread_id));
  end if;
  -- the previous prompt stays in generated_prompt (and usable) until the new one is ready
  update app_public.scheduled_tasks t
     set original_messages = v_messages,
         prompt_status = case when t.generated_prompt = '' then 'pending' else t.prompt_status end,
         prompt_error = null,
         prompt_generation = t.prompt_generation + 1,
         metadata = t.metadata || jsonb_build_object('regeneration_requested_at', now())
   where t.task_id = v_task.task_id
  returning * into v_task;
  perform app_private.enqueue_prompt_generation(v_task);
  return v_task;
end;
$_$;

--
-- Name: FUNCTION regenerate_prompt(task_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.regenerate_prompt(task_id uuid) IS 'Re-snapshots the source thread and generates the prompt again. The current prompt stays available until the new one is ready
(watch promptGeneration / metadata.prompt.generation, or subscribe to taskUpdated).';

--
-- Name: resume_task(uuid, timestamp with time zone, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.resume_task(task_id uuid, planned_next timestamp with time zone DEFAULT NULL::timestamp with time zone, planned_version integer DEFAULT NULL::integer) RETURNS app_public.scheduled_tasks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION resume_task(task_id uuid, planned_next timestamp with time zone, planned_version integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.resume_task(task_id uuid, planned_next timestamp with time zone, planned_version integer) IS '@behavior -*
Resumes a paused task, planned from now (no catch-up of the paused time). GraphQL resumeTask passes the next time it planned for the schedule version it read; from psql leave both null and the worker plans it within seconds. Raises ST002 unless paused.';

--
-- Name: schedule_task(uuid, text, timestamp with time zone, text, text, integer, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone DEFAULT NULL::timestamp with time zone, cron_expression text DEFAULT NULL::text, timezone text DEFAULT 'UTC'::text, max_executions integer DEFAULT NULL::integer, planned_next timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS app_public.scheduled_tasks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, max_executions integer, planned_next timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, max_executions integer, planned_next timestamp with time zone) IS '@behavior -*
SQL entry point of scheduleTask (psql). Sets the schedule and activates the task; next_execution_at is planned by the worker within seconds when planned_next is null.';

--
-- Name: scheduled_tasks_original_message_count(app_public.scheduled_tasks); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.scheduled_tasks_original_message_count(t app_public.scheduled_tasks) RETURNS integer
    LANGUAGE sql STABLE
    AS $$
  select jsonb_array_length(t.original_messages);
$$;

--
-- Name: FUNCTION scheduled_tasks_original_message_count(t app_public.scheduled_tasks); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.scheduled_tasks_original_message_count(t app_public.scheduled_tasks) IS 'How many messages of the source thread were exported.';

--
-- Name: scheduled_tasks_prompt_regenerating(app_public.scheduled_tasks); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.scheduled_tasks_prompt_regenerating(t app_public.scheduled_tasks) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  select t.prompt_generation > greatest(coalesce((t.metadata -> 'prompt' ->> 'generation')::int, 0),
                                        coalesce((t.metadata ->> 'prompt_failed_generation')::int, 0));
$$;

--
-- Name: FUNCTION scheduled_tasks_prompt_regenerating(t app_public.scheduled_tasks); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.scheduled_tasks_prompt_regenerating(t app_public.scheduled_tasks) IS 'True while a prompt generation (first or regenerated) is still running for this task.';

--
-- Name: account_usage; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.account_usage (
    account_id uuid NOT NULL,
    period date NOT NULL,
    executions integer DEFAULT 0 NOT NULL,
    tokens bigint DEFAULT 0 NOT NULL,
    CONSTRAINT account_usage_tokens_check CHECK ((tokens >= 0))
);

--
-- Name: TABLE account_usage; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.account_usage IS 'Billable executions and model tokens per account and calendar month (UTC). Allowances are checked on owner_usage.';

--
-- Name: COLUMN account_usage.tokens; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.account_usage.tokens IS 'Model tokens (input + output) used by the account this month (prompt generation and agent runs).';

--
-- Name: audit_log; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    actor_user_id uuid,
    db_role text DEFAULT CURRENT_USER NOT NULL,
    account_id uuid,
    table_name text NOT NULL,
    row_id uuid,
    action text NOT NULL,
    changes jsonb DEFAULT '{}'::jsonb NOT NULL
);

--
-- Name: TABLE audit_log; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.audit_log IS 'Append-only audit of task and execution changes (status, schedule, prompt edits, deletes).';

--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: app_private; Owner: -
--

ALTER TABLE app_private.audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_private.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: iana_timezones; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.iana_timezones (
    name text NOT NULL
);

--
-- Name: TABLE iana_timezones; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.iana_timezones IS 'IANA zone names this PostgreSQL knows, copied at migration time (pg_timezone_names is too slow for a check constraint).';

--
-- Name: model_providers; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.model_providers (
    provider text NOT NULL,
    max_concurrent integer,
    requests_per_minute integer,
    tokens_per_minute integer,
    backoff_until timestamp with time zone,
    backoff_reason text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT model_providers_max_concurrent_check CHECK (((max_concurrent IS NULL) OR (max_concurrent > 0))),
    CONSTRAINT model_providers_requests_per_minute_check CHECK (((requests_per_minute IS NULL) OR (requests_per_minute > 0))),
    CONSTRAINT model_providers_tokens_per_minute_check CHECK (((tokens_per_minute IS NULL) OR (tokens_per_minute > 0)))
);

--
-- Name: TABLE model_providers; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.model_providers IS 'Limits of a model provider shared by every worker process (null = no limit) and its current back-off after a 429. Workers upsert their configured limits at start.';

--
-- Name: model_usage; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.model_usage (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    account_id uuid,
    billing_owner_id uuid,
    kind text NOT NULL,
    provider text NOT NULL,
    model text,
    input_tokens integer DEFAULT 0 NOT NULL,
    output_tokens integer DEFAULT 0 NOT NULL,
    total_tokens integer GENERATED ALWAYS AS ((input_tokens + output_tokens)) STORED,
    task_id uuid,
    execution_id uuid,
    CONSTRAINT model_usage_input_tokens_check CHECK ((input_tokens >= 0)),
    CONSTRAINT model_usage_kind_check CHECK ((kind = ANY (ARRAY['prompt'::text, 'agent'::text]))),
    CONSTRAINT model_usage_model_check CHECK (((model IS NULL) OR (length(model) <= 200))),
    CONSTRAINT model_usage_output_tokens_check CHECK ((output_tokens >= 0)),
    CONSTRAINT model_usage_provider_check CHECK (((length(provider) >= 1) AND (length(provider) <= 500)))
);

--
-- Name: TABLE model_usage; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.model_usage IS 'Append-only ledger of model calls: who caused it (account, paying owner), what for (prompt generation or an agent step),
which provider (the OPENAI_BASE_URL, or https://api.openai.com/v1 when unset) and model, and the tokens. Written by
record_model_usage. No foreign keys on purpose: the ledger outlives deleted accounts, tasks and executions.';

--
-- Name: COLUMN model_usage.billing_owner_id; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.model_usage.billing_owner_id IS 'The paying owner: the account''s primary_owner_user_id at the time of the call (null if the account was gone).';

--
-- Name: COLUMN model_usage.provider; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.model_usage.provider IS 'The provider endpoint (OPENAI_BASE_URL); per-provider rate limits read the last minute of it.';

--
-- Name: model_usage_id_seq; Type: SEQUENCE; Schema: app_private; Owner: -
--

ALTER TABLE app_private.model_usage ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_private.model_usage_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: owner_usage; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.owner_usage (
    owner_user_id uuid NOT NULL,
    period date NOT NULL,
    executions integer DEFAULT 0 NOT NULL,
    tokens bigint DEFAULT 0 NOT NULL
);

--
-- Name: TABLE owner_usage; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.owner_usage IS 'Executions and model tokens per billing owner (accounts.primary_owner_user_id) and calendar month (UTC), summed over all
the accounts they own; what monthly allowances are checked against (one row read). Maintained from account_usage by a trigger.';

--
-- Name: prompt_generation_requests; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.prompt_generation_requests (
    id bigint NOT NULL,
    owner_user_id uuid NOT NULL,
    account_id uuid NOT NULL,
    task_id uuid NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE prompt_generation_requests; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.prompt_generation_requests IS 'Prompt generations requested in the last hour, per billing owner (a rolling window; older rows are removed as new ones come).';

--
-- Name: prompt_generation_requests_id_seq; Type: SEQUENCE; Schema: app_private; Owner: -
--

ALTER TABLE app_private.prompt_generation_requests ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_private.prompt_generation_requests_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: retention_settings; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.retention_settings (
    id boolean DEFAULT true NOT NULL,
    executions interval DEFAULT '90 days'::interval NOT NULL,
    CONSTRAINT retention_settings_id_check CHECK (id)
);

--
-- Name: TABLE retention_settings; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.retention_settings IS 'How long finished executions and their run threads are kept (cleanup_executions, daily).';

--
-- Name: run_workers; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.run_workers (
    worker_id text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    heartbeat_at timestamp with time zone DEFAULT now() NOT NULL,
    lease_expires_at timestamp with time zone NOT NULL,
    capacity integer NOT NULL,
    provider text NOT NULL,
    CONSTRAINT run_workers_capacity_check CHECK ((capacity > 0))
);

--
-- Name: TABLE run_workers; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.run_workers IS 'Worker processes running agent runs: a heartbeat every few seconds moves lease_expires_at; runs of a process whose lease expired are resumed by another.';

--
-- Name: scheduler_settings; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.scheduler_settings (
    id boolean DEFAULT true NOT NULL,
    lookahead interval DEFAULT '00:01:05'::interval NOT NULL,
    staleness interval DEFAULT '01:00:00'::interval NOT NULL,
    batch_size integer DEFAULT 1000 NOT NULL,
    CONSTRAINT scheduler_settings_batch_size_check CHECK (((batch_size >= 1) AND (batch_size <= 100000))),
    CONSTRAINT scheduler_settings_id_check CHECK (id)
);

--
-- Name: TABLE scheduler_settings; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.scheduler_settings IS 'lookahead: how far ahead the per-minute dispatcher enqueues occurrences (each runs at its own time); staleness: a missed occurrence older than this is skipped, not caught up.';

--
-- Name: webhook_events; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.webhook_events (
    agent_run_id uuid NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT webhook_events_event_id_check CHECK (((length(event_id) >= 1) AND (length(event_id) <= 200)))
);

--
-- Name: TABLE webhook_events; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.webhook_events IS 'Callback events applied per agent run (POST /hooks/agent-runs/:id), by the runtime''s event_id: a replayed event is answered 200 and not applied again.';

--
-- Name: agent_runs; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.agent_runs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid NOT NULL,
    thread_id uuid NOT NULL,
    agent_id uuid,
    status text DEFAULT 'running'::text NOT NULL,
    executor text DEFAULT 'offline'::text NOT NULL,
    model text,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    error text,
    usage jsonb DEFAULT '{}'::jsonb NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agent_runs_executor_check CHECK ((executor = ANY (ARRAY['openai'::text, 'webhook'::text, 'offline'::text]))),
    CONSTRAINT agent_runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'completed'::text, 'failed'::text, 'cancelled'::text])))
);

--
-- Name: TABLE agent_runs; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.agent_runs IS 'One run of an agent in a thread (the plan''s run_agent_background). Written by the worker only.';

--
-- Name: agents; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.agents (
    agent_id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid DEFAULT app_hidden.current_user_personal_account_id() NOT NULL,
    name text NOT NULL,
    description text,
    system_prompt text,
    model text,
    temperature double precision,
    max_tokens integer,
    tools jsonb DEFAULT '[]'::jsonb NOT NULL,
    mcp_servers jsonb DEFAULT '[]'::jsonb NOT NULL,
    config jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agents_config_check CHECK ((jsonb_typeof(config) = 'object'::text)),
    CONSTRAINT agents_max_tokens_check CHECK (((max_tokens IS NULL) OR ((max_tokens >= 1) AND (max_tokens <= 200000)))),
    CONSTRAINT agents_mcp_servers_check CHECK ((jsonb_typeof(mcp_servers) = 'array'::text)),
    CONSTRAINT agents_model_check CHECK (((model IS NULL) OR ((length(model) >= 1) AND (length(model) <= 200)))),
    CONSTRAINT agents_name_check CHECK (((length(name) >= 1) AND (length(name) <= 255))),
    CONSTRAINT agents_temperature_check CHECK (((temperature IS NULL) OR ((temperature >= (0)::double precision) AND (temperature <= (2)::double precision)))),
    CONSTRAINT agents_tools_check CHECK ((jsonb_typeof(tools) = 'array'::text))
);

--
-- Name: TABLE agents; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.agents IS 'An agent configuration: the model, its system prompt and tools, used to run tasks.';

--
-- Name: COLUMN agents.account_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.agents.account_id IS 'Owning account; defaults to your personal account.';

--
-- Name: COLUMN agents.tools; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.agents.tools IS 'Allow-list of tool names the agent may call from its MCP servers; empty = all of them.';

--
-- Name: COLUMN agents.mcp_servers; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.agents.mcp_servers IS 'MCP servers whose tools the agent may call: [{"name": "<a server configured in MCP_SERVERS>"} | {"url": "https://<host in MCP_ALLOWED_HOSTS>/mcp"}]. Checked when written (ST003).';

--
-- Name: messages; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.messages (
    message_id uuid DEFAULT gen_random_uuid() NOT NULL,
    thread_id uuid NOT NULL,
    account_id uuid NOT NULL,
    seq bigint NOT NULL,
    role text NOT NULL,
    is_llm_message boolean GENERATED ALWAYS AS ((role <> 'user'::text)) STORED NOT NULL,
    content text DEFAULT ''::text NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT messages_content_check CHECK ((length(content) <= 1000000)),
    CONSTRAINT messages_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT messages_role_check CHECK ((role = ANY (ARRAY['user'::text, 'assistant'::text, 'system'::text, 'tool'::text])))
);

--
-- Name: TABLE messages; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.messages IS 'A message in a thread. `account_id` is taken from the thread.';

--
-- Name: COLUMN messages.seq; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.messages.seq IS 'Position of the message; threads are read in this order.';

--
-- Name: COLUMN messages.is_llm_message; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.messages.is_llm_message IS 'True for messages not written by the user (assistant, system, tool).';

--
-- Name: messages_seq_seq; Type: SEQUENCE; Schema: app_public; Owner: -
--

ALTER TABLE app_public.messages ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.messages_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: threads; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.threads (
    thread_id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid DEFAULT app_hidden.current_user_personal_account_id() NOT NULL,
    agent_id uuid,
    title text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT threads_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT threads_title_check CHECK (((title IS NULL) OR (length(title) <= 500)))
);

--
-- Name: TABLE threads; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.threads IS 'A conversation between a user and an agent. Tasks are exported from threads and run in new ones.';

--
-- Name: account_usage account_usage_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.account_usage
    ADD CONSTRAINT account_usage_pkey PRIMARY KEY (account_id, period);

--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

--
-- Name: iana_timezones iana_timezones_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.iana_timezones
    ADD CONSTRAINT iana_timezones_pkey PRIMARY KEY (name);

--
-- Name: model_providers model_providers_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.model_providers
    ADD CONSTRAINT model_providers_pkey PRIMARY KEY (provider);

--
-- Name: model_usage model_usage_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.model_usage
    ADD CONSTRAINT model_usage_pkey PRIMARY KEY (id);

--
-- Name: owner_usage owner_usage_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.owner_usage
    ADD CONSTRAINT owner_usage_pkey PRIMARY KEY (owner_user_id, period);

--
-- Name: plan_limits plan_limits_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.plan_limits
    ADD CONSTRAINT plan_limits_pkey PRIMARY KEY (plan);

--
-- Name: prompt_generation_requests prompt_generation_requests_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.prompt_generation_requests
    ADD CONSTRAINT prompt_generation_requests_pkey PRIMARY KEY (id);

--
-- Name: retention_settings retention_settings_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.retention_settings
    ADD CONSTRAINT retention_settings_pkey PRIMARY KEY (id);

--
-- Name: run_workers run_workers_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.run_workers
    ADD CONSTRAINT run_workers_pkey PRIMARY KEY (worker_id);

--
-- Name: scheduler_settings scheduler_settings_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.scheduler_settings
    ADD CONSTRAINT scheduler_settings_pkey PRIMARY KEY (id);

--
-- Name: webhook_events webhook_events_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (agent_run_id, event_id);

--
-- Name: account_invitations account_invitations_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.account_invitations
    ADD CONSTRAINT account_invitations_pkey PRIMARY KEY (invitation_id);

--
-- Name: account_memberships account_memberships_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.account_memberships
    ADD CONSTRAINT account_memberships_pkey PRIMARY KEY (account_id, user_id);

--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

--
-- Name: agent_runs agent_runs_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.agent_runs
    ADD CONSTRAINT agent_runs_pkey PRIMARY KEY (id);

--
-- Name: agents agents_account_id_agent_id_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.agents
    ADD CONSTRAINT agents_account_id_agent_id_key UNIQUE (account_id, agent_id);

--
-- Name: agents agents_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.agents
    ADD CONSTRAINT agents_pkey PRIMARY KEY (agent_id);

--
-- Name: messages messages_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.messages
    ADD CONSTRAINT messages_pkey PRIMARY KEY (message_id);

--
-- Name: scheduled_tasks scheduled_tasks_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.scheduled_tasks
    ADD CONSTRAINT scheduled_tasks_pkey PRIMARY KEY (task_id);

--
-- Name: task_executions task_executions_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.task_executions
    ADD CONSTRAINT task_executions_pkey PRIMARY KEY (execution_id);

--
-- Name: threads threads_account_id_thread_id_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.threads
    ADD CONSTRAINT threads_account_id_thread_id_key UNIQUE (account_id, thread_id);

--
-- Name: threads threads_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.threads
    ADD CONSTRAINT threads_pkey PRIMARY KEY (thread_id);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- Name: audit_log_account_at_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX audit_log_account_at_idx ON app_private.audit_log USING btree (account_id, at);

--
-- Name: model_usage_billing_owner_at_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX model_usage_billing_owner_at_idx ON app_private.model_usage USING btree (billing_owner_id, at);

--
-- Name: model_usage_provider_at_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX model_usage_provider_at_idx ON app_private.model_usage USING btree (provider, at);

--
-- Name: prompt_generation_requests_owner_at_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX prompt_generation_requests_owner_at_idx ON app_private.prompt_generation_requests USING btree (owner_user_id, at);

--
-- Name: account_invitations_account_email; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX account_invitations_account_email ON app_public.account_invitations USING btree (account_id, email) WHERE (email IS NOT NULL);

--
-- Name: account_invitations_account_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX account_invitations_account_id_idx ON app_public.account_invitations USING btree (account_id);

--
-- Name: account_invitations_account_user; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX account_invitations_account_user ON app_public.account_invitations USING btree (account_id, invited_user_id) WHERE (invited_user_id IS NOT NULL);

--
-- Name: account_invitations_email_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX account_invitations_email_idx ON app_public.account_invitations USING btree (email) WHERE (email IS NOT NULL);

--
-- Name: account_invitations_invited_by_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX account_invitations_invited_by_idx ON app_public.account_invitations USING btree (invited_by);

--
-- Name: account_invitations_invited_user_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX account_invitations_invited_user_idx ON app_public.account_invitations USING btree (invited_user_id) WHERE (invited_user_id IS NOT NULL);

--
-- Name: account_memberships_user_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX account_memberships_user_id_idx ON app_public.account_memberships USING btree (user_id);

--
-- Name: accounts_one_personal_per_user; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX accounts_one_personal_per_user ON app_public.accounts USING btree (primary_owner_user_id) WHERE personal_account;

--
-- Name: accounts_primary_owner_user_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX accounts_primary_owner_user_id_idx ON app_public.accounts USING btree (primary_owner_user_id);

--
-- Name: agent_runs_account_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX agent_runs_account_id_idx ON app_public.agent_runs USING btree (account_id);

--
-- Name: agent_runs_agent_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX agent_runs_agent_id_idx ON app_public.agent_runs USING btree (agent_id);

--
-- Name: agent_runs_thread_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX agent_runs_thread_id_idx ON app_public.agent_runs USING btree (thread_id);

--
-- Name: agents_account_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX agents_account_id_idx ON app_public.agents USING btree (account_id);

--
-- Name: idx_scheduled_tasks_account_agent; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_account_agent ON app_public.scheduled_tasks USING btree (account_id, agent_id);

--
-- Name: idx_scheduled_tasks_account_created_task; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_account_created_task ON app_public.scheduled_tasks USING btree (account_id, created_at, task_id);

--
-- Name: idx_scheduled_tasks_account_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_account_id ON app_public.scheduled_tasks USING btree (account_id);

--
-- Name: idx_scheduled_tasks_account_name; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_account_name ON app_public.scheduled_tasks USING btree (account_id, name);

--
-- Name: idx_scheduled_tasks_account_next; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_account_next ON app_public.scheduled_tasks USING btree (account_id, next_execution_at);

--
-- Name: idx_scheduled_tasks_agent_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_agent_id ON app_public.scheduled_tasks USING btree (agent_id);

--
-- Name: idx_scheduled_tasks_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_created_at ON app_public.scheduled_tasks USING btree (created_at);

--
-- Name: idx_scheduled_tasks_next_execution; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_next_execution ON app_public.scheduled_tasks USING btree (next_execution_at) WHERE ((status)::text = 'active'::text);

--
-- Name: idx_scheduled_tasks_source_thread_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_source_thread_id ON app_public.scheduled_tasks USING btree (source_thread_id);

--
-- Name: idx_scheduled_tasks_status; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_scheduled_tasks_status ON app_public.scheduled_tasks USING btree (status);

--
-- Name: idx_task_executions_account_created; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_account_created ON app_public.task_executions USING btree (account_id, created_at DESC, execution_id DESC);

--
-- Name: idx_task_executions_account_running; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_account_running ON app_public.task_executions USING btree (account_id) WHERE ((status)::text = 'running'::text);

--
-- Name: idx_task_executions_agent_run_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_agent_run_id ON app_public.task_executions USING btree (agent_run_id) WHERE (agent_run_id IS NOT NULL);

--
-- Name: idx_task_executions_pending_due; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_pending_due ON app_public.task_executions USING btree (COALESCE(scheduled_for, created_at)) WHERE ((status)::text = 'pending'::text);

--
-- Name: idx_task_executions_running_lease; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_running_lease ON app_public.task_executions USING btree (lease_owner) WHERE ((status)::text = 'running'::text);

--
-- Name: idx_task_executions_started_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_started_at ON app_public.task_executions USING btree (started_at);

--
-- Name: idx_task_executions_status; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_status ON app_public.task_executions USING btree (status);

--
-- Name: idx_task_executions_task_created; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_task_created ON app_public.task_executions USING btree (task_id, created_at DESC);

--
-- Name: idx_task_executions_task_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_task_id ON app_public.task_executions USING btree (task_id);

--
-- Name: idx_task_executions_thread_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_thread_id ON app_public.task_executions USING btree (thread_id) WHERE (thread_id IS NOT NULL);

--
-- Name: messages_account_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX messages_account_id_idx ON app_public.messages USING btree (account_id);

--
-- Name: messages_account_thread_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX messages_account_thread_idx ON app_public.messages USING btree (account_id, thread_id);

--
-- Name: messages_thread_id_seq_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX messages_thread_id_seq_idx ON app_public.messages USING btree (thread_id, seq);

--
-- Name: task_executions_one_live_per_task; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX task_executions_one_live_per_task ON app_public.task_executions USING btree (task_id) WHERE ((status)::text = ANY ((ARRAY['pending'::character varying, 'running'::character varying])::text[]));

--
-- Name: task_executions_one_per_occurrence; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX task_executions_one_per_occurrence ON app_public.task_executions USING btree (task_id, scheduled_for) WHERE (scheduled_for IS NOT NULL);

--
-- Name: threads_account_agent_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX threads_account_agent_idx ON app_public.threads USING btree (account_id, agent_id);

--
-- Name: threads_account_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX threads_account_id_idx ON app_public.threads USING btree (account_id);

--
-- Name: threads_agent_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX threads_agent_id_idx ON app_public.threads USING btree (agent_id);

--
-- Name: account_usage _500_roll_up_to_owner; Type: TRIGGER; Schema: app_private; Owner: -
--

CREATE TRIGGER _500_roll_up_to_owner AFTER INSERT OR UPDATE ON app_private.account_usage FOR EACH ROW EXECUTE FUNCTION app_private.tg_account_usage__roll_up_to_owner();

--
-- Name: account_memberships _001_visitor_update_begin; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _001_visitor_update_begin BEFORE UPDATE ON app_public.account_memberships FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_begin();

--
-- Name: accounts _001_visitor_update_begin; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _001_visitor_update_begin BEFORE UPDATE ON app_public.accounts FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_begin();

--
-- Name: agents _001_visitor_update_begin; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _001_visitor_update_begin BEFORE UPDATE ON app_public.agents FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_begin();

--
-- Name: messages _001_visitor_update_begin; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _001_visitor_update_begin BEFORE UPDATE ON app_public.messages FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_begin();

--
-- Name: scheduled_tasks _001_visitor_update_begin; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _001_visitor_update_begin BEFORE UPDATE ON app_public.scheduled_tasks FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_begin();

--
-- Name: threads _001_visitor_update_begin; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _001_visitor_update_begin BEFORE UPDATE ON app_public.threads FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_begin();

--
-- Name: messages _050_account_from_thread; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _050_account_from_thread BEFORE INSERT ON app_public.messages FOR EACH ROW EXECUTE FUNCTION app_private.tg_messages__account_from_thread();

--
-- Name: scheduled_tasks _050_check_timezone; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _050_check_timezone BEFORE INSERT ON app_public.scheduled_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg_scheduled_tasks__check_timezone();

--
-- Name: scheduled_tasks _051_check_timezone_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _051_check_timezone_update BEFORE UPDATE OF timezone ON app_public.scheduled_tasks FOR EACH ROW WHEN (((new.timezone)::text IS DISTINCT FROM (old.timezone)::text)) EXECUTE FUNCTION app_private.tg_scheduled_tasks__check_timezone();

--
-- Name: account_invitations _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.account_invitations FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: account_memberships _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.account_memberships FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: accounts _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.accounts FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: agent_runs _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.agent_runs FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: agents _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.agents FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: messages _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.messages FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: scheduled_tasks _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT ON app_public.scheduled_tasks FOR EACH ROW WHEN (((new.created_at IS DISTINCT FROM now()) OR (new.updated_at IS DISTINCT FROM now()))) EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: task_executions _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT ON app_public.task_executions FOR EACH ROW WHEN (((new.created_at IS DISTINCT FROM now()) OR (new.updated_at IS DISTINCT FROM now()))) EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: threads _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.threads FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: users _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: scheduled_tasks _110_timestamps_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _110_timestamps_update BEFORE UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN (((NOT (new.updated_at IS DISTINCT FROM old.updated_at)) OR (new.created_at IS DISTINCT FROM old.created_at))) EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: task_executions _110_timestamps_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _110_timestamps_update BEFORE UPDATE ON app_public.task_executions FOR EACH ROW WHEN (((NOT (new.updated_at IS DISTINCT FROM old.updated_at)) OR (new.created_at IS DISTINCT FROM old.created_at))) EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: account_memberships _150_personal_is_private; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _150_personal_is_private BEFORE INSERT ON app_public.account_memberships FOR EACH ROW EXECUTE FUNCTION app_private.tg_account_memberships__personal_is_private();

--
-- Name: agents _150_stay_while_used; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _150_stay_while_used BEFORE UPDATE OF account_id ON app_public.agents FOR EACH ROW WHEN ((old.account_id IS DISTINCT FROM new.account_id)) EXECUTE FUNCTION app_private.tg_agents__stay_while_used();

--
-- Name: account_memberships _200_protect_owners; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _200_protect_owners BEFORE DELETE OR UPDATE ON app_public.account_memberships FOR EACH ROW EXECUTE FUNCTION app_private.tg_account_memberships__protect_owners();

--
-- Name: scheduled_tasks _200_user_prompt_edit; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _200_user_prompt_edit BEFORE UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN ((new.generated_prompt IS DISTINCT FROM old.generated_prompt)) EXECUTE FUNCTION app_private.tg_scheduled_tasks__user_prompt_edit();

--
-- Name: scheduled_tasks _210_review_gate; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _210_review_gate BEFORE INSERT ON app_public.scheduled_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg_scheduled_tasks__review_gate();

--
-- Name: scheduled_tasks _210_review_gate_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _210_review_gate_update BEFORE UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN (((old.generated_prompt IS DISTINCT FROM new.generated_prompt) OR (old.needs_review IS DISTINCT FROM new.needs_review) OR ((old.status)::text IS DISTINCT FROM (new.status)::text))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__review_gate();

--
-- Name: agents _300_check_plan; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _300_check_plan BEFORE INSERT OR UPDATE OF account_id, model, max_tokens ON app_public.agents FOR EACH ROW EXECUTE FUNCTION app_private.tg_agents__check_plan();

--
-- Name: scheduled_tasks _300_schedule_changed; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _300_schedule_changed BEFORE UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN (((((((((new.schedule_type)::text IS DISTINCT FROM (old.schedule_type)::text) OR (new.scheduled_at IS DISTINCT FROM old.scheduled_at)) OR ((new.cron_expression)::text IS DISTINCT FROM (old.cron_expression)::text)) OR ((new.timezone)::text IS DISTINCT FROM (old.timezone)::text)) OR (new.max_executions IS DISTINCT FROM old.max_executions)) OR ((new.status)::text IS DISTINCT FROM (old.status)::text)) OR (new.next_execution_at IS NULL))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__schedule_changed();

--
-- Name: agents _310_check_mcp_servers; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _310_check_mcp_servers BEFORE INSERT OR UPDATE OF mcp_servers ON app_public.agents FOR EACH ROW EXECUTE FUNCTION app_private.tg_agents__check_mcp_servers();

--
-- Name: scheduled_tasks _400_cancel_jobs; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _400_cancel_jobs BEFORE DELETE ON app_public.scheduled_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg_scheduled_tasks__cancel_jobs();

--
-- Name: scheduled_tasks _500_audit; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _500_audit AFTER INSERT OR DELETE ON app_public.scheduled_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg__audit('status', 'name', 'generated_prompt', 'schedule_type', 'scheduled_at', 'cron_expression', 'timezone', 'max_executions', 'needs_review');

--
-- Name: task_executions _500_audit; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _500_audit AFTER DELETE ON app_public.task_executions FOR EACH ROW EXECUTE FUNCTION app_private.tg__audit('execution_id', 'status', 'trigger_type', 'scheduled_for', 'error_message');

--
-- Name: scheduled_tasks _510_audit_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _510_audit_update AFTER UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN (((((((((((old.status)::text IS DISTINCT FROM (new.status)::text) OR ((old.name)::text IS DISTINCT FROM (new.name)::text)) OR (old.generated_prompt IS DISTINCT FROM new.generated_prompt)) OR ((old.schedule_type)::text IS DISTINCT FROM (new.schedule_type)::text)) OR (old.scheduled_at IS DISTINCT FROM new.scheduled_at)) OR ((old.cron_expression)::text IS DISTINCT FROM (new.cron_expression)::text)) OR ((old.timezone)::text IS DISTINCT FROM (new.timezone)::text)) OR (old.max_executions IS DISTINCT FROM new.max_executions)) OR (old.needs_review IS DISTINCT FROM new.needs_review))) EXECUTE FUNCTION app_private.tg__audit('status', 'name', 'generated_prompt', 'schedule_type', 'scheduled_at', 'cron_expression', 'timezone', 'max_executions', 'needs_review');

--
-- Name: task_executions _510_audit_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _510_audit_update AFTER UPDATE ON app_public.task_executions FOR EACH ROW WHEN (((old.status)::text IS DISTINCT FROM (new.status)::text)) EXECUTE FUNCTION app_private.tg__audit('execution_id', 'status', 'trigger_type', 'scheduled_for', 'error_message');

--
-- Name: scheduled_tasks _610_flag_cancels_pending; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _610_flag_cancels_pending AFTER UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN ((new.needs_review AND (NOT old.needs_review))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__flag_cancels_pending();

--
-- Name: scheduled_tasks _800_dispatch_soon; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _800_dispatch_soon AFTER INSERT ON app_public.scheduled_tasks FOR EACH ROW WHEN ((((new.status)::text = 'active'::text) AND (new.next_execution_at < (now() + '00:02:00'::interval)))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__dispatch_soon();

--
-- Name: scheduled_tasks _810_dispatch_soon_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _810_dispatch_soon_update AFTER UPDATE OF next_execution_at, status ON app_public.scheduled_tasks FOR EACH ROW WHEN ((((new.status)::text = 'active'::text) AND (new.next_execution_at < (now() + '00:02:00'::interval)) AND ((new.next_execution_at IS DISTINCT FROM old.next_execution_at) OR ((new.status)::text IS DISTINCT FROM (old.status)::text)))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__dispatch_soon();

--
-- Name: scheduled_tasks _900_notify; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify AFTER UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN ((((old.status)::text IS DISTINCT FROM (new.status)::text) OR (old.prompt_status IS DISTINCT FROM new.prompt_status) OR (old.generated_prompt IS DISTINCT FROM new.generated_prompt) OR (old.needs_review IS DISTINCT FROM new.needs_review) OR (old.prompt_generation IS DISTINCT FROM new.prompt_generation) OR (old.schedule_version IS DISTINCT FROM new.schedule_version))) EXECUTE FUNCTION app_private.tg__notify_task('task_updated');

--
-- Name: task_executions _900_notify; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify AFTER DELETE OR UPDATE ON app_public.task_executions FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_task('execution_updated');

--
-- Name: task_executions _901_notify_insert; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _901_notify_insert AFTER INSERT ON app_public.task_executions REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_task_executions__notify_inserted();

--
-- Name: task_executions _920_notify_run_stopped; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _920_notify_run_stopped AFTER UPDATE ON app_public.task_executions FOR EACH ROW WHEN ((((old.status)::text = 'running'::text) AND ((new.status)::text = ANY ((ARRAY['cancelled'::character varying, 'completed'::character varying, 'failed'::character varying])::text[])) AND (old.lease_owner IS NOT NULL))) EXECUTE FUNCTION app_private.tg_task_executions__notify_run_stopped();

--
-- Name: account_memberships _990_visitor_update_count; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_count AFTER UPDATE ON app_public.account_memberships FOR EACH ROW WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_count();

--
-- Name: accounts _990_visitor_update_count; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_count AFTER UPDATE ON app_public.accounts FOR EACH ROW WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_count();

--
-- Name: agents _990_visitor_update_count; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_count AFTER UPDATE ON app_public.agents FOR EACH ROW WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_count();

--
-- Name: messages _990_visitor_update_count; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_count AFTER UPDATE ON app_public.messages FOR EACH ROW WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_count();

--
-- Name: scheduled_tasks _990_visitor_update_count; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_count AFTER UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_count();

--
-- Name: threads _990_visitor_update_count; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_count AFTER UPDATE ON app_public.threads FOR EACH ROW WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_count();

--
-- Name: account_memberships _990_visitor_update_must_match; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_must_match AFTER UPDATE ON app_public.account_memberships FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_must_match();

--
-- Name: accounts _990_visitor_update_must_match; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_must_match AFTER UPDATE ON app_public.accounts FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_must_match();

--
-- Name: agents _990_visitor_update_must_match; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_must_match AFTER UPDATE ON app_public.agents FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_must_match();

--
-- Name: messages _990_visitor_update_must_match; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_must_match AFTER UPDATE ON app_public.messages FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_must_match();

--
-- Name: scheduled_tasks _990_visitor_update_must_match; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_must_match AFTER UPDATE ON app_public.scheduled_tasks FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_must_match();

--
-- Name: threads _990_visitor_update_must_match; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_must_match AFTER UPDATE ON app_public.threads FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_must_match();

--
-- Name: account_usage account_usage_account_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.account_usage
    ADD CONSTRAINT account_usage_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: owner_usage owner_usage_owner_user_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.owner_usage
    ADD CONSTRAINT owner_usage_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: prompt_generation_requests prompt_generation_requests_owner_user_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.prompt_generation_requests
    ADD CONSTRAINT prompt_generation_requests_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: webhook_events webhook_events_agent_run_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.webhook_events
    ADD CONSTRAINT webhook_events_agent_run_id_fkey FOREIGN KEY (agent_run_id) REFERENCES app_public.agent_runs(id) ON DELETE CASCADE;

--
-- Name: account_invitations account_invitations_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.account_invitations
    ADD CONSTRAINT account_invitations_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: account_invitations account_invitations_invited_by_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.account_invitations
    ADD CONSTRAINT account_invitations_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES app_public.users(id) ON DELETE SET NULL;

--
-- Name: account_memberships account_memberships_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.account_memberships
    ADD CONSTRAINT account_memberships_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: account_memberships account_memberships_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.account_memberships
    ADD CONSTRAINT account_memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: accounts accounts_primary_owner_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.accounts
    ADD CONSTRAINT accounts_primary_owner_user_id_fkey FOREIGN KEY (primary_owner_user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: agent_runs agent_runs_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.agent_runs
    ADD CONSTRAINT agent_runs_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: agent_runs agent_runs_agent_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.agent_runs
    ADD CONSTRAINT agent_runs_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES app_public.agents(agent_id) ON DELETE SET NULL;

--
-- Name: agent_runs agent_runs_thread_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.agent_runs
    ADD CONSTRAINT agent_runs_thread_id_fkey FOREIGN KEY (thread_id) REFERENCES app_public.threads(thread_id) ON DELETE CASCADE;

--
-- Name: agents agents_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.agents
    ADD CONSTRAINT agents_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: messages messages_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.messages
    ADD CONSTRAINT messages_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: messages messages_account_id_thread_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.messages
    ADD CONSTRAINT messages_account_id_thread_id_fkey FOREIGN KEY (account_id, thread_id) REFERENCES app_public.threads(account_id, thread_id) ON DELETE CASCADE;

--
-- Name: messages messages_thread_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.messages
    ADD CONSTRAINT messages_thread_id_fkey FOREIGN KEY (thread_id) REFERENCES app_public.threads(thread_id) ON DELETE CASCADE;

--
-- Name: scheduled_tasks scheduled_tasks_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.scheduled_tasks
    ADD CONSTRAINT scheduled_tasks_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: scheduled_tasks scheduled_tasks_agent_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.scheduled_tasks
    ADD CONSTRAINT scheduled_tasks_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES app_public.agents(agent_id) ON DELETE SET NULL;

--
-- Name: scheduled_tasks scheduled_tasks_agent_same_account; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.scheduled_tasks
    ADD CONSTRAINT scheduled_tasks_agent_same_account FOREIGN KEY (account_id, agent_id) REFERENCES app_public.agents(account_id, agent_id) ON DELETE SET NULL (agent_id);

--
-- Name: scheduled_tasks scheduled_tasks_source_thread_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.scheduled_tasks
    ADD CONSTRAINT scheduled_tasks_source_thread_id_fkey FOREIGN KEY (source_thread_id) REFERENCES app_public.threads(thread_id) ON DELETE CASCADE;

--
-- Name: task_executions task_executions_agent_run_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.task_executions
    ADD CONSTRAINT task_executions_agent_run_id_fkey FOREIGN KEY (agent_run_id) REFERENCES app_public.agent_runs(id) ON DELETE SET NULL;

--
-- Name: task_executions task_executions_task_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.task_executions
    ADD CONSTRAINT task_executions_task_id_fkey FOREIGN KEY (task_id) REFERENCES app_public.scheduled_tasks(task_id) ON DELETE CASCADE;

--
-- Name: task_executions task_executions_thread_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.task_executions
    ADD CONSTRAINT task_executions_thread_id_fkey FOREIGN KEY (thread_id) REFERENCES app_public.threads(thread_id) ON DELETE SET NULL;

--
-- Name: threads threads_account_id_agent_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.threads
    ADD CONSTRAINT threads_account_id_agent_id_fkey FOREIGN KEY (account_id, agent_id) REFERENCES app_public.agents(account_id, agent_id) ON DELETE SET NULL (agent_id);

--
-- Name: threads threads_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.threads
    ADD CONSTRAINT threads_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: threads threads_agent_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.threads
    ADD CONSTRAINT threads_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES app_public.agents(agent_id) ON DELETE SET NULL;

--
-- Name: account_usage; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.account_usage ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_log; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.audit_log ENABLE ROW LEVEL SECURITY;

--
-- Name: model_providers; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.model_providers ENABLE ROW LEVEL SECURITY;

--
-- Name: model_usage; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.model_usage ENABLE ROW LEVEL SECURITY;

--
-- Name: owner_usage; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.owner_usage ENABLE ROW LEVEL SECURITY;

--
-- Name: plan_limits; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.plan_limits ENABLE ROW LEVEL SECURITY;

--
-- Name: prompt_generation_requests; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.prompt_generation_requests ENABLE ROW LEVEL SECURITY;

--
-- Name: run_workers; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.run_workers ENABLE ROW LEVEL SECURITY;

--
-- Name: webhook_events; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.webhook_events ENABLE ROW LEVEL SECURITY;

--
-- Name: account_invitations; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.account_invitations ENABLE ROW LEVEL SECURITY;

--
-- Name: account_memberships; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.account_memberships ENABLE ROW LEVEL SECURITY;

--
-- Name: accounts; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.accounts ENABLE ROW LEVEL SECURITY;

--
-- Name: agent_runs; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.agent_runs ENABLE ROW LEVEL SECURITY;

--
-- Name: agents; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.agents ENABLE ROW LEVEL SECURITY;

--
-- Name: account_invitations delete_invitee; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_invitee ON app_public.account_invitations FOR DELETE USING (((invited_user_id = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR (email = ( SELECT app_hidden.current_user_email() AS current_user_email))));

--
-- Name: agents delete_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_member ON app_public.agents FOR DELETE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: messages delete_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_member ON app_public.messages FOR DELETE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: scheduled_tasks delete_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_member ON app_public.scheduled_tasks FOR DELETE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: threads delete_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_member ON app_public.threads FOR DELETE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: account_invitations delete_owner; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_owner ON app_public.account_invitations FOR DELETE USING (app_hidden.has_role_on_account(account_id, 'owner'::text));

--
-- Name: account_memberships delete_owner; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_owner ON app_public.account_memberships FOR DELETE USING (app_hidden.has_role_on_account(account_id, 'owner'::text));

--
-- Name: accounts delete_owner; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_owner ON app_public.accounts FOR DELETE USING (((NOT personal_account) AND app_hidden.has_role_on_account(id, 'owner'::text)));

--
-- Name: agents insert_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_member ON app_public.agents FOR INSERT WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: messages insert_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_member ON app_public.messages FOR INSERT WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: threads insert_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_member ON app_public.threads FOR INSERT WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: messages; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.messages ENABLE ROW LEVEL SECURITY;

--
-- Name: scheduled_tasks; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.scheduled_tasks ENABLE ROW LEVEL SECURITY;

--
-- Name: account_invitations select_invitee; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_invitee ON app_public.account_invitations FOR SELECT USING (((invited_user_id = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR (email = ( SELECT app_hidden.current_user_email() AS current_user_email))));

--
-- Name: account_memberships select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.account_memberships FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: accounts select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.accounts FOR SELECT USING ((id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: agent_runs select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.agent_runs FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: agents select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.agents FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: messages select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.messages FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: scheduled_tasks select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.scheduled_tasks FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: task_executions select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.task_executions FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: threads select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.threads FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: account_invitations select_owner; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_owner ON app_public.account_invitations FOR SELECT USING (app_hidden.has_role_on_account(account_id, 'owner'::text));

--
-- Name: users select_self_or_teammate; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_self_or_teammate ON app_public.users FOR SELECT USING (((id = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR (id = ANY (ARRAY( SELECT app_hidden.current_user_teammate_ids() AS current_user_teammate_ids)))));

--
-- Name: task_executions; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.task_executions ENABLE ROW LEVEL SECURITY;

--
-- Name: threads; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.threads ENABLE ROW LEVEL SECURITY;

--
-- Name: agents update_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_member ON app_public.agents FOR UPDATE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids)))) WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: messages update_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_member ON app_public.messages FOR UPDATE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids)))) WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: scheduled_tasks update_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_member ON app_public.scheduled_tasks FOR UPDATE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids)))) WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: threads update_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_member ON app_public.threads FOR UPDATE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids)))) WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: account_memberships update_owner; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_owner ON app_public.account_memberships FOR UPDATE USING (app_hidden.has_role_on_account(account_id, 'owner'::text)) WITH CHECK (app_hidden.has_role_on_account(account_id, 'owner'::text));

--
-- Name: accounts update_owner; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_owner ON app_public.accounts FOR UPDATE USING (app_hidden.has_role_on_account(id, 'owner'::text)) WITH CHECK (app_hidden.has_role_on_account(id, 'owner'::text));

--
-- Name: users; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.users ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA app_hidden; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA app_hidden TO sat_visitor;

--
-- Name: SCHEMA app_public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA app_public TO sat_visitor;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO sat_visitor;

--
-- Name: FUNCTION current_user_account_ids(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_account_ids() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_account_ids() TO sat_visitor;

--
-- Name: FUNCTION current_user_email(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_email() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_email() TO sat_visitor;

--
-- Name: FUNCTION current_user_id(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_id() TO sat_visitor;

--
-- Name: FUNCTION current_user_personal_account_id(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_personal_account_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_personal_account_id() TO sat_visitor;

--
-- Name: FUNCTION current_user_teammate_ids(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_teammate_ids() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_teammate_ids() TO sat_visitor;

--
-- Name: FUNCTION has_role_on_account(account_id uuid, account_role text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.has_role_on_account(account_id uuid, account_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.has_role_on_account(account_id uuid, account_role text) TO sat_visitor;

--
-- Name: FUNCTION is_iana_timezone(name text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.is_iana_timezone(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.is_iana_timezone(name text) TO sat_visitor;

--
-- Name: FUNCTION mcp_servers_problem(servers jsonb); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.mcp_servers_problem(servers jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.mcp_servers_problem(servers jsonb) TO sat_visitor;

--
-- Name: FUNCTION provision_current_user(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.provision_current_user() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.provision_current_user() TO sat_visitor;

--
-- Name: FUNCTION raise_error(code text, message text, hint text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.raise_error(code text, message text, hint text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.raise_error(code text, message text, hint text) TO sat_visitor;

--
-- Name: FUNCTION append_run_message(execution_id uuid, role text, content text, metadata jsonb); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb) FROM PUBLIC;

--
-- Name: FUNCTION apply_run_writes(ops jsonb); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.apply_run_writes(ops jsonb) FROM PUBLIC;

--
-- Name: TABLE scheduled_tasks; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.scheduled_tasks TO sat_visitor;

--
-- Name: COLUMN scheduled_tasks.name; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(name) ON TABLE app_public.scheduled_tasks TO sat_visitor;

--
-- Name: COLUMN scheduled_tasks.description; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(description) ON TABLE app_public.scheduled_tasks TO sat_visitor;

--
-- Name: COLUMN scheduled_tasks.generated_prompt; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(generated_prompt) ON TABLE app_public.scheduled_tasks TO sat_visitor;

--
-- Name: FUNCTION assert_task_runnable(task app_public.scheduled_tasks); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.assert_task_runnable(task app_public.scheduled_tasks) FROM PUBLIC;

--
-- Name: FUNCTION back_off_provider(provider text, retry_at timestamp with time zone, reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.back_off_provider(provider text, retry_at timestamp with time zone, reason text) FROM PUBLIC;

--
-- Name: FUNCTION can_see_account(account_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.can_see_account(account_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION cancel_pending_scheduled(task_id uuid, reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.cancel_pending_scheduled(task_id uuid, reason text) FROM PUBLIC;

--
-- Name: FUNCTION charge_execution(account_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.charge_execution(account_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION charge_prompt_generation(account_id uuid, task_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.charge_prompt_generation(account_id uuid, task_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION check_run_allowed(account_id uuid, model text, max_tokens integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.check_run_allowed(account_id uuid, model text, max_tokens integer) FROM PUBLIC;

--
-- Name: FUNCTION check_token_allowance(account_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.check_token_allowance(account_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION claim_due_tasks(until timestamp with time zone, batch_size integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.claim_due_tasks(until timestamp with time zone, batch_size integer) FROM PUBLIC;

--
-- Name: FUNCTION claim_runs(worker_id text, max_runs integer, provider text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.claim_runs(worker_id text, max_runs integer, provider text) FROM PUBLIC;

--
-- Name: FUNCTION cleanup_executions(now_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.cleanup_executions(now_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION complete_prompt_generation(task_id uuid, generation integer, prompt text, source text, info jsonb, review_reasons text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.complete_prompt_generation(task_id uuid, generation integer, prompt text, source text, info jsonb, review_reasons text[]) FROM PUBLIC;

--
-- Name: FUNCTION configure_provider(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.configure_provider(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer) FROM PUBLIC;

--
-- Name: TABLE task_executions; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.task_executions TO sat_visitor;

--
-- Name: FUNCTION create_execution(task app_public.scheduled_tasks, trigger_type text, scheduled_for timestamp with time zone, context jsonb, run_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.create_execution(task app_public.scheduled_tasks, trigger_type text, scheduled_for timestamp with time zone, context jsonb, run_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION enqueue_prompt_generation(task app_public.scheduled_tasks); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.enqueue_prompt_generation(task app_public.scheduled_tasks) FROM PUBLIC;

--
-- Name: FUNCTION execution_is_live(execution_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.execution_is_live(execution_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION fail_prompt_generation(task_id uuid, generation integer, error text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.fail_prompt_generation(task_id uuid, generation integer, error text) FROM PUBLIC;

--
-- Name: FUNCTION fail_schedule(task_id uuid, schedule_version integer, error text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.fail_schedule(task_id uuid, schedule_version integer, error text) FROM PUBLIC;

--
-- Name: FUNCTION finish_execution(execution_id uuid, status text, results jsonb, error text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.finish_execution(execution_id uuid, status text, results jsonb, error text) FROM PUBLIC;

--
-- Name: FUNCTION hand_over_run(execution_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.hand_over_run(execution_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer) FROM PUBLIC;

--
-- Name: FUNCTION is_admin(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.is_admin() FROM PUBLIC;

--
-- Name: FUNCTION load_task_for_update(task_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.load_task_for_update(task_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION model_call_refusal(account_id uuid, model text, max_tokens integer, include_allowance boolean, OUT code text, OUT message text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.model_call_refusal(account_id uuid, model text, max_tokens integer, include_allowance boolean, OUT code text, OUT message text) FROM PUBLIC;

--
-- Name: FUNCTION owner_plan_limits(owner_user_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.owner_plan_limits(owner_user_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION owner_plans(owner_user_ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.owner_plans(owner_user_ids uuid[]) FROM PUBLIC;

--
-- Name: FUNCTION prompt_hash(prompt text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.prompt_hash(prompt text) FROM PUBLIC;

--
-- Name: FUNCTION provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION record_model_usage(account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer, task_id uuid, execution_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_model_usage(account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer, task_id uuid, execution_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION record_run_usage(execution_id uuid, model text, input_tokens integer, output_tokens integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_run_usage(execution_id uuid, model text, input_tokens integer, output_tokens integer) FROM PUBLIC;

--
-- Name: FUNCTION record_webhook_event(agent_run_id uuid, event_id text, event_type text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_webhook_event(agent_run_id uuid, event_id text, event_type text) FROM PUBLIC;

--
-- Name: FUNCTION recover_lost_runs(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.recover_lost_runs() FROM PUBLIC;

--
-- Name: FUNCTION refuse_execution(execution_id uuid, error text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.refuse_execution(execution_id uuid, error text) FROM PUBLIC;

--
-- Name: FUNCTION release_run_worker(worker_id text, reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.release_run_worker(worker_id text, reason text) FROM PUBLIC;

--
-- Name: FUNCTION retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone, count_attempt boolean); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone, count_attempt boolean) FROM PUBLIC;

--
-- Name: FUNCTION screen_prompt(prompt text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.screen_prompt(prompt text) FROM PUBLIC;

--
-- Name: FUNCTION set_next_execution(task_id uuid, schedule_version integer, next_at timestamp with time zone, scheduled_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.set_next_execution(task_id uuid, schedule_version integer, next_at timestamp with time zone, scheduled_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION snapshot_thread(thread_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.snapshot_thread(thread_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION start_claimed_runs(execution_ids uuid[], executor text, model text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.start_claimed_runs(execution_ids uuid[], executor text, model text) FROM PUBLIC;

--
-- Name: FUNCTION start_execution(execution_id uuid, executor text, model text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.start_execution(execution_id uuid, executor text, model text) FROM PUBLIC;

--
-- Name: FUNCTION tg__audit(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__audit() FROM PUBLIC;

--
-- Name: FUNCTION tg__notify_task(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__notify_task() FROM PUBLIC;

--
-- Name: FUNCTION tg__timestamps(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__timestamps() FROM PUBLIC;

--
-- Name: FUNCTION tg__visitor_update_begin(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__visitor_update_begin() FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.tg__visitor_update_begin() TO sat_visitor;

--
-- Name: FUNCTION tg__visitor_update_count(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__visitor_update_count() FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.tg__visitor_update_count() TO sat_visitor;

--
-- Name: FUNCTION tg__visitor_update_must_match(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__visitor_update_must_match() FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.tg__visitor_update_must_match() TO sat_visitor;

--
-- Name: FUNCTION tg_account_memberships__personal_is_private(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_account_memberships__personal_is_private() FROM PUBLIC;

--
-- Name: FUNCTION tg_account_memberships__protect_owners(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_account_memberships__protect_owners() FROM PUBLIC;

--
-- Name: FUNCTION tg_account_usage__roll_up_to_owner(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_account_usage__roll_up_to_owner() FROM PUBLIC;

--
-- Name: FUNCTION tg_agents__check_mcp_servers(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_agents__check_mcp_servers() FROM PUBLIC;

--
-- Name: FUNCTION tg_agents__check_plan(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_agents__check_plan() FROM PUBLIC;

--
-- Name: FUNCTION tg_agents__stay_while_used(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_agents__stay_while_used() FROM PUBLIC;

--
-- Name: FUNCTION tg_messages__account_from_thread(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_messages__account_from_thread() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__cancel_jobs(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__cancel_jobs() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__check_timezone(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__check_timezone() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__dispatch_soon(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__dispatch_soon() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__flag_cancels_pending(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__flag_cancels_pending() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__review_gate(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__review_gate() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__schedule_changed(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__schedule_changed() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__user_prompt_edit(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__user_prompt_edit() FROM PUBLIC;

--
-- Name: FUNCTION tg_task_executions__notify_inserted(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_task_executions__notify_inserted() FROM PUBLIC;

--
-- Name: FUNCTION tg_task_executions__notify_run_stopped(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_task_executions__notify_run_stopped() FROM PUBLIC;

--
-- Name: FUNCTION usage_period(at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.usage_period(at timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE account_memberships; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.account_memberships TO sat_visitor;

--
-- Name: COLUMN account_memberships.account_role; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(account_role) ON TABLE app_public.account_memberships TO sat_visitor;

--
-- Name: FUNCTION accept_invitation(invitation_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accept_invitation(invitation_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accept_invitation(invitation_id uuid) TO sat_visitor;

--
-- Name: TABLE accounts; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.accounts TO sat_visitor;

--
-- Name: COLUMN accounts.name; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(name) ON TABLE app_public.accounts TO sat_visitor;

--
-- Name: FUNCTION accounts_allowed_models(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_allowed_models(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_allowed_models(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION accounts_execution_limit(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_execution_limit(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_execution_limit(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION accounts_executions_this_month(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_executions_this_month(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_executions_this_month(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION accounts_max_tokens_ceiling(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_max_tokens_ceiling(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_max_tokens_ceiling(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION accounts_owner_executions_this_month(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_owner_executions_this_month(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_owner_executions_this_month(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION accounts_owner_tokens_this_month(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_owner_tokens_this_month(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_owner_tokens_this_month(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION accounts_prompt_generations_per_hour(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_prompt_generations_per_hour(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_prompt_generations_per_hour(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION accounts_token_limit(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_token_limit(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_token_limit(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION accounts_tokens_this_month(a app_public.accounts); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accounts_tokens_this_month(a app_public.accounts) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accounts_tokens_this_month(a app_public.accounts) TO sat_visitor;

--
-- Name: FUNCTION cancel_execution(execution_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.cancel_execution(execution_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_execution(execution_id uuid) TO sat_visitor;

--
-- Name: FUNCTION confirm_task_prompt(task_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.confirm_task_prompt(task_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.confirm_task_prompt(task_id uuid) TO sat_visitor;

--
-- Name: FUNCTION create_account(name text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_account(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_account(name text) TO sat_visitor;

--
-- Name: TABLE users; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.users TO sat_visitor;

--
-- Name: FUNCTION "current_user"(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public."current_user"() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public."current_user"() TO sat_visitor;

--
-- Name: FUNCTION execute_task(task_id uuid, reason text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.execute_task(task_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.execute_task(task_id uuid, reason text) TO sat_visitor;

--
-- Name: FUNCTION export_thread(thread_id uuid, task_name text, task_description text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.export_thread(thread_id uuid, task_name text, task_description text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.export_thread(thread_id uuid, task_name text, task_description text) TO sat_visitor;

--
-- Name: TABLE account_invitations; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.account_invitations TO sat_visitor;

--
-- Name: FUNCTION invite_to_account(account_id uuid, email text, user_id uuid, account_role text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.invite_to_account(account_id uuid, email text, user_id uuid, account_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.invite_to_account(account_id uuid, email text, user_id uuid, account_role text) TO sat_visitor;

--
-- Name: FUNCTION pause_task(task_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.pause_task(task_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.pause_task(task_id uuid) TO sat_visitor;

--
-- Name: FUNCTION regenerate_prompt(task_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.regenerate_prompt(task_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.regenerate_prompt(task_id uuid) TO sat_visitor;

--
-- Name: FUNCTION resume_task(task_id uuid, planned_next timestamp with time zone, planned_version integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.resume_task(task_id uuid, planned_next timestamp with time zone, planned_version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.resume_task(task_id uuid, planned_next timestamp with time zone, planned_version integer) TO sat_visitor;

--
-- Name: FUNCTION schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, max_executions integer, planned_next timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, max_executions integer, planned_next timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, max_executions integer, planned_next timestamp with time zone) TO sat_visitor;

--
-- Name: FUNCTION scheduled_tasks_original_message_count(t app_public.scheduled_tasks); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.scheduled_tasks_original_message_count(t app_public.scheduled_tasks) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.scheduled_tasks_original_message_count(t app_public.scheduled_tasks) TO sat_visitor;

--
-- Name: FUNCTION scheduled_tasks_prompt_regenerating(t app_public.scheduled_tasks); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.scheduled_tasks_prompt_regenerating(t app_public.scheduled_tasks) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.scheduled_tasks_prompt_regenerating(t app_public.scheduled_tasks) TO sat_visitor;

--
-- Name: TABLE agent_runs; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.agent_runs TO sat_visitor;

--
-- Name: TABLE agents; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.account_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(account_id),UPDATE(account_id) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.name; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(name),UPDATE(name) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.description; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(description),UPDATE(description) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.system_prompt; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(system_prompt),UPDATE(system_prompt) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.model; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(model),UPDATE(model) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.temperature; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(temperature),UPDATE(temperature) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.max_tokens; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(max_tokens),UPDATE(max_tokens) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.tools; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(tools),UPDATE(tools) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.mcp_servers; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(mcp_servers),UPDATE(mcp_servers) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: COLUMN agents.config; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(config),UPDATE(config) ON TABLE app_public.agents TO sat_visitor;

--
-- Name: TABLE messages; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.messages TO sat_visitor;

--
-- Name: COLUMN messages.thread_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(thread_id) ON TABLE app_public.messages TO sat_visitor;

--
-- Name: COLUMN messages.role; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(role) ON TABLE app_public.messages TO sat_visitor;

--
-- Name: COLUMN messages.content; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(content),UPDATE(content) ON TABLE app_public.messages TO sat_visitor;

--
-- Name: COLUMN messages.metadata; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(metadata),UPDATE(metadata) ON TABLE app_public.messages TO sat_visitor;

--
-- Name: SEQUENCE messages_seq_seq; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE app_public.messages_seq_seq TO sat_visitor;

--
-- Name: TABLE threads; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.threads TO sat_visitor;

--
-- Name: COLUMN threads.account_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(account_id) ON TABLE app_public.threads TO sat_visitor;

--
-- Name: COLUMN threads.agent_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(agent_id),UPDATE(agent_id) ON TABLE app_public.threads TO sat_visitor;

--
-- Name: COLUMN threads.title; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(title),UPDATE(title) ON TABLE app_public.threads TO sat_visitor;

--
-- Name: COLUMN threads.metadata; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(metadata),UPDATE(metadata) ON TABLE app_public.threads TO sat_visitor;

--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: app_hidden; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE sat_owner IN SCHEMA app_hidden GRANT SELECT,USAGE ON SEQUENCES  TO sat_visitor;

--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: app_public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE sat_owner IN SCHEMA app_public GRANT SELECT,USAGE ON SEQUENCES  TO sat_visitor;

--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE sat_owner IN SCHEMA public GRANT SELECT,USAGE ON SEQUENCES  TO sat_visitor;

--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: -; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE sat_owner REVOKE ALL ON FUNCTIONS  FROM PUBLIC;

--
-- PostgreSQL database dump complete
--
