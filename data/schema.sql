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
-- Name: agent_review_reasons(text[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.agent_review_reasons(reasons text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce(array_agg('agent_system_prompt: ' || r order by o), '{}') from unnest(reasons) with ordinality u(r, o);
$$;

--
-- Name: FUNCTION agent_review_reasons(reasons text[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.agent_review_reasons(reasons text[]) IS 'An agent''s review reasons as its tasks carry them ("agent_system_prompt: <reason>").';

--
-- Name: append_run_message(uuid, text, text, jsonb, bigint); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb, lease_epoch bigint DEFAULT NULL::bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION append_run_message(execution_id uuid, role text, content text, metadata jsonb, lease_epoch bigint); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb, lease_epoch bigint) IS 'Writes a message of a running execution to its thread, if lease_epoch (when given) is still the run''s; false otherwise. An assistant message''s model-call usage goes to the spend ledger either way.';

--
-- Name: apply_overlap_policies(timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.apply_overlap_policies(now_at timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION apply_overlap_policies(now_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.apply_overlap_policies(now_at timestamp with time zone) IS 'Step of claim_runs: for each due scheduled run with an earlier live execution of its task, applies the task''s overlap_policy (skip, buffer_one, cancel_other; allow_all does nothing) and records the decision in the history. Returns how many runs it decided.';

--
-- Name: apply_run_writes(jsonb); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.apply_run_writes(ops jsonb) RETURNS boolean[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION apply_run_writes(ops jsonb); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.apply_run_writes(ops jsonb) IS 'Applies a batch of run writes (append_run_message, finish_execution, each fenced by its lease_epoch) in order, in one transaction; one result per op.';

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
    CONSTRAINT scheduled_tasks_overlap_policy_check CHECK ((overlap_policy = ANY (ARRAY['skip'::text, 'buffer_one'::text, 'allow_all'::text, 'cancel_other'::text]))),
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

COMMENT ON COLUMN app_public.scheduled_tasks.overlap_policy IS 'What an occurrence does when it is due while an earlier execution of the task is still pending or running: skip (default: recorded as skipped), buffer_one (waits and runs right after it; further ones are skipped), allow_all (runs alongside), cancel_other (the earlier one is cancelled, this one runs). Judged when the occurrence is due.';

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
-- Name: check_model_call(uuid, text, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.check_model_call(execution_id uuid, model text, max_tokens integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_account uuid;
  v_owner uuid;
  v_refusal record;
  v_ceiling integer;
begin
  select e.account_id, a.primary_owner_user_id into v_account, v_owner
    from app_public.task_executions e join app_public.accounts a on a.id = e.account_id
   where e.execution_id = check_model_call.execution_id;
  if v_account is null then
    return jsonb_build_object('refusal', 'execution ' || check_model_call.execution_id || ' not found (ST001)', 'max_tokens_ceiling', null);
  end if;
  select * into v_refusal from app_private.model_call_refusal(v_account, check_model_call.model, check_model_call.max_tokens, true);
  select l.max_tokens_ceiling into v_ceiling from app_private.owner_plan_limits(v_owner) l;
  return jsonb_build_object(
    'refusal', case when v_refusal.code is not null then v_refusal.message || ' (' || v_refusal.code || ')' end,
    'max_tokens_ceiling', v_ceiling);
end;
$$;

--
-- Name: FUNCTION check_model_call(execution_id uuid, model text, max_tokens integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.check_model_call(execution_id uuid, model text, max_tokens integer) IS 'Asked by the agent executor before every model call of a run: {"refusal": null or "… (ST010|ST011|ST012)", "max_tokens_ceiling": the plan''s ceiling or null}. max_tokens is the agent''s own (null: the executor''s default, clamped to the ceiling). So one run stops at its owner''s monthly token allowance instead of overshooting it.';

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
     and not (e.trigger_type = 'schedule' and e.wait_reason like '%(overlap policy: buffer_one)');
  if v_provider.retry_at is not null and (v_next is null or v_next < v_provider.retry_at) and v_next <= v_now then
    v_next := v_provider.retry_at;
  end if;
  return jsonb_build_object('ids', coalesce(to_jsonb(v_ids), '[]'::jsonb), 'epochs', coalesce(to_jsonb(v_epochs), '[]'::jsonb),
                            'next_due_at', v_next, 'waiting_reason', v_provider.reason);
end;
$$;

--
-- Name: FUNCTION claim_runs(worker_id text, max_runs integer, provider text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.claim_runs(worker_id text, max_runs integer, provider text) IS 'Claims up to max_runs runnable executions for a worker process, in named steps: recover_lost_runs (other workers'' expired leases),
apply_overlap_policies (due occurrences overlapping a live execution of their task), provider_budget (the provider''s shared limits),
then round-robin across accounts (each account''s oldest first) within each paying owner''s plan concurrency cap. Each claimed run gets a new lease_epoch.
Returns {ids, epochs, next_due_at, waiting_reason}.';

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
    lease_epoch bigint DEFAULT 0 NOT NULL,
    attempt_open boolean DEFAULT false NOT NULL,
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
-- Name: COLUMN task_executions.lease_epoch; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.lease_epoch IS 'Fencing token: bumped by every claim; each write of the run must name the current one.
@behavior -*';

--
-- Name: COLUMN task_executions.attempt_open; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.attempt_open IS 'An attempt started and has not ended yet (given back when the run is handed back or its lease is lost).
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

--
-- Name: FUNCTION dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.dispatch_occurrences(decisions app_private.dispatch_decision[], now_at timestamp with time zone) IS 'Creates one execution per decided occurrence (pending, trigger schedule, scheduled_for) and wakes the run pools, which start each at its own second
(overlap with a running execution is judged then, by claim_runs). Occurrences beyond the billing owner''s monthly executions are recorded as skipped.
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
-- Name: finish_execution(uuid, text, jsonb, text, bigint); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.finish_execution(execution_id uuid, status text, results jsonb, error text, lease_epoch bigint DEFAULT NULL::bigint) RETURNS boolean
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

--
-- Name: FUNCTION finish_execution(execution_id uuid, status text, results jsonb, error text, lease_epoch bigint); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.finish_execution(execution_id uuid, status text, results jsonb, error text, lease_epoch bigint) IS 'Ends an execution (completed with results, or failed with error) if lease_epoch (when given) is still the run''s; false when it was cancelled, already finished or taken over.';

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

COMMENT ON FUNCTION app_private.heartbeat_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer) IS 'Renews a worker process''s lease and returns the runs it holds (psql and tests; the run pool calls reconcile_run_worker).';

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
-- Name: pick_runs(timestamp with time zone, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.pick_runs(now_at timestamp with time zone, budget integer) RETURNS uuid[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
         and not (e.trigger_type = 'schedule' and e.wait_reason like '%(overlap policy: buffer_one)' and app_private.waits_for_overlap(e))
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

--
-- Name: FUNCTION pick_runs(now_at timestamp with time zone, budget integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.pick_runs(now_at timestamp with time zone, budget integer) IS 'Step of claim_runs: which due pending runs start now, at most budget: round-robin across accounts (every account''s oldest due run before any
account''s second), within each paying owner''s plan concurrency cap (runs over the cap get a waitReason). Buffered occurrences (buffer_one) wait.';

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
-- Name: reconcile_run_worker(text, integer, text, integer, jsonb); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_released integer;
  v_lost uuid[];
begin
  insert into app_private.run_workers as w (worker_id, lease_expires_at, capacity, provider)
  values (reconcile_run_worker.worker_id, now() + make_interval(secs => reconcile_run_worker.lease_seconds),
          reconcile_run_worker.capacity, reconcile_run_worker.provider)
  on conflict (worker_id) do update
    set heartbeat_at = now(), lease_expires_at = excluded.lease_expires_at, capacity = excluded.capacity, provider = excluded.provider;
  -- held here but no longer run by the worker (its copy ended without writing, e.g. an outage): back at once
  v_released := app_private.release_runs(reconcile_run_worker.worker_id,
    array(select e.execution_id from app_public.task_executions e
           where e.status = 'running' and e.lease_owner = reconcile_run_worker.worker_id
             and not (coalesce(owned, '{}'::jsonb) ? e.execution_id::text)),
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

--
-- Name: FUNCTION reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb) IS 'The run pool''s heartbeat: renews the worker''s lease and reconciles both ways. owned = {execution_id: lease_epoch or null} of the runs the pool runs.
Runs held by the worker but not owned are handed back at once; returns {released, lost}, lost = owned runs the worker no longer holds (stop them).';

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
-- Name: recover_lost_runs(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.recover_lost_runs(except_worker text DEFAULT NULL::text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION recover_lost_runs(except_worker text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.recover_lost_runs(except_worker text) IS 'Step of claim_runs: runs held by workers whose lease expired go back to pending (no attempt used), except the claiming worker''s own: it is alive.';

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
     set status = 'pending', lease_owner = null, wait_reason = left(reason, 500),
         attempts = case when e.attempt_open then greatest(e.attempts - 1, 0) else e.attempts end, attempt_open = false
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
-- Name: FUNCTION release_run_worker(worker_id text, reason text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.release_run_worker(worker_id text, reason text) IS 'A stopping worker hands all its runs back (pending, no attempt used) and drops its lease.';

--
-- Name: release_runs(text, uuid[], text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.release_runs(worker_id text, execution_ids uuid[], reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION release_runs(worker_id text, execution_ids uuid[], reason text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.release_runs(worker_id text, execution_ids uuid[], reason text) IS 'Hands some of a worker''s runs back (pending, no attempt used): runs it could not prepare, or that it no longer runs.';

--
-- Name: retry_execution_later(uuid, text, timestamp with time zone, boolean, bigint); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone DEFAULT now(), count_attempt boolean DEFAULT true, lease_epoch bigint DEFAULT NULL::bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone, count_attempt boolean, lease_epoch bigint); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone, count_attempt boolean, lease_epoch bigint) IS 'Puts a running execution back to pending until run_after (a retry''s back-off), if lease_epoch (when given) is still the run''s; count_attempt false gives the attempt back (rate limits).';

--
-- Name: screen_fold_words(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.screen_fold_words(prompt text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v text := normalize(normalize(regexp_replace(prompt, '[\U000000AD\U0000034F\U0000061C\U0000115F-\U00001160\U000017B4-\U000017B5\U0000180B-\U0000180F\U0000200B-\U0000200F\U0000202A-\U0000202E\U00002060-\U0000206F\U00003164\U0000FE00-\U0000FE0F\U0000FEFF\U0000FFA0\U0000FFF0-\U0000FFF8\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF]', '', 'g'), NFKC), NFD);
begin
  -- TR39 confusables → ASCII prototype: the five ASCII sources (0 1 I ` |) by translate, the others one
  -- character at a time through the map (only when the text has a non-ASCII character: the common case is fast)
  v := translate(v, '01I`|', 'Oll''l');
  if v ~ '[^\x01-\x7F]' then
    select string_agg(coalesce(j.map ->> s.c, s.c), '' order by s.i) into v
      from regexp_split_to_table(v, '') with ordinality s(c, i),
           (select '{"0":"O","1":"l","I":"l","`":"''","|":"l","\u00a0":" ","\u00b4":"''","\u00b8":",","\u00d7":"x","\u0131":"i","\u017f":"f","\u0184":"b","\u018d":"g","\u0196":"l","\u01a6":"R","\u01a7":"2","\u01b7":"3","\u01bc":"5","\u01bd":"s","\u01c0":"l","\u01c3":"!","\u021c":"3","\u0222":"8","\u0223":"8","\u0241":"?","\u0251":"a","\u0261":"g","\u0263":"y","\u0269":"i","\u026a":"i","\u026f":"w","\u028b":"u","\u028f":"y","\u0294":"?","\u02b9":"''","\u02bb":"''","\u02bc":"''","\u02bd":"''","\u02be":"''","\u02c2":"<","\u02c3":">","\u02c4":"^","\u02c6":"^","\u02c8":"''","\u02ca":"''","\u02cb":"''","\u02d0":":","\u02d7":"-","\u02db":"i","\u02dc":"~","\u02f4":"''","\u02f8":":","\u0374":"''","\u037a":"i","\u037e":";","\u037f":"J","\u0384":"''","\u0391":"A","\u0392":"B","\u0395":"E","\u0396":"Z","\u0397":"H","\u0399":"l","\u039a":"K","\u039c":"M","\u039d":"N","\u039f":"O","\u03a1":"P","\u03a4":"T","\u03a5":"Y","\u03a7":"X","\u03b1":"a","\u03b3":"y","\u03b9":"i","\u03bd":"v","\u03bf":"o","\u03c1":"p","\u03c3":"o","\u03c5":"u","\u03d2":"Y","\u03dc":"F","\u03e8":"2","\u03f1":"p","\u03f2":"c","\u03f3":"j","\u03f9":"C","\u03fa":"M","\u0405":"S","\u0406":"l","\u0408":"J","\u0410":"A","\u0412":"B","\u0415":"E","\u0417":"3","\u041a":"K","\u041c":"M","\u041d":"H","\u041e":"O","\u0420":"P","\u0421":"C","\u0422":"T","\u0423":"Y","\u0425":"X","\u042c":"b","\u0430":"a","\u0431":"6","\u0433":"r","\u0435":"e","\u043e":"o","\u0440":"p","\u0441":"c","\u0443":"y","\u0445":"x","\u0455":"s","\u0456":"i","\u0458":"j","\u0461":"w","\u0474":"V","\u0475":"v","\u04ae":"Y","\u04af":"y","\u04bb":"h","\u04bd":"e","\u04c0":"l","\u04cf":"i","\u04e0":"3","\u0501":"d","\u050c":"G","\u051b":"q","\u051c":"W","\u051d":"w","\u054d":"U","\u054f":"S","\u0555":"O","\u055a":"''","\u055d":"''","\u0561":"w","\u0563":"q","\u0566":"q","\u0570":"h","\u0578":"n","\u057c":"n","\u057d":"u","\u0581":"g","\u0584":"f","\u0585":"o","\u0589":":","\u05c0":"l","\u05c3":":","\u05d5":"l","\u05d8":"v","\u05d9":"''","\u05df":"l","\u05e1":"o","\u05f3":"''","\u060d":",","\u0627":"l","\u0647":"o","\u0660":".","\u0661":"l","\u0665":"o","\u0667":"V","\u066b":",","\u066d":"*","\u06be":"o","\u06c1":"o","\u06d4":"-","\u06d5":"o","\u06f0":".","\u06f1":"l","\u06f5":"o","\u06f7":"V","\u0701":".","\u0702":".","\u0703":":","\u0704":":","\u07c0":"O","\u07ca":"l","\u07f4":"''","\u07f5":"''","\u07fa":"_","\u0903":":","\u0966":"o","\u097d":"?","\u09e6":"O","\u09ea":"8","\u09ed":"9","\u0a66":"o","\u0a67":"9","\u0a6a":"8","\u0a83":":","\u0ae6":"o","\u0b03":"8","\u0b20":"O","\u0b66":"O","\u0b68":"9","\u0be6":"o","\u0c02":"o","\u0c66":"o","\u0c82":"o","\u0ce6":"o","\u0d02":"o","\u0d20":"o","\u0d66":"o","\u0d6d":"9","\u0d82":"o","\u0e50":"o","\u0ed0":"o","\u101d":"o","\u1040":"o","\u10e7":"y","\u10ff":"o","\u1200":"U","\u12d0":"O","\u13a0":"D","\u13a1":"R","\u13a2":"T","\u13a5":"i","\u13a9":"Y","\u13aa":"A","\u13ab":"J","\u13ac":"E","\u13ae":"?","\u13b3":"W","\u13b7":"M","\u13bb":"H","\u13bd":"Y","\u13c0":"G","\u13c2":"h","\u13c3":"Z","\u13ce":"4","\u13cf":"b","\u13d2":"R","\u13d4":"W","\u13d5":"S","\u13d9":"V","\u13da":"S","\u13de":"L","\u13df":"C","\u13e2":"P","\u13e6":"K","\u13e7":"d","\u13ee":"6","\u13f3":"G","\u13f4":"B","\u1400":"=","\u142f":"V","\u1433":">","\u1438":"<","\u144a":"''","\u144c":"U","\u146d":"P","\u146f":"d","\u148d":"J","\u14aa":"L","\u14bf":"2","\u1541":"x","\u157c":"H","\u157d":"x","\u1587":"R","\u15af":"b","\u15b4":"F","\u15c5":"A","\u15de":"D","\u15ea":"D","\u15f0":"M","\u15f7":"B","\u166d":"X","\u166e":"x","\u1680":" ","\u16b2":"<","\u16b7":"X","\u16c1":"l","\u16cc":"''","\u16d5":"K","\u16d6":"M","\u16ec":":","\u16ed":"+","\u1735":"/","\u1803":":","\u1809":":","\u1d04":"c","\u1d0f":"o","\u1d11":"o","\u1d1c":"u","\u1d20":"v","\u1d21":"w","\u1d22":"z","\u1d26":"r","\u1d83":"g","\u1d8c":"y","\u1e9d":"f","\u1eff":"y","\u1fbd":"''","\u1fbe":"i","\u1fbf":"''","\u1fc0":"~","\u1fef":"''","\u1ffd":"''","\u1ffe":"''","\u2000":" ","\u2001":" ","\u2002":" ","\u2003":" ","\u2004":" ","\u2005":" ","\u2006":" ","\u2007":" ","\u2008":" ","\u2009":" ","\u200a":" ","\u2010":"-","\u2011":"-","\u2012":"-","\u2013":"-","\u2018":"''","\u2019":"''","\u201a":",","\u201b":"''","\u2024":".","\u2028":" ","\u2029":" ","\u202f":" ","\u2032":"''","\u2035":"''","\u2039":"<","\u203a":">","\u2041":"/","\u2043":"-","\u2044":"/","\u204e":"*","\u2053":"~","\u205a":":","\u205f":" ","\u2102":"C","\u210a":"g","\u210b":"H","\u210c":"H","\u210d":"H","\u210e":"h","\u2110":"l","\u2111":"l","\u2112":"L","\u2113":"l","\u2115":"N","\u2119":"P","\u211a":"Q","\u211b":"R","\u211c":"R","\u211d":"R","\u2124":"Z","\u2128":"Z","\u212a":"K","\u212c":"B","\u212d":"C","\u212e":"e","\u212f":"e","\u2130":"E","\u2131":"F","\u2133":"M","\u2134":"o","\u2139":"i","\u213d":"y","\u2145":"D","\u2146":"d","\u2147":"e","\u2148":"i","\u2149":"j","\u2160":"l","\u2164":"V","\u2169":"X","\u216c":"L","\u216d":"C","\u216e":"D","\u216f":"M","\u2170":"i","\u2174":"v","\u2179":"x","\u217c":"l","\u217d":"c","\u217e":"d","\u2212":"-","\u2215":"/","\u2216":"\\","\u2217":"*","\u2223":"l","\u2228":"v","\u222a":"U","\u2236":":","\u223c":"~","\u22a4":"T","\u22c1":"v","\u22c3":"U","\u22ff":"E","\u2373":"i","\u2374":"p","\u237a":"a","\u23fd":"l","\u2571":"/","\u2573":"X","\u2768":"(","\u2769":")","\u276e":"<","\u276f":">","\u2772":"(","\u2773":")","\u2774":"{","\u2775":"}","\u2795":"+","\u2796":"-","\u27cb":"/","\u27cd":"\\","\u27d9":"T","\u292b":"x","\u292c":"x","\u29f5":"\\","\u29f8":"/","\u29f9":"\\","\u2a2f":"x","\u2c85":"r","\u2c8e":"H","\u2c92":"l","\u2c94":"K","\u2c98":"M","\u2c9a":"N","\u2c9e":"O","\u2c9f":"o","\u2ca2":"P","\u2ca3":"p","\u2ca4":"C","\u2ca5":"c","\u2ca6":"T","\u2ca8":"Y","\u2cac":"X","\u2cba":"-","\u2cc6":"/","\u2cca":"9","\u2ccc":"3","\u2cd0":"L","\u2cd2":"6","\u2d38":"V","\u2d39":"E","\u2d4f":"l","\u2d51":"!","\u2d54":"O","\u2d55":"Q","\u2d5d":"X","\u2e40":"=","\u2f02":"\\","\u2f03":"/","\u3007":"O","\u3014":"(","\u3015":")","\u3033":"/","\u30a0":"=","\u30ce":"/","\u31d3":"/","\u31d4":"\\","\u4e36":"\\","\u4e3f":"/","\ua4d0":"B","\ua4d1":"P","\ua4d2":"d","\ua4d3":"D","\ua4d4":"T","\ua4d6":"G","\ua4d7":"K","\ua4d9":"J","\ua4da":"C","\ua4dc":"Z","\ua4dd":"F","\ua4df":"M","\ua4e0":"N","\ua4e1":"L","\ua4e2":"S","\ua4e3":"R","\ua4e6":"V","\ua4e7":"H","\ua4ea":"W","\ua4eb":"X","\ua4ec":"Y","\ua4ee":"A","\ua4f0":"E","\ua4f2":"l","\ua4f3":"O","\ua4f4":"U","\ua4f8":".","\ua4f9":",","\ua4fd":":","\ua4ff":"=","\ua60e":".","\ua644":"2","\ua647":"i","\ua6df":"V","\ua6eb":"?","\ua6ef":"2","\ua731":"s","\ua75a":"2","\ua76a":"3","\ua76e":"9","\ua778":"&","\ua789":":","\ua78c":"''","\ua798":"F","\ua799":"f","\ua79f":"u","\ua7ab":"3","\ua7b2":"J","\ua7b3":"X","\ua7b4":"B","\uab32":"e","\uab35":"f","\uab3d":"o","\uab47":"r","\uab48":"r","\uab4e":"u","\uab52":"u","\uab5a":"y","\uab75":"i","\uab81":"r","\uab83":"w","\uab93":"z","\uaba9":"v","\uabaa":"s","\uabaf":"c","\ufba6":"o","\ufba7":"o","\ufba8":"o","\ufba9":"o","\ufbaa":"o","\ufbab":"o","\ufbac":"o","\ufbad":"o","\ufd3e":"(","\ufd3f":")","\ufe30":":","\ufe4d":"_","\ufe4e":"_","\ufe4f":"_","\ufe58":"-","\ufe68":"\\","\ufe8d":"l","\ufe8e":"l","\ufee9":"o","\ufeea":"o","\ufeeb":"o","\ufeec":"o","\uff01":"!","\uff07":"''","\uff1a":":","\uff21":"A","\uff22":"B","\uff23":"C","\uff25":"E","\uff28":"H","\uff29":"l","\uff2a":"J","\uff2b":"K","\uff2d":"M","\uff2e":"N","\uff2f":"O","\uff30":"P","\uff33":"S","\uff34":"T","\uff38":"X","\uff39":"Y","\uff3a":"Z","\uff3b":"(","\uff3c":"\\","\uff3d":")","\uff40":"''","\uff41":"a","\uff43":"c","\uff45":"e","\uff47":"g","\uff48":"h","\uff49":"i","\uff4a":"j","\uff4c":"l","\uff4f":"o","\uff50":"p","\uff53":"s","\uff56":"v","\uff58":"x","\uff59":"y","\uffe8":"l","\ud800\ude82":"B","\ud800\ude86":"E","\ud800\ude87":"F","\ud800\ude8a":"l","\ud800\ude90":"X","\ud800\ude92":"O","\ud800\ude95":"P","\ud800\ude96":"S","\ud800\ude97":"T","\ud800\ude9b":"+","\ud800\udea0":"A","\ud800\udea1":"B","\ud800\udea2":"C","\ud800\udea5":"F","\ud800\udeab":"O","\ud800\udeb0":"M","\ud800\udeb1":"T","\ud800\udeb2":"Y","\ud800\udeb4":"X","\ud800\udecf":"H","\ud800\udef5":"Z","\ud800\udf01":"B","\ud800\udf02":"C","\ud800\udf09":"l","\ud800\udf11":"M","\ud800\udf15":"T","\ud800\udf17":"X","\ud800\udf1a":"8","\ud800\udf1f":"*","\ud800\udf20":"l","\ud800\udf22":"X","\ud801\udc04":"O","\ud801\udc15":"C","\ud801\udc1b":"L","\ud801\udc20":"S","\ud801\udc2c":"o","\ud801\udc3d":"c","\ud801\udc48":"s","\ud801\udcb4":"R","\ud801\udcc2":"O","\ud801\udcce":"U","\ud801\udcd2":"7","\ud801\udcea":"o","\ud801\udcf6":"u","\ud801\udd13":"N","\ud801\udd16":"O","\ud801\udd18":"K","\ud801\udd1c":"C","\ud801\udd1d":"V","\ud801\udd25":"F","\ud801\udd26":"L","\ud801\udd27":"X","\ud802\ude50":".","\ud805\udcd0":"O","\ud805\udf06":"v","\ud805\udf0a":"w","\ud805\udf0e":"w","\ud805\udf0f":"w","\ud806\udca0":"V","\ud806\udca2":"F","\ud806\udca3":"L","\ud806\udca4":"Y","\ud806\udca6":"E","\ud806\udca9":"Z","\ud806\udcac":"9","\ud806\udcae":"E","\ud806\udcaf":"4","\ud806\udcb2":"L","\ud806\udcb5":"O","\ud806\udcb8":"U","\ud806\udcbb":"5","\ud806\udcbc":"T","\ud806\udcc0":"v","\ud806\udcc1":"s","\ud806\udcc2":"F","\ud806\udcc3":"i","\ud806\udcc4":"z","\ud806\udcc6":"7","\ud806\udcc8":"o","\ud806\udcca":"3","\ud806\udccc":"9","\ud806\udcd5":"6","\ud806\udcd6":"9","\ud806\udcd7":"o","\ud806\udcd8":"u","\ud806\udcdc":"y","\ud806\udce0":"O","\ud806\udce5":"Z","\ud806\udce6":"W","\ud806\udce9":"C","\ud806\udcec":"X","\ud806\udcef":"W","\ud806\udcf2":"C","\ud81b\udf08":"V","\ud81b\udf0a":"T","\ud81b\udf16":"L","\ud81b\udf28":"l","\ud81b\udf35":"R","\ud81b\udf3a":"S","\ud81b\udf3b":"3","\ud81b\udf3f":">","\ud81b\udf40":"A","\ud81b\udf42":"U","\ud81b\udf43":"Y","\ud81b\udf51":"''","\ud81b\udf52":"''","\ud834\udd14":"{","\ud834\udd6d":".","\ud834\ude06":"3","\ud834\ude0d":"V","\ud834\ude0f":"\\","\ud834\ude12":"7","\ud834\ude13":"F","\ud834\ude16":"R","\ud834\ude2a":"L","\ud834\ude36":"<","\ud834\ude37":">","\ud834\ude3a":"/","\ud834\ude3b":"\\","\ud835\udc00":"A","\ud835\udc01":"B","\ud835\udc02":"C","\ud835\udc03":"D","\ud835\udc04":"E","\ud835\udc05":"F","\ud835\udc06":"G","\ud835\udc07":"H","\ud835\udc08":"l","\ud835\udc09":"J","\ud835\udc0a":"K","\ud835\udc0b":"L","\ud835\udc0c":"M","\ud835\udc0d":"N","\ud835\udc0e":"O","\ud835\udc0f":"P","\ud835\udc10":"Q","\ud835\udc11":"R","\ud835\udc12":"S","\ud835\udc13":"T","\ud835\udc14":"U","\ud835\udc15":"V","\ud835\udc16":"W","\ud835\udc17":"X","\ud835\udc18":"Y","\ud835\udc19":"Z","\ud835\udc1a":"a","\ud835\udc1b":"b","\ud835\udc1c":"c","\ud835\udc1d":"d","\ud835\udc1e":"e","\ud835\udc1f":"f","\ud835\udc20":"g","\ud835\udc21":"h","\ud835\udc22":"i","\ud835\udc23":"j","\ud835\udc24":"k","\ud835\udc25":"l","\ud835\udc27":"n","\ud835\udc28":"o","\ud835\udc29":"p","\ud835\udc2a":"q","\ud835\udc2b":"r","\ud835\udc2c":"s","\ud835\udc2d":"t","\ud835\udc2e":"u","\ud835\udc2f":"v","\ud835\udc30":"w","\ud835\udc31":"x","\ud835\udc32":"y","\ud835\udc33":"z","\ud835\udc34":"A","\ud835\udc35":"B","\ud835\udc36":"C","\ud835\udc37":"D","\ud835\udc38":"E","\ud835\udc39":"F","\ud835\udc3a":"G","\ud835\udc3b":"H","\ud835\udc3c":"l","\ud835\udc3d":"J","\ud835\udc3e":"K","\ud835\udc3f":"L","\ud835\udc40":"M","\ud835\udc41":"N","\ud835\udc42":"O","\ud835\udc43":"P","\ud835\udc44":"Q","\ud835\udc45":"R","\ud835\udc46":"S","\ud835\udc47":"T","\ud835\udc48":"U","\ud835\udc49":"V","\ud835\udc4a":"W","\ud835\udc4b":"X","\ud835\udc4c":"Y","\ud835\udc4d":"Z","\ud835\udc4e":"a","\ud835\udc4f":"b","\ud835\udc50":"c","\ud835\udc51":"d","\ud835\udc52":"e","\ud835\udc53":"f","\ud835\udc54":"g","\ud835\udc56":"i","\ud835\udc57":"j","\ud835\udc58":"k","\ud835\udc59":"l","\ud835\udc5b":"n","\ud835\udc5c":"o","\ud835\udc5d":"p","\ud835\udc5e":"q","\ud835\udc5f":"r","\ud835\udc60":"s","\ud835\udc61":"t","\ud835\udc62":"u","\ud835\udc63":"v","\ud835\udc64":"w","\ud835\udc65":"x","\ud835\udc66":"y","\ud835\udc67":"z","\ud835\udc68":"A","\ud835\udc69":"B","\ud835\udc6a":"C","\ud835\udc6b":"D","\ud835\udc6c":"E","\ud835\udc6d":"F","\ud835\udc6e":"G","\ud835\udc6f":"H","\ud835\udc70":"l","\ud835\udc71":"J","\ud835\udc72":"K","\ud835\udc73":"L","\ud835\udc74":"M","\ud835\udc75":"N","\ud835\udc76":"O","\ud835\udc77":"P","\ud835\udc78":"Q","\ud835\udc79":"R","\ud835\udc7a":"S","\ud835\udc7b":"T","\ud835\udc7c":"U","\ud835\udc7d":"V","\ud835\udc7e":"W","\ud835\udc7f":"X","\ud835\udc80":"Y","\ud835\udc81":"Z","\ud835\udc82":"a","\ud835\udc83":"b","\ud835\udc84":"c","\ud835\udc85":"d","\ud835\udc86":"e","\ud835\udc87":"f","\ud835\udc88":"g","\ud835\udc89":"h","\ud835\udc8a":"i","\ud835\udc8b":"j","\ud835\udc8c":"k","\ud835\udc8d":"l","\ud835\udc8f":"n","\ud835\udc90":"o","\ud835\udc91":"p","\ud835\udc92":"q","\ud835\udc93":"r","\ud835\udc94":"s","\ud835\udc95":"t","\ud835\udc96":"u","\ud835\udc97":"v","\ud835\udc98":"w","\ud835\udc99":"x","\ud835\udc9a":"y","\ud835\udc9b":"z","\ud835\udc9c":"A","\ud835\udc9e":"C","\ud835\udc9f":"D","\ud835\udca2":"G","\ud835\udca5":"J","\ud835\udca6":"K","\ud835\udca9":"N","\ud835\udcaa":"O","\ud835\udcab":"P","\ud835\udcac":"Q","\ud835\udcae":"S","\ud835\udcaf":"T","\ud835\udcb0":"U","\ud835\udcb1":"V","\ud835\udcb2":"W","\ud835\udcb3":"X","\ud835\udcb4":"Y","\ud835\udcb5":"Z","\ud835\udcb6":"a","\ud835\udcb7":"b","\ud835\udcb8":"c","\ud835\udcb9":"d","\ud835\udcbb":"f","\ud835\udcbd":"h","\ud835\udcbe":"i","\ud835\udcbf":"j","\ud835\udcc0":"k","\ud835\udcc1":"l","\ud835\udcc3":"n","\ud835\udcc5":"p","\ud835\udcc6":"q","\ud835\udcc7":"r","\ud835\udcc8":"s","\ud835\udcc9":"t","\ud835\udcca":"u","\ud835\udccb":"v","\ud835\udccc":"w","\ud835\udccd":"x","\ud835\udcce":"y","\ud835\udccf":"z","\ud835\udcd0":"A","\ud835\udcd1":"B","\ud835\udcd2":"C","\ud835\udcd3":"D","\ud835\udcd4":"E","\ud835\udcd5":"F","\ud835\udcd6":"G","\ud835\udcd7":"H","\ud835\udcd8":"l","\ud835\udcd9":"J","\ud835\udcda":"K","\ud835\udcdb":"L","\ud835\udcdc":"M","\ud835\udcdd":"N","\ud835\udcde":"O","\ud835\udcdf":"P","\ud835\udce0":"Q","\ud835\udce1":"R","\ud835\udce2":"S","\ud835\udce3":"T","\ud835\udce4":"U","\ud835\udce5":"V","\ud835\udce6":"W","\ud835\udce7":"X","\ud835\udce8":"Y","\ud835\udce9":"Z","\ud835\udcea":"a","\ud835\udceb":"b","\ud835\udcec":"c","\ud835\udced":"d","\ud835\udcee":"e","\ud835\udcef":"f","\ud835\udcf0":"g","\ud835\udcf1":"h","\ud835\udcf2":"i","\ud835\udcf3":"j","\ud835\udcf4":"k","\ud835\udcf5":"l","\ud835\udcf7":"n","\ud835\udcf8":"o","\ud835\udcf9":"p","\ud835\udcfa":"q","\ud835\udcfb":"r","\ud835\udcfc":"s","\ud835\udcfd":"t","\ud835\udcfe":"u","\ud835\udcff":"v","\ud835\udd00":"w","\ud835\udd01":"x","\ud835\udd02":"y","\ud835\udd03":"z","\ud835\udd04":"A","\ud835\udd05":"B","\ud835\udd07":"D","\ud835\udd08":"E","\ud835\udd09":"F","\ud835\udd0a":"G","\ud835\udd0d":"J","\ud835\udd0e":"K","\ud835\udd0f":"L","\ud835\udd10":"M","\ud835\udd11":"N","\ud835\udd12":"O","\ud835\udd13":"P","\ud835\udd14":"Q","\ud835\udd16":"S","\ud835\udd17":"T","\ud835\udd18":"U","\ud835\udd19":"V","\ud835\udd1a":"W","\ud835\udd1b":"X","\ud835\udd1c":"Y","\ud835\udd1e":"a","\ud835\udd1f":"b","\ud835\udd20":"c","\ud835\udd21":"d","\ud835\udd22":"e","\ud835\udd23":"f","\ud835\udd24":"g","\ud835\udd25":"h","\ud835\udd26":"i","\ud835\udd27":"j","\ud835\udd28":"k","\ud835\udd29":"l","\ud835\udd2b":"n","\ud835\udd2c":"o","\ud835\udd2d":"p","\ud835\udd2e":"q","\ud835\udd2f":"r","\ud835\udd30":"s","\ud835\udd31":"t","\ud835\udd32":"u","\ud835\udd33":"v","\ud835\udd34":"w","\ud835\udd35":"x","\ud835\udd36":"y","\ud835\udd37":"z","\ud835\udd38":"A","\ud835\udd39":"B","\ud835\udd3b":"D","\ud835\udd3c":"E","\ud835\udd3d":"F","\ud835\udd3e":"G","\ud835\udd40":"l","\ud835\udd41":"J","\ud835\udd42":"K","\ud835\udd43":"L","\ud835\udd44":"M","\ud835\udd46":"O","\ud835\udd4a":"S","\ud835\udd4b":"T","\ud835\udd4c":"U","\ud835\udd4d":"V","\ud835\udd4e":"W","\ud835\udd4f":"X","\ud835\udd50":"Y","\ud835\udd52":"a","\ud835\udd53":"b","\ud835\udd54":"c","\ud835\udd55":"d","\ud835\udd56":"e","\ud835\udd57":"f","\ud835\udd58":"g","\ud835\udd59":"h","\ud835\udd5a":"i","\ud835\udd5b":"j","\ud835\udd5c":"k","\ud835\udd5d":"l","\ud835\udd5f":"n","\ud835\udd60":"o","\ud835\udd61":"p","\ud835\udd62":"q","\ud835\udd63":"r","\ud835\udd64":"s","\ud835\udd65":"t","\ud835\udd66":"u","\ud835\udd67":"v","\ud835\udd68":"w","\ud835\udd69":"x","\ud835\udd6a":"y","\ud835\udd6b":"z","\ud835\udd6c":"A","\ud835\udd6d":"B","\ud835\udd6e":"C","\ud835\udd6f":"D","\ud835\udd70":"E","\ud835\udd71":"F","\ud835\udd72":"G","\ud835\udd73":"H","\ud835\udd74":"l","\ud835\udd75":"J","\ud835\udd76":"K","\ud835\udd77":"L","\ud835\udd78":"M","\ud835\udd79":"N","\ud835\udd7a":"O","\ud835\udd7b":"P","\ud835\udd7c":"Q","\ud835\udd7d":"R","\ud835\udd7e":"S","\ud835\udd7f":"T","\ud835\udd80":"U","\ud835\udd81":"V","\ud835\udd82":"W","\ud835\udd83":"X","\ud835\udd84":"Y","\ud835\udd85":"Z","\ud835\udd86":"a","\ud835\udd87":"b","\ud835\udd88":"c","\ud835\udd89":"d","\ud835\udd8a":"e","\ud835\udd8b":"f","\ud835\udd8c":"g","\ud835\udd8d":"h","\ud835\udd8e":"i","\ud835\udd8f":"j","\ud835\udd90":"k","\ud835\udd91":"l","\ud835\udd93":"n","\ud835\udd94":"o","\ud835\udd95":"p","\ud835\udd96":"q","\ud835\udd97":"r","\ud835\udd98":"s","\ud835\udd99":"t","\ud835\udd9a":"u","\ud835\udd9b":"v","\ud835\udd9c":"w","\ud835\udd9d":"x","\ud835\udd9e":"y","\ud835\udd9f":"z","\ud835\udda0":"A","\ud835\udda1":"B","\ud835\udda2":"C","\ud835\udda3":"D","\ud835\udda4":"E","\ud835\udda5":"F","\ud835\udda6":"G","\ud835\udda7":"H","\ud835\udda8":"l","\ud835\udda9":"J","\ud835\uddaa":"K","\ud835\uddab":"L","\ud835\uddac":"M","\ud835\uddad":"N","\ud835\uddae":"O","\ud835\uddaf":"P","\ud835\uddb0":"Q","\ud835\uddb1":"R","\ud835\uddb2":"S","\ud835\uddb3":"T","\ud835\uddb4":"U","\ud835\uddb5":"V","\ud835\uddb6":"W","\ud835\uddb7":"X","\ud835\uddb8":"Y","\ud835\uddb9":"Z","\ud835\uddba":"a","\ud835\uddbb":"b","\ud835\uddbc":"c","\ud835\uddbd":"d","\ud835\uddbe":"e","\ud835\uddbf":"f","\ud835\uddc0":"g","\ud835\uddc1":"h","\ud835\uddc2":"i","\ud835\uddc3":"j","\ud835\uddc4":"k","\ud835\uddc5":"l","\ud835\uddc7":"n","\ud835\uddc8":"o","\ud835\uddc9":"p","\ud835\uddca":"q","\ud835\uddcb":"r","\ud835\uddcc":"s","\ud835\uddcd":"t","\ud835\uddce":"u","\ud835\uddcf":"v","\ud835\uddd0":"w","\ud835\uddd1":"x","\ud835\uddd2":"y","\ud835\uddd3":"z","\ud835\uddd4":"A","\ud835\uddd5":"B","\ud835\uddd6":"C","\ud835\uddd7":"D","\ud835\uddd8":"E","\ud835\uddd9":"F","\ud835\uddda":"G","\ud835\udddb":"H","\ud835\udddc":"l","\ud835\udddd":"J","\ud835\uddde":"K","\ud835\udddf":"L","\ud835\udde0":"M","\ud835\udde1":"N","\ud835\udde2":"O","\ud835\udde3":"P","\ud835\udde4":"Q","\ud835\udde5":"R","\ud835\udde6":"S","\ud835\udde7":"T","\ud835\udde8":"U","\ud835\udde9":"V","\ud835\uddea":"W","\ud835\uddeb":"X","\ud835\uddec":"Y","\ud835\udded":"Z","\ud835\uddee":"a","\ud835\uddef":"b","\ud835\uddf0":"c","\ud835\uddf1":"d","\ud835\uddf2":"e","\ud835\uddf3":"f","\ud835\uddf4":"g","\ud835\uddf5":"h","\ud835\uddf6":"i","\ud835\uddf7":"j","\ud835\uddf8":"k","\ud835\uddf9":"l","\ud835\uddfb":"n","\ud835\uddfc":"o","\ud835\uddfd":"p","\ud835\uddfe":"q","\ud835\uddff":"r","\ud835\ude00":"s","\ud835\ude01":"t","\ud835\ude02":"u","\ud835\ude03":"v","\ud835\ude04":"w","\ud835\ude05":"x","\ud835\ude06":"y","\ud835\ude07":"z","\ud835\ude08":"A","\ud835\ude09":"B","\ud835\ude0a":"C","\ud835\ude0b":"D","\ud835\ude0c":"E","\ud835\ude0d":"F","\ud835\ude0e":"G","\ud835\ude0f":"H","\ud835\ude10":"l","\ud835\ude11":"J","\ud835\ude12":"K","\ud835\ude13":"L","\ud835\ude14":"M","\ud835\ude15":"N","\ud835\ude16":"O","\ud835\ude17":"P","\ud835\ude18":"Q","\ud835\ude19":"R","\ud835\ude1a":"S","\ud835\ude1b":"T","\ud835\ude1c":"U","\ud835\ude1d":"V","\ud835\ude1e":"W","\ud835\ude1f":"X","\ud835\ude20":"Y","\ud835\ude21":"Z","\ud835\ude22":"a","\ud835\ude23":"b","\ud835\ude24":"c","\ud835\ude25":"d","\ud835\ude26":"e","\ud835\ude27":"f","\ud835\ude28":"g","\ud835\ude29":"h","\ud835\ude2a":"i","\ud835\ude2b":"j","\ud835\ude2c":"k","\ud835\ude2d":"l","\ud835\ude2f":"n","\ud835\ude30":"o","\ud835\ude31":"p","\ud835\ude32":"q","\ud835\ude33":"r","\ud835\ude34":"s","\ud835\ude35":"t","\ud835\ude36":"u","\ud835\ude37":"v","\ud835\ude38":"w","\ud835\ude39":"x","\ud835\ude3a":"y","\ud835\ude3b":"z","\ud835\ude3c":"A","\ud835\ude3d":"B","\ud835\ude3e":"C","\ud835\ude3f":"D","\ud835\ude40":"E","\ud835\ude41":"F","\ud835\ude42":"G","\ud835\ude43":"H","\ud835\ude44":"l","\ud835\ude45":"J","\ud835\ude46":"K","\ud835\ude47":"L","\ud835\ude48":"M","\ud835\ude49":"N","\ud835\ude4a":"O","\ud835\ude4b":"P","\ud835\ude4c":"Q","\ud835\ude4d":"R","\ud835\ude4e":"S","\ud835\ude4f":"T","\ud835\ude50":"U","\ud835\ude51":"V","\ud835\ude52":"W","\ud835\ude53":"X","\ud835\ude54":"Y","\ud835\ude55":"Z","\ud835\ude56":"a","\ud835\ude57":"b","\ud835\ude58":"c","\ud835\ude59":"d","\ud835\ude5a":"e","\ud835\ude5b":"f","\ud835\ude5c":"g","\ud835\ude5d":"h","\ud835\ude5e":"i","\ud835\ude5f":"j","\ud835\ude60":"k","\ud835\ude61":"l","\ud835\ude63":"n","\ud835\ude64":"o","\ud835\ude65":"p","\ud835\ude66":"q","\ud835\ude67":"r","\ud835\ude68":"s","\ud835\ude69":"t","\ud835\ude6a":"u","\ud835\ude6b":"v","\ud835\ude6c":"w","\ud835\ude6d":"x","\ud835\ude6e":"y","\ud835\ude6f":"z","\ud835\ude70":"A","\ud835\ude71":"B","\ud835\ude72":"C","\ud835\ude73":"D","\ud835\ude74":"E","\ud835\ude75":"F","\ud835\ude76":"G","\ud835\ude77":"H","\ud835\ude78":"l","\ud835\ude79":"J","\ud835\ude7a":"K","\ud835\ude7b":"L","\ud835\ude7c":"M","\ud835\ude7d":"N","\ud835\ude7e":"O","\ud835\ude7f":"P","\ud835\ude80":"Q","\ud835\ude81":"R","\ud835\ude82":"S","\ud835\ude83":"T","\ud835\ude84":"U","\ud835\ude85":"V","\ud835\ude86":"W","\ud835\ude87":"X","\ud835\ude88":"Y","\ud835\ude89":"Z","\ud835\ude8a":"a","\ud835\ude8b":"b","\ud835\ude8c":"c","\ud835\ude8d":"d","\ud835\ude8e":"e","\ud835\ude8f":"f","\ud835\ude90":"g","\ud835\ude91":"h","\ud835\ude92":"i","\ud835\ude93":"j","\ud835\ude94":"k","\ud835\ude95":"l","\ud835\ude97":"n","\ud835\ude98":"o","\ud835\ude99":"p","\ud835\ude9a":"q","\ud835\ude9b":"r","\ud835\ude9c":"s","\ud835\ude9d":"t","\ud835\ude9e":"u","\ud835\ude9f":"v","\ud835\udea0":"w","\ud835\udea1":"x","\ud835\udea2":"y","\ud835\udea3":"z","\ud835\udea4":"i","\ud835\udea8":"A","\ud835\udea9":"B","\ud835\udeac":"E","\ud835\udead":"Z","\ud835\udeae":"H","\ud835\udeb0":"l","\ud835\udeb1":"K","\ud835\udeb3":"M","\ud835\udeb4":"N","\ud835\udeb6":"O","\ud835\udeb8":"P","\ud835\udebb":"T","\ud835\udebc":"Y","\ud835\udebe":"X","\ud835\udec2":"a","\ud835\udec4":"y","\ud835\udeca":"i","\ud835\udece":"v","\ud835\uded0":"o","\ud835\uded2":"p","\ud835\uded4":"o","\ud835\uded6":"u","\ud835\udee0":"p","\ud835\udee2":"A","\ud835\udee3":"B","\ud835\udee6":"E","\ud835\udee7":"Z","\ud835\udee8":"H","\ud835\udeea":"l","\ud835\udeeb":"K","\ud835\udeed":"M","\ud835\udeee":"N","\ud835\udef0":"O","\ud835\udef2":"P","\ud835\udef5":"T","\ud835\udef6":"Y","\ud835\udef8":"X","\ud835\udefc":"a","\ud835\udefe":"y","\ud835\udf04":"i","\ud835\udf08":"v","\ud835\udf0a":"o","\ud835\udf0c":"p","\ud835\udf0e":"o","\ud835\udf10":"u","\ud835\udf1a":"p","\ud835\udf1c":"A","\ud835\udf1d":"B","\ud835\udf20":"E","\ud835\udf21":"Z","\ud835\udf22":"H","\ud835\udf24":"l","\ud835\udf25":"K","\ud835\udf27":"M","\ud835\udf28":"N","\ud835\udf2a":"O","\ud835\udf2c":"P","\ud835\udf2f":"T","\ud835\udf30":"Y","\ud835\udf32":"X","\ud835\udf36":"a","\ud835\udf38":"y","\ud835\udf3e":"i","\ud835\udf42":"v","\ud835\udf44":"o","\ud835\udf46":"p","\ud835\udf48":"o","\ud835\udf4a":"u","\ud835\udf54":"p","\ud835\udf56":"A","\ud835\udf57":"B","\ud835\udf5a":"E","\ud835\udf5b":"Z","\ud835\udf5c":"H","\ud835\udf5e":"l","\ud835\udf5f":"K","\ud835\udf61":"M","\ud835\udf62":"N","\ud835\udf64":"O","\ud835\udf66":"P","\ud835\udf69":"T","\ud835\udf6a":"Y","\ud835\udf6c":"X","\ud835\udf70":"a","\ud835\udf72":"y","\ud835\udf78":"i","\ud835\udf7c":"v","\ud835\udf7e":"o","\ud835\udf80":"p","\ud835\udf82":"o","\ud835\udf84":"u","\ud835\udf8e":"p","\ud835\udf90":"A","\ud835\udf91":"B","\ud835\udf94":"E","\ud835\udf95":"Z","\ud835\udf96":"H","\ud835\udf98":"l","\ud835\udf99":"K","\ud835\udf9b":"M","\ud835\udf9c":"N","\ud835\udf9e":"O","\ud835\udfa0":"P","\ud835\udfa3":"T","\ud835\udfa4":"Y","\ud835\udfa6":"X","\ud835\udfaa":"a","\ud835\udfac":"y","\ud835\udfb2":"i","\ud835\udfb6":"v","\ud835\udfb8":"o","\ud835\udfba":"p","\ud835\udfbc":"o","\ud835\udfbe":"u","\ud835\udfc8":"p","\ud835\udfca":"F","\ud835\udfce":"O","\ud835\udfcf":"l","\ud835\udfd0":"2","\ud835\udfd1":"3","\ud835\udfd2":"4","\ud835\udfd3":"5","\ud835\udfd4":"6","\ud835\udfd5":"7","\ud835\udfd6":"8","\ud835\udfd7":"9","\ud835\udfd8":"O","\ud835\udfd9":"l","\ud835\udfda":"2","\ud835\udfdb":"3","\ud835\udfdc":"4","\ud835\udfdd":"5","\ud835\udfde":"6","\ud835\udfdf":"7","\ud835\udfe0":"8","\ud835\udfe1":"9","\ud835\udfe2":"O","\ud835\udfe3":"l","\ud835\udfe4":"2","\ud835\udfe5":"3","\ud835\udfe6":"4","\ud835\udfe7":"5","\ud835\udfe8":"6","\ud835\udfe9":"7","\ud835\udfea":"8","\ud835\udfeb":"9","\ud835\udfec":"O","\ud835\udfed":"l","\ud835\udfee":"2","\ud835\udfef":"3","\ud835\udff0":"4","\ud835\udff1":"5","\ud835\udff2":"6","\ud835\udff3":"7","\ud835\udff4":"8","\ud835\udff5":"9","\ud835\udff6":"O","\ud835\udff7":"l","\ud835\udff8":"2","\ud835\udff9":"3","\ud835\udffa":"4","\ud835\udffb":"5","\ud835\udffc":"6","\ud835\udffd":"7","\ud835\udffe":"8","\ud835\udfff":"9","\ud83a\udcc7":"l","\ud83a\udccb":"8","\ud83b\ude00":"l","\ud83b\ude24":"o","\ud83b\ude64":"o","\ud83b\ude80":"l","\ud83b\ude84":"o","\ud83d\udf4c":"C","\ud83d\udf68":"T"}'::jsonb as map) j;
  end if;
  v := lower(regexp_replace(v, '[\U00000300-\U0000036F\U00000483-\U00000487\U00000591-\U000005BD\U000005BF\U000005C1-\U000005C2\U000005C4-\U000005C5\U000005C7\U00000610-\U0000061A\U0000064B-\U0000065F\U00000670\U000006D6-\U000006DC\U000006DF-\U000006E4\U000006E7-\U000006E8\U000006EA-\U000006ED\U00000711\U00000730-\U0000074A\U000007A6-\U000007B0\U000007EB-\U000007F3\U000007FD\U00000816-\U00000819\U0000081B-\U00000823\U00000825-\U00000827\U00000829-\U0000082D\U00000859-\U0000085B\U00000897-\U0000089F\U000008CA-\U000008E1\U000008E3-\U00000902\U0000093A\U0000093C\U00000941-\U00000948\U0000094D\U00000951-\U00000957\U00000962-\U00000963\U00000981\U000009BC\U000009C1-\U000009C4\U000009CD\U000009E2-\U000009E3\U000009FE\U00000A01-\U00000A02\U00000A3C\U00000A41-\U00000A42\U00000A47-\U00000A48\U00000A4B-\U00000A4D\U00000A51\U00000A70-\U00000A71\U00000A75\U00000A81-\U00000A82\U00000ABC\U00000AC1-\U00000AC5\U00000AC7-\U00000AC8\U00000ACD\U00000AE2-\U00000AE3\U00000AFA-\U00000AFF\U00000B01\U00000B3C\U00000B3F\U00000B41-\U00000B44\U00000B4D\U00000B55-\U00000B56\U00000B62-\U00000B63\U00000B82\U00000BC0\U00000BCD\U00000C00\U00000C04\U00000C3C\U00000C3E-\U00000C40\U00000C46-\U00000C48\U00000C4A-\U00000C4D\U00000C55-\U00000C56\U00000C62-\U00000C63\U00000C81\U00000CBC\U00000CBF\U00000CC6\U00000CCC-\U00000CCD\U00000CE2-\U00000CE3\U00000D00-\U00000D01\U00000D3B-\U00000D3C\U00000D41-\U00000D44\U00000D4D\U00000D62-\U00000D63\U00000D81\U00000DCA\U00000DD2-\U00000DD4\U00000DD6\U00000E31\U00000E34-\U00000E3A\U00000E47-\U00000E4E\U00000EB1\U00000EB4-\U00000EBC\U00000EC8-\U00000ECE\U00000F18-\U00000F19\U00000F35\U00000F37\U00000F39\U00000F71-\U00000F7E\U00000F80-\U00000F84\U00000F86-\U00000F87\U00000F8D-\U00000F97\U00000F99-\U00000FBC\U00000FC6\U0000102D-\U00001030\U00001032-\U00001037\U00001039-\U0000103A\U0000103D-\U0000103E\U00001058-\U00001059\U0000105E-\U00001060\U00001071-\U00001074\U00001082\U00001085-\U00001086\U0000108D\U0000109D\U0000135D-\U0000135F\U00001712-\U00001714\U00001732-\U00001733\U00001752-\U00001753\U00001772-\U00001773\U000017B4-\U000017B5\U000017B7-\U000017BD\U000017C6\U000017C9-\U000017D3\U000017DD\U0000180B-\U0000180D\U0000180F\U00001885-\U00001886\U000018A9\U00001920-\U00001922\U00001927-\U00001928\U00001932\U00001939-\U0000193B\U00001A17-\U00001A18\U00001A1B\U00001A56\U00001A58-\U00001A5E\U00001A60\U00001A62\U00001A65-\U00001A6C\U00001A73-\U00001A7C\U00001A7F\U00001AB0-\U00001ABD\U00001ABF-\U00001ADD\U00001AE0-\U00001AEB\U00001B00-\U00001B03\U00001B34\U00001B36-\U00001B3A\U00001B3C\U00001B42\U00001B6B-\U00001B73\U00001B80-\U00001B81\U00001BA2-\U00001BA5\U00001BA8-\U00001BA9\U00001BAB-\U00001BAD\U00001BE6\U00001BE8-\U00001BE9\U00001BED\U00001BEF-\U00001BF1\U00001C2C-\U00001C33\U00001C36-\U00001C37\U00001CD0-\U00001CD2\U00001CD4-\U00001CE0\U00001CE2-\U00001CE8\U00001CED\U00001CF4\U00001CF8-\U00001CF9\U00001DC0-\U00001DFF\U000020D0-\U000020DC\U000020E1\U000020E5-\U000020F0\U00002CEF-\U00002CF1\U00002D7F\U00002DE0-\U00002DFF\U0000302A-\U0000302D\U00003099-\U0000309A\U0000A66F\U0000A674-\U0000A67D\U0000A69E-\U0000A69F\U0000A6F0-\U0000A6F1\U0000A802\U0000A806\U0000A80B\U0000A825-\U0000A826\U0000A82C\U0000A8C4-\U0000A8C5\U0000A8E0-\U0000A8F1\U0000A8FF\U0000A926-\U0000A92D\U0000A947-\U0000A951\U0000A980-\U0000A982\U0000A9B3\U0000A9B6-\U0000A9B9\U0000A9BC-\U0000A9BD\U0000A9E5\U0000AA29-\U0000AA2E\U0000AA31-\U0000AA32\U0000AA35-\U0000AA36\U0000AA43\U0000AA4C\U0000AA7C\U0000AAB0\U0000AAB2-\U0000AAB4\U0000AAB7-\U0000AAB8\U0000AABE-\U0000AABF\U0000AAC1\U0000AAEC-\U0000AAED\U0000AAF6\U0000ABE5\U0000ABE8\U0000ABED\U0000FB1E\U0000FE00-\U0000FE0F\U0000FE20-\U0000FE2F\U000101FD\U000102E0\U00010376-\U0001037A\U00010A01-\U00010A03\U00010A05-\U00010A06\U00010A0C-\U00010A0F\U00010A38-\U00010A3A\U00010A3F\U00010AE5-\U00010AE6\U00010D24-\U00010D27\U00010D69-\U00010D6D\U00010EAB-\U00010EAC\U00010EFA-\U00010EFF\U00010F46-\U00010F50\U00010F82-\U00010F85\U00011001\U00011038-\U00011046\U00011070\U00011073-\U00011074\U0001107F-\U00011081\U000110B3-\U000110B6\U000110B9-\U000110BA\U000110C2\U00011100-\U00011102\U00011127-\U0001112B\U0001112D-\U00011134\U00011173\U00011180-\U00011181\U000111B6-\U000111BE\U000111C9-\U000111CC\U000111CF\U0001122F-\U00011231\U00011234\U00011236-\U00011237\U0001123E\U00011241\U000112DF\U000112E3-\U000112EA\U00011300-\U00011301\U0001133B-\U0001133C\U00011340\U00011366-\U0001136C\U00011370-\U00011374\U000113BB-\U000113C0\U000113CE\U000113D0\U000113D2\U000113E1-\U000113E2\U00011438-\U0001143F\U00011442-\U00011444\U00011446\U0001145E\U000114B3-\U000114B8\U000114BA\U000114BF-\U000114C0\U000114C2-\U000114C3\U000115B2-\U000115B5\U000115BC-\U000115BD\U000115BF-\U000115C0\U000115DC-\U000115DD\U00011633-\U0001163A\U0001163D\U0001163F-\U00011640\U000116AB\U000116AD\U000116B0-\U000116B5\U000116B7\U0001171D\U0001171F\U00011722-\U00011725\U00011727-\U0001172B\U0001182F-\U00011837\U00011839-\U0001183A\U0001193B-\U0001193C\U0001193E\U00011943\U000119D4-\U000119D7\U000119DA-\U000119DB\U000119E0\U00011A01-\U00011A0A\U00011A33-\U00011A38\U00011A3B-\U00011A3E\U00011A47\U00011A51-\U00011A56\U00011A59-\U00011A5B\U00011A8A-\U00011A96\U00011A98-\U00011A99\U00011B60\U00011B62-\U00011B64\U00011B66\U00011C30-\U00011C36\U00011C38-\U00011C3D\U00011C3F\U00011C92-\U00011CA7\U00011CAA-\U00011CB0\U00011CB2-\U00011CB3\U00011CB5-\U00011CB6\U00011D31-\U00011D36\U00011D3A\U00011D3C-\U00011D3D\U00011D3F-\U00011D45\U00011D47\U00011D90-\U00011D91\U00011D95\U00011D97\U00011EF3-\U00011EF4\U00011F00-\U00011F01\U00011F36-\U00011F3A\U00011F40\U00011F42\U00011F5A\U00013440\U00013447-\U00013455\U0001611E-\U00016129\U0001612D-\U0001612F\U00016AF0-\U00016AF4\U00016B30-\U00016B36\U00016F4F\U00016F8F-\U00016F92\U00016FE4\U0001BC9D-\U0001BC9E\U0001CF00-\U0001CF2D\U0001CF30-\U0001CF46\U0001D167-\U0001D169\U0001D17B-\U0001D182\U0001D185-\U0001D18B\U0001D1AA-\U0001D1AD\U0001D242-\U0001D244\U0001DA00-\U0001DA36\U0001DA3B-\U0001DA6C\U0001DA75\U0001DA84\U0001DA9B-\U0001DA9F\U0001DAA1-\U0001DAAF\U0001E000-\U0001E006\U0001E008-\U0001E018\U0001E01B-\U0001E021\U0001E023-\U0001E024\U0001E026-\U0001E02A\U0001E08F\U0001E130-\U0001E136\U0001E2AE\U0001E2EC-\U0001E2EF\U0001E4EC-\U0001E4EF\U0001E5EE-\U0001E5EF\U0001E6E3\U0001E6E6\U0001E6EE-\U0001E6EF\U0001E6F5\U0001E8D0-\U0001E8D6\U0001E944-\U0001E94A\U000E0100-\U000E01EF]', '', 'g') collate "C");
  v := regexp_replace(v, '(?:https?|ftp)://[^ \t\n\r]+|www\.[a-z0-9-]+\.[a-z0-9./-]+', ' xurlx ', 'g');
  v := regexp_replace(v, '[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+', ' xaddressx ', 'g');
  return btrim(regexp_replace(v, '[^a-z0-9]+', ' ', 'g'));
end;
$$;

--
-- Name: FUNCTION screen_fold_words(prompt text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.screen_fold_words(prompt text) IS 'The text the review gate''s phrase rules read (src/llm/safety.ts foldWords): Default_Ignorable_Code_Point removed, NFKC, TR39 confusables folded to their ASCII prototype, nonspacing marks removed, ASCII lowercase, e-mail addresses → xaddressx, URLs → xurlx, every run of other characters → one space.';

--
-- Name: screen_prompt(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.screen_prompt(prompt text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
declare
  v_folded text;
  v_words text;
  v_reasons text[] := '{}';
begin
  if prompt is null or prompt = '' then
    return v_reasons;
  end if;
  v_folded := normalize(regexp_replace(prompt, '[\U000000AD\U0000034F\U0000061C\U0000115F-\U00001160\U000017B4-\U000017B5\U0000180B-\U0000180F\U0000200B-\U0000200F\U0000202A-\U0000202E\U00002060-\U0000206F\U00003164\U0000FE00-\U0000FE0F\U0000FEFF\U0000FFA0\U0000FFF0-\U0000FFF8\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF]', '', 'g'), NFKC);
  v_words := app_private.screen_fold_words(prompt);
  if v_words ~ '\y(?:[il]gnore|d[il]sregard|forget|overr[il]de|bypass|sk[il]p|d[il]scard|abandon|drop|set as[il]de|put as[il]de|pay no attent[il]on to|pay no heed to|do not follow|don t follow|stop follow[il]ng|no longer follow|never m[il]nd|neverm[il]nd)\y(?: [a-z0-9]+){0,4} (?:prev[il]ous|pr[il]or|above|earl[il]er|preced[il]ng|forego[il]ng|former|or[il]g[il]nal|[il]n[il]t[il]al|old|system|developer|your|all|any|every)(?: [a-z0-9]+){0,2} (?:[il]nstruct[il]ons?|prompts?|rules|d[il]rect[il]ons|d[il]rect[il]ves|gu[il]del[il]nes|gu[il]dance|commands|orders|constra[il]nts|restr[il]ct[il]ons|pol[il]c[il]es|pol[il]cy|requ[il]rements|programm[il]ng|context)\y|\y(?:[il]gnore|d[il]sregard|forget|pay no attent[il]on to)(?: [a-z0-9]+){0,2} (?:everyth[il]ng|all|anyth[il]ng)(?: [a-z0-9]+){0,2} (?:above|before|earl[il]er|prev[il]ously|so far)\y' then
    v_reasons := v_reasons || 'override_instructions: asks to ignore previous instructions'::text;
  end if;
  if v_words ~ '\yyou are now (?:a|an|the|my|no longer|dan|[il]n [a-z0-9]+ mode|unrestr[il]cted|unf[il]ltered|ja[il]lbroken|free of)\y|\y(?:act as|pretend to be|pretend you are|roleplay as)(?: [a-z0-9]+){0,3} (?:dan|ja[il]lbroken|unrestr[il]cted|unf[il]ltered|an a[il] w[il]thout|w[il]thout (?:any )?(?:l[il]m[il]ts|restr[il]ct[il]ons|rules|f[il]lters))\y' then
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
  if v_words ~ '\y(?:reveal|show|pr[il]nt|output|repeat|d[il]splay|leak|dump|rec[il]te|expose|share|tell me|g[il]ve me|what (?:[il]s|are|were))\y(?: [a-z0-9]+){0,6} (?:system prompt|(?:[il]n[il]t[il]al|or[il]g[il]nal|h[il]dden|secret|system|developer) (?:[il]nstruct[il]ons|prompt|rules|message)|your (?:[il]nstruct[il]ons|system prompt|prompt|rules))\y' then
    v_reasons := v_reasons || 'reveal_system_prompt: asks to reveal the system prompt'::text;
  end if;
  if (position('xaddressx' in v_words) > 0 or position('xurlx' in v_words) > 0) and v_words ~ '\y(?:send|ema[il]l|e ma[il]l|ma[il]l|forward|post|upload|transm[il]t|exf[il]ltrate|leak|copy|dump|export|share|del[il]ver)\y(?: [a-z0-9]+){0,6} (?:(?:every|all|each|ent[il]re|whole|full|complete)(?: [a-z0-9]+){0,3} (?:records?|data|database|customers?|users?|cl[il]ents?|contacts|ema[il]ls|f[il]les|documents|messages|conversat[il]ons|h[il]story|keys|passwords|credent[il]als|secrets|tokens)|(?:ap[il]|secret|pr[il]vate|ssh|access|encrypt[il]on) keys?|passwords?|credent[il]als|secrets|tokens?|env[il]ronment var[il]ables|env vars)\y(?: [a-z0-9]+){0,8} (?:xaddressx|xurlx)\y' then
    v_reasons := v_reasons || 'exfiltration: asks to send data or secrets to an outside address'::text;
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

COMMENT ON FUNCTION app_private.screen_prompt(prompt text) IS 'Prompt-injection screening (the rules of src/llm/safety.ts detectInjection, tested against one shared corpus, tests/security/screening-corpus.json): stable "code: description" reasons, empty when nothing matched.';

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
-- Name: seed_provider_limits(text, integer, integer, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.seed_provider_limits(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer) RETURNS app_private.model_providers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_row app_private.model_providers;
begin
  insert into app_private.model_providers as p (provider, max_concurrent, requests_per_minute, tokens_per_minute)
  values (seed_provider_limits.provider, seed_provider_limits.max_concurrent, seed_provider_limits.requests_per_minute, seed_provider_limits.tokens_per_minute)
  on conflict (provider) do nothing;
  select * into v_row from app_private.model_providers p where p.provider = seed_provider_limits.provider;
  return v_row;
end;
$$;

--
-- Name: FUNCTION seed_provider_limits(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.seed_provider_limits(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer) IS 'A worker''s MODEL_* settings for its provider, written only when the provider has no limits yet; returns the limits in force (the database wins). Change them for the whole fleet with configure_provider.';

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
-- Name: skip_due_occurrence(uuid, text, jsonb); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.skip_due_occurrence(execution_id uuid, reason text, details jsonb) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION skip_due_occurrence(execution_id uuid, reason text, details jsonb); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.skip_due_occurrence(execution_id uuid, reason text, details jsonb) IS 'Records a dispatched occurrence as skipped (cancelled, results.skipped, error_message "skipped: <reason>") and gives back what dispatch counted for it.';

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
-- Name: start_claimed_runs(uuid[], text, text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.start_claimed_runs(execution_ids uuid[], executor text, model text, worker_id text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION start_claimed_runs(execution_ids uuid[], executor text, model text, worker_id text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.start_claimed_runs(execution_ids uuid[], executor text, model text, worker_id text) IS 'Prepares a worker''s claimed runs (start_execution each), in task_id order; with worker_id, only runs that worker still holds.';

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

--
-- Name: FUNCTION start_execution(execution_id uuid, executor text, model text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.start_execution(execution_id uuid, executor text, model text) IS 'Prepares a claimed run (thread, prompt message, agent run; reused when resuming) and opens an attempt. Locks the task, then the execution
(the order of execute_task). Returns the run, with the lease_epoch its writes must name. A run of a task awaiting review is cancelled and null returned.';

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
-- Name: tg_agents__flag_tasks(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_agents__flag_tasks() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_reasons text[] := app_private.agent_review_reasons(new.review_reasons);
begin
  update app_public.scheduled_tasks t
     set needs_review = true,
         review_reasons = coalesce(t.review_reasons, '{}')
           || array(select r from unnest(v_reasons) r where not (r = any (coalesce(t.review_reasons, '{}'))))
   where t.agent_id = new.agent_id
     and t.status in ('draft', 'active', 'paused')
     and not (coalesce(t.review_reasons, '{}') @> v_reasons and t.needs_review);
  return null;
end;
$$;

--
-- Name: FUNCTION tg_agents__flag_tasks(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_agents__flag_tasks() IS 'A flagged agent flags the tasks that use it: the task review gate pauses the active ones and cancels their pending executions.';

--
-- Name: tg_agents__review_gate(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_agents__review_gate() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_reasons text[] := app_private.screen_prompt(new.system_prompt);
begin
  if cardinality(v_reasons) > 0 then
    new.needs_review := true;
    new.review_reasons := new.review_reasons
      || array(select r from unnest(v_reasons) r where not (r = any (new.review_reasons)));
  end if;
  return new;
end;
$$;

--
-- Name: FUNCTION tg_agents__review_gate(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_agents__review_gate() IS 'Screens every write of an agent''s system prompt (app_private.screen_prompt); a match sets needs_review.';

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
-- Name: tg_messages__run_thread_owner_only(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_messages__run_thread_owner_only() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_row app_public.messages := case when tg_op = 'DELETE' then old else new end;
begin
  if app_private.is_admin() then
    return v_row;
  end if;
  if exists (select 1 from app_public.task_executions e where e.thread_id = v_row.thread_id)
     and not app_hidden.has_role_on_account(v_row.account_id, 'owner') then
    perform app_hidden.raise_error('ST004',
      format('the messages of thread %s belong to a task run: only an owner of the account can add, change or delete them', v_row.thread_id));
  end if;
  return v_row;
end;
$$;

--
-- Name: FUNCTION tg_messages__run_thread_owner_only(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_messages__run_thread_owner_only() IS 'Members may not add, change or delete the messages of a task run''s thread (the history a resumed run sends again); owners may.';

--
-- Name: tg_scheduled_tasks__agent_review(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_scheduled_tasks__agent_review() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_reasons text[];
begin
  select app_private.agent_review_reasons(a.review_reasons) into v_reasons
    from app_public.agents a where a.agent_id = new.agent_id and a.needs_review;
  if cardinality(v_reasons) > 0 then
    new.needs_review := true;
    new.review_reasons := coalesce(new.review_reasons, '{}')
      || array(select r from unnest(v_reasons) r where not (r = any (coalesce(new.review_reasons, '{}'))));
  end if;
  return new;
end;
$$;

--
-- Name: FUNCTION tg_scheduled_tasks__agent_review(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_scheduled_tasks__agent_review() IS 'A task that gets a flagged agent is flagged too (reasons "agent_system_prompt: …").';

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
-- Name: waits_for_overlap(app_public.task_executions); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.waits_for_overlap(e app_public.task_executions) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  -- a buffered run (buffer_one) waits while an earlier execution of its task is live
  select e.trigger_type = 'schedule'
     and (select t.overlap_policy from app_public.scheduled_tasks t where t.task_id = e.task_id) = 'buffer_one'
     and exists (select 1 from app_public.task_executions x
                  where x.task_id = e.task_id and x.status in ('pending', 'running') and x.execution_id <> e.execution_id
                    and (x.status = 'running'
                         or (coalesce(x.scheduled_for, x.created_at), x.execution_id) < (coalesce(e.scheduled_for, e.created_at), e.execution_id)));
$$;

--
-- Name: FUNCTION waits_for_overlap(e app_public.task_executions); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.waits_for_overlap(e app_public.task_executions) IS 'True while a buffered occurrence (overlap policy buffer_one) must wait for an earlier execution of its task.';

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
    needs_review boolean DEFAULT false NOT NULL,
    review_reasons text[] DEFAULT '{}'::text[] NOT NULL,
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
-- Name: COLUMN agents.needs_review; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.agents.needs_review IS 'The system prompt was flagged by the review gate (possible prompt injection): the tasks that use this agent are flagged and paused until an owner of the account calls confirmAgentPrompt.';

--
-- Name: COLUMN agents.review_reasons; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.agents.review_reasons IS 'Why the system prompt was flagged (app_private.screen_prompt reasons).';

--
-- Name: confirm_agent_prompt(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.confirm_agent_prompt(agent_id uuid) RETURNS app_public.agents
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_agent app_public.agents;
  v_task record;
  v_left text[];
begin
  select * into v_agent from app_public.agents a where a.agent_id = confirm_agent_prompt.agent_id for update;
  if v_agent.agent_id is null or not (app_private.is_admin() or app_hidden.has_role_on_account(v_agent.account_id)) then
    perform app_hidden.raise_error('ST001', format('agent %s not found', confirm_agent_prompt.agent_id));
  end if;
  if not app_private.is_admin() and not app_hidden.has_role_on_account(v_agent.account_id, 'owner') then
    perform app_hidden.raise_error('ST004', 'only an owner of the agent''s account can confirm a flagged system prompt');
  end if;
  if not v_agent.needs_review then
    perform app_hidden.raise_error('ST002', format('agent %s is not awaiting review', v_agent.agent_id));
  end if;
  update app_public.agents a
     set needs_review = false,
         config = a.config || jsonb_build_object('review', jsonb_build_object(
           'confirmed_by', app_hidden.current_user_id(), 'confirmed_at', now(), 'reasons', to_jsonb(a.review_reasons))),
         review_reasons = '{}'
   where a.agent_id = v_agent.agent_id
  returning * into v_agent;
  -- The tasks flagged only because of this agent are released the way confirmTaskPrompt releases a task.
  for v_task in
    select t.task_id, t.review_reasons from app_public.scheduled_tasks t
     where t.agent_id = v_agent.agent_id and t.needs_review
     order by t.task_id
       for update
  loop
    v_left := array(select r from unnest(v_task.review_reasons) r where r not like 'agent\_system\_prompt: %');
    if cardinality(v_left) = 0 then
      update app_public.scheduled_tasks t
         set needs_review = false,
             review_reasons = '{}',
             status = case when t.status = 'paused' and coalesce((t.metadata ->> 'paused_for_review')::boolean, false)
                           then case when t.is_scheduled then 'active' else 'draft' end else t.status end,
             next_execution_at = null,
             metadata = t.metadata || jsonb_build_object('review', jsonb_build_object(
               'confirmed_by', app_hidden.current_user_id(), 'confirmed_at', now(), 'reasons', to_jsonb(t.review_reasons)))
       where t.task_id = v_task.task_id;
    else
      update app_public.scheduled_tasks t set review_reasons = v_left where t.task_id = v_task.task_id;
    end if;
  end loop;
  return v_agent;
end;
$$;

--
-- Name: FUNCTION confirm_agent_prompt(agent_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.confirm_agent_prompt(agent_id uuid) IS 'An owner of the account confirms an agent whose system prompt was flagged for review (possible prompt injection).
The tasks flagged only because of this agent become schedulable again (a task the flag paused is active again); tasks with flags of their own still need confirmTaskPrompt.';

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
  if exists (select 1 from app_public.agents a where a.agent_id = v_task.agent_id and a.needs_review) then
    perform app_hidden.raise_error('ST007',
      format('the system prompt of task %s''s agent %s is awaiting review', v_task.task_id, v_task.agent_id),
      'read the agent''s system prompt, then confirm it with confirmAgentPrompt');
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
A task that was paused because of the flag becomes active again (planned from now). Refused (ST007) while the task''s agent is itself awaiting review (confirmAgentPrompt).';

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

--
-- Name: FUNCTION execute_task(task_id uuid, reason text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.execute_task(task_id uuid, reason text) IS 'Runs the task now, in a new thread. The prompt must be ready and not awaiting review; allowed for draft, active and paused tasks.
Refused (ST009) while another execution of the task is running or due. Manual runs do not count towards max_executions.';

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
-- Name: idx_task_executions_live_by_task; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_live_by_task ON app_public.task_executions USING btree (task_id, COALESCE(scheduled_for, created_at)) WHERE ((status)::text = ANY ((ARRAY['pending'::character varying, 'running'::character varying])::text[]));

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
-- Name: messages _060_run_thread_owner_only; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _060_run_thread_owner_only BEFORE INSERT OR DELETE OR UPDATE ON app_public.messages FOR EACH ROW EXECUTE FUNCTION app_private.tg_messages__run_thread_owner_only();

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
-- Name: scheduled_tasks _205_agent_review; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _205_agent_review BEFORE INSERT ON app_public.scheduled_tasks FOR EACH ROW WHEN ((new.agent_id IS NOT NULL)) EXECUTE FUNCTION app_private.tg_scheduled_tasks__agent_review();

--
-- Name: scheduled_tasks _205_agent_review_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _205_agent_review_update BEFORE UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN (((new.agent_id IS NOT NULL) AND (old.agent_id IS DISTINCT FROM new.agent_id))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__agent_review();

--
-- Name: agents _210_review_gate; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _210_review_gate BEFORE INSERT ON app_public.agents FOR EACH ROW EXECUTE FUNCTION app_private.tg_agents__review_gate();

--
-- Name: scheduled_tasks _210_review_gate; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _210_review_gate BEFORE INSERT ON app_public.scheduled_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg_scheduled_tasks__review_gate();

--
-- Name: agents _210_review_gate_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _210_review_gate_update BEFORE UPDATE ON app_public.agents FOR EACH ROW WHEN ((old.system_prompt IS DISTINCT FROM new.system_prompt)) EXECUTE FUNCTION app_private.tg_agents__review_gate();

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
-- Name: agents _600_flag_tasks; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _600_flag_tasks AFTER UPDATE ON app_public.agents FOR EACH ROW WHEN ((new.needs_review AND ((NOT old.needs_review) OR (old.review_reasons IS DISTINCT FROM new.review_reasons)))) EXECUTE FUNCTION app_private.tg_agents__flag_tasks();

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
-- Name: FUNCTION agent_review_reasons(reasons text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.agent_review_reasons(reasons text[]) FROM PUBLIC;

--
-- Name: FUNCTION append_run_message(execution_id uuid, role text, content text, metadata jsonb, lease_epoch bigint); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb, lease_epoch bigint) FROM PUBLIC;

--
-- Name: FUNCTION apply_overlap_policies(now_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.apply_overlap_policies(now_at timestamp with time zone) FROM PUBLIC;

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
-- Name: COLUMN scheduled_tasks.overlap_policy; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(overlap_policy) ON TABLE app_public.scheduled_tasks TO sat_visitor;

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
-- Name: FUNCTION check_model_call(execution_id uuid, model text, max_tokens integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.check_model_call(execution_id uuid, model text, max_tokens integer) FROM PUBLIC;

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
-- Name: FUNCTION finish_execution(execution_id uuid, status text, results jsonb, error text, lease_epoch bigint); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.finish_execution(execution_id uuid, status text, results jsonb, error text, lease_epoch bigint) FROM PUBLIC;

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
-- Name: FUNCTION pick_runs(now_at timestamp with time zone, budget integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.pick_runs(now_at timestamp with time zone, budget integer) FROM PUBLIC;

--
-- Name: FUNCTION prompt_hash(prompt text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.prompt_hash(prompt text) FROM PUBLIC;

--
-- Name: FUNCTION provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb) FROM PUBLIC;

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
-- Name: FUNCTION recover_lost_runs(except_worker text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.recover_lost_runs(except_worker text) FROM PUBLIC;

--
-- Name: FUNCTION refuse_execution(execution_id uuid, error text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.refuse_execution(execution_id uuid, error text) FROM PUBLIC;

--
-- Name: FUNCTION release_run_worker(worker_id text, reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.release_run_worker(worker_id text, reason text) FROM PUBLIC;

--
-- Name: FUNCTION release_runs(worker_id text, execution_ids uuid[], reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.release_runs(worker_id text, execution_ids uuid[], reason text) FROM PUBLIC;

--
-- Name: FUNCTION retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone, count_attempt boolean, lease_epoch bigint); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone, count_attempt boolean, lease_epoch bigint) FROM PUBLIC;

--
-- Name: FUNCTION screen_fold_words(prompt text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.screen_fold_words(prompt text) FROM PUBLIC;

--
-- Name: FUNCTION screen_prompt(prompt text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.screen_prompt(prompt text) FROM PUBLIC;

--
-- Name: FUNCTION seed_provider_limits(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.seed_provider_limits(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer) FROM PUBLIC;

--
-- Name: FUNCTION set_next_execution(task_id uuid, schedule_version integer, next_at timestamp with time zone, scheduled_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.set_next_execution(task_id uuid, schedule_version integer, next_at timestamp with time zone, scheduled_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION skip_due_occurrence(execution_id uuid, reason text, details jsonb); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.skip_due_occurrence(execution_id uuid, reason text, details jsonb) FROM PUBLIC;

--
-- Name: FUNCTION snapshot_thread(thread_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.snapshot_thread(thread_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION start_claimed_runs(execution_ids uuid[], executor text, model text, worker_id text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.start_claimed_runs(execution_ids uuid[], executor text, model text, worker_id text) FROM PUBLIC;

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
-- Name: FUNCTION tg_agents__flag_tasks(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_agents__flag_tasks() FROM PUBLIC;

--
-- Name: FUNCTION tg_agents__review_gate(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_agents__review_gate() FROM PUBLIC;

--
-- Name: FUNCTION tg_agents__stay_while_used(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_agents__stay_while_used() FROM PUBLIC;

--
-- Name: FUNCTION tg_messages__account_from_thread(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_messages__account_from_thread() FROM PUBLIC;

--
-- Name: FUNCTION tg_messages__run_thread_owner_only(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_messages__run_thread_owner_only() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__agent_review(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__agent_review() FROM PUBLIC;

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
-- Name: FUNCTION waits_for_overlap(e app_public.task_executions); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.waits_for_overlap(e app_public.task_executions) FROM PUBLIC;

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
-- Name: FUNCTION confirm_agent_prompt(agent_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.confirm_agent_prompt(agent_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.confirm_agent_prompt(agent_id uuid) TO sat_visitor;

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
