-- The schema after every committed migration, dumped from PostgreSQL 15 by `npm run db:dump`: do not edit.
-- Every function's definition in force is in data/functions/<schema>/<name>.sql (one file each); its grants are here.
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
    notify_on text,
    notify_overdue boolean,
    failure_threshold integer,
    run_memory boolean DEFAULT false NOT NULL,
    suggested_schedule jsonb,
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
    CONSTRAINT scheduled_tasks_status_check CHECK (((status)::text = ANY ((ARRAY['draft'::character varying, 'active'::character varying, 'paused'::character varying, 'completed'::character varying, 'failed'::character varying])::text[]))),
    CONSTRAINT scheduled_tasks_suggested_schedule_is_object CHECK (((suggested_schedule IS NULL) OR (jsonb_typeof(suggested_schedule) = 'object'::text)))
);
ALTER TABLE ONLY app_public.scheduled_tasks ALTER COLUMN account_id SET (n_distinct=-0.1);

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
-- Name: COLUMN scheduled_tasks.notify_on; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.notify_on IS 'Notification policy of this task: never, failure, always or change; null = the account''s notifyOn.';

--
-- Name: COLUMN scheduled_tasks.notify_overdue; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.notify_overdue IS 'Overdue alerts for this task; null = the account''s notifyOverdue.';

--
-- Name: COLUMN scheduled_tasks.failure_threshold; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.failure_threshold IS 'Circuit breaker: pause the task after this many consecutive failed runs (0 = never); null = the service default (NOTIFY_FAILURE_THRESHOLD, 3).';

--
-- Name: COLUMN scheduled_tasks.run_memory; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.run_memory IS 'Run memory: the agent receives the previous completed run''s answer as context ("Last run, at …, you reported: …").';

--
-- Name: COLUMN scheduled_tasks.suggested_schedule; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.scheduled_tasks.suggested_schedule IS 'The schedule the exported conversation asks for, proposed at prompt generation; null when the conversation names none.
Keys: scheduleType, scheduledAt, cronExpression, timezone, maxExecutions (the scheduleTask arguments), description, words
(the sentence it was read from), used, assumed, source (grammar | model), suggestedAt. Never applied automatically:
confirm it with one scheduleTask call.';

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
    answer_fingerprint text,
    CONSTRAINT task_executions_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT task_executions_schedule_has_occurrence CHECK (((trigger_type <> 'schedule'::text) OR (scheduled_for IS NOT NULL))),
    CONSTRAINT task_executions_status_check CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'running'::character varying, 'completed'::character varying, 'failed'::character varying, 'cancelled'::character varying])::text[]))),
    CONSTRAINT task_executions_trigger_type_check CHECK ((trigger_type = ANY (ARRAY['manual'::text, 'schedule'::text])))
);
ALTER TABLE ONLY app_public.task_executions ALTER COLUMN account_id SET (n_distinct=-0.1);

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
-- Name: COLUMN task_executions.answer_fingerprint; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.task_executions.answer_fingerprint IS 'SHA-256 of the completed run''s answer, normalised (case, whitespace): equal fingerprints = no material change.';

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
-- Name: notification_settings; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.notification_settings (
    id boolean DEFAULT true NOT NULL,
    failure_threshold integer DEFAULT 3 NOT NULL,
    overdue_after interval DEFAULT '00:05:00'::interval NOT NULL,
    max_per_hour integer DEFAULT 30 NOT NULL,
    email_enabled boolean DEFAULT false NOT NULL,
    seeded_at timestamp with time zone,
    CONSTRAINT notification_settings_failure_threshold_check CHECK (((failure_threshold >= 0) AND (failure_threshold <= 1000))),
    CONSTRAINT notification_settings_id_check CHECK (id),
    CONSTRAINT notification_settings_max_per_hour_check CHECK ((max_per_hour >= 1)),
    CONSTRAINT notification_settings_overdue_after_check CHECK ((overdue_after > '00:00:00'::interval))
);

--
-- Name: TABLE notification_settings; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.notification_settings IS 'Notification settings of the whole service (one row): the circuit breaker''s default K, the overdue bound, the per-account hourly limit and whether email is on. Seeded once from the first worker''s NOTIFY_* (seed_notification_settings); changed with configure_notifications.';

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
    notify_on text DEFAULT 'failure'::text NOT NULL,
    notify_overdue boolean DEFAULT true NOT NULL,
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
-- Name: COLUMN accounts.notify_on; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.accounts.notify_on IS 'Default notification policy of the account''s tasks: never, failure (failed runs), always (every run''s end) or change (failed runs and answers that differ from the previous completed run).';

--
-- Name: COLUMN accounts.notify_overdue; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.accounts.notify_overdue IS 'Default of the account''s tasks: tell when a run has not started within the overdue bound of its due time.';

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
-- Name: users; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.users (
    id uuid NOT NULL,
    email text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    email_notifications boolean DEFAULT true NOT NULL,
    CONSTRAINT users_email_check CHECK (((email IS NULL) OR ((length(email) <= 320) AND (email ~ '^[^@\s]+@[^@\s]+$'::text))))
);

--
-- Name: TABLE users; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.users IS 'A person, identified by the `sub` of their JWT. Provisioned on the first authenticated request.';

--
-- Name: COLUMN users.email_notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.email_notifications IS 'Email me my notifications (when the service has email configured). Change with setEmailNotifications.';

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
-- Name: notifications; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.notifications (
    notification_id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid NOT NULL,
    user_id uuid NOT NULL,
    event_id uuid NOT NULL,
    task_id uuid,
    execution_id uuid,
    kind text NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    diff text,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    read_at timestamp with time zone,
    emailed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.notifications IS '@behavior -insert -update -delete
Your inbox: what your tasks told you (failed runs, answers, changes, pauses, overdue runs), newest first. Read-only; mark read with markNotificationRead / markAllNotificationsRead.';

--
-- Name: COLUMN notifications.execution_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.execution_id IS 'The execution it is about (the row may since have been removed by retention).';

--
-- Name: COLUMN notifications.kind; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.kind IS 'run.failed, run.completed, run.changed, run.refused, run.overdue, task.paused, notifications.coalesced or endpoint.disabled.';

--
-- Name: COLUMN notifications.summary; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.summary IS 'Short: the status and the first lines of the answer or the error.';

--
-- Name: COLUMN notifications.diff; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.diff IS 'For run.changed: a short line diff against the previous completed run (filled in by the worker within seconds).';

--
-- Name: COLUMN notifications.read_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.read_at IS '@isIndexed
When you marked it read; null = unread (condition: {readAt: null} lists the unread ones: the partial index notifications_user_unread serves it).';

--
-- Name: COLUMN notifications.emailed_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.emailed_at IS 'When it was emailed to you (null: not emailed).';

--
-- Name: webhook_endpoints; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.webhook_endpoints (
    endpoint_id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid DEFAULT app_hidden.current_user_personal_account_id() NOT NULL,
    url text NOT NULL,
    description text,
    secret text DEFAULT app_hidden.new_webhook_secret() NOT NULL,
    event_types text[] DEFAULT '{}'::text[] NOT NULL,
    format text DEFAULT 'standard'::text NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    disabled_reason text,
    consecutive_failures integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT webhook_endpoints_consecutive_failures_check CHECK ((consecutive_failures >= 0)),
    CONSTRAINT webhook_endpoints_description_check CHECK (((description IS NULL) OR (length(description) <= 500)))
);

--
-- Name: TABLE webhook_endpoints; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.webhook_endpoints IS 'Where an account''s notifications are POSTed, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) with secret.';

--
-- Name: COLUMN webhook_endpoints.secret; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.webhook_endpoints.secret IS 'The signing secret (whsec_…): verify webhook-signature with it. New one: rotateWebhookSecret.';

--
-- Name: COLUMN webhook_endpoints.event_types; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.webhook_endpoints.event_types IS 'Event types to send (run.failed, run.completed, run.changed, run.refused, run.overdue, task.paused, notifications.coalesced); empty = all.';

--
-- Name: COLUMN webhook_endpoints.format; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.webhook_endpoints.format IS 'standard (JSON {type, timestamp, data}) or slack (a Slack incoming-webhook body {text}).';

--
-- Name: COLUMN webhook_endpoints.enabled; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.webhook_endpoints.enabled IS 'Deliveries are made only while enabled; turned off automatically after WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row.';

--
-- Name: COLUMN webhook_endpoints.disabled_reason; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.webhook_endpoints.disabled_reason IS 'Why it was turned off automatically (cleared when re-enabled).';

--
-- Name: COLUMN webhook_endpoints.consecutive_failures; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.webhook_endpoints.consecutive_failures IS 'Failed delivery attempts in a row.';

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
    CONSTRAINT model_usage_kind_check CHECK ((kind = ANY (ARRAY['prompt'::text, 'agent'::text, 'schedule'::text]))),
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
-- Name: COLUMN model_usage.kind; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.model_usage.kind IS 'What the call was for: prompt (prompt generation), agent (an agent step), schedule (reading a schedule in words).';

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
-- Name: notification_digests; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.notification_digests (
    account_id uuid NOT NULL,
    window_start timestamp with time zone NOT NULL,
    event_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE notification_digests; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.notification_digests IS 'The digests already told (one per account and hour).';

--
-- Name: notification_events; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.notification_events (
    event_id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid NOT NULL,
    task_id uuid,
    execution_id uuid,
    kind text NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    diff text,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE notification_events; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.notification_events IS 'The outbox: one row per thing told to an account, written in the transaction that caused it; inbox rows, webhook deliveries and emails fan out from it.';

--
-- Name: notification_holdbacks; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.notification_holdbacks (
    account_id uuid NOT NULL,
    window_start timestamp with time zone NOT NULL,
    kind text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE notification_holdbacks; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.notification_holdbacks IS 'Notifications held back beyond notification_settings.max_per_hour in an account''s clock hour; told as one digest when the hour ends.';

--
-- Name: overdue_alerts; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.overdue_alerts (
    task_id uuid NOT NULL,
    due_at timestamp with time zone NOT NULL,
    execution_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE overdue_alerts; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.overdue_alerts IS 'Occurrences already told as overdue (each is told once).';

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
-- Name: schedule_parse_requests; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.schedule_parse_requests (
    id bigint NOT NULL,
    owner_user_id uuid NOT NULL,
    account_id uuid NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    recorded boolean DEFAULT false NOT NULL
);

--
-- Name: TABLE schedule_parse_requests; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.schedule_parse_requests IS 'Schedule readings by the model in the last hour, per billing owner (a rolling window, like prompt_generation_requests); recorded = its usage was written.';

--
-- Name: schedule_parse_requests_id_seq; Type: SEQUENCE; Schema: app_private; Owner: -
--

ALTER TABLE app_private.schedule_parse_requests ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_private.schedule_parse_requests_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

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
-- Name: task_run_streaks; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.task_run_streaks (
    task_id uuid NOT NULL,
    consecutive_failures integer DEFAULT 0 NOT NULL,
    refusal_notified_at timestamp with time zone,
    CONSTRAINT task_run_streaks_consecutive_failures_check CHECK ((consecutive_failures >= 0))
);

--
-- Name: TABLE task_run_streaks; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.task_run_streaks IS 'Per task: failed runs in a row (reset by a completed run and by resuming) and whether a refusal was already told.';

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
ALTER TABLE ONLY app_public.agent_runs ALTER COLUMN account_id SET (n_distinct=-0.1);

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
ALTER TABLE ONLY app_public.messages ALTER COLUMN account_id SET (n_distinct=-0.1);

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
ALTER TABLE ONLY app_public.threads ALTER COLUMN account_id SET (n_distinct=-0.1);

--
-- Name: TABLE threads; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.threads IS 'A conversation between a user and an agent. Tasks are exported from threads and run in new ones.';

--
-- Name: webhook_deliveries; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.webhook_deliveries (
    delivery_id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_status_code integer,
    last_error text,
    next_attempt_at timestamp with time zone,
    delivered_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT webhook_deliveries_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT webhook_deliveries_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'delivered'::text, 'failed'::text, 'skipped'::text])))
);

--
-- Name: TABLE webhook_deliveries; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.webhook_deliveries IS '@behavior -insert -update -delete
The delivery log: one row per event and endpoint, with its attempts, last response code or error and next try. Read-only.';

--
-- Name: COLUMN webhook_deliveries.delivery_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.webhook_deliveries.delivery_id IS 'Also the webhook-id header: receivers de-duplicate on it.';

--
-- Name: COLUMN webhook_deliveries.status; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.webhook_deliveries.status IS 'pending (trying; see nextAttemptAt), delivered (2xx), failed (gave up) or skipped (endpoint disabled meanwhile).';

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
-- Name: notification_digests notification_digests_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.notification_digests
    ADD CONSTRAINT notification_digests_pkey PRIMARY KEY (account_id, window_start);

--
-- Name: notification_events notification_events_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.notification_events
    ADD CONSTRAINT notification_events_pkey PRIMARY KEY (event_id);

--
-- Name: notification_settings notification_settings_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.notification_settings
    ADD CONSTRAINT notification_settings_pkey PRIMARY KEY (id);

--
-- Name: overdue_alerts overdue_alerts_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.overdue_alerts
    ADD CONSTRAINT overdue_alerts_pkey PRIMARY KEY (task_id, due_at);

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
-- Name: schedule_parse_requests schedule_parse_requests_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.schedule_parse_requests
    ADD CONSTRAINT schedule_parse_requests_pkey PRIMARY KEY (id);

--
-- Name: scheduler_settings scheduler_settings_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.scheduler_settings
    ADD CONSTRAINT scheduler_settings_pkey PRIMARY KEY (id);

--
-- Name: task_run_streaks task_run_streaks_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.task_run_streaks
    ADD CONSTRAINT task_run_streaks_pkey PRIMARY KEY (task_id);

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
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (notification_id);

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
-- Name: webhook_deliveries webhook_deliveries_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (delivery_id);

--
-- Name: webhook_endpoints webhook_endpoints_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.webhook_endpoints
    ADD CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (endpoint_id);

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
-- Name: notification_digests_created; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX notification_digests_created ON app_private.notification_digests USING btree (created_at);

--
-- Name: notification_events_account_created; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX notification_events_account_created ON app_private.notification_events USING btree (account_id, created_at) WHERE (kind <> 'notifications.coalesced'::text);

--
-- Name: notification_events_created; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX notification_events_created ON app_private.notification_events USING btree (created_at);

--
-- Name: notification_events_task; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX notification_events_task ON app_private.notification_events USING btree (task_id);

--
-- Name: notification_holdbacks_account; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX notification_holdbacks_account ON app_private.notification_holdbacks USING btree (account_id, window_start);

--
-- Name: notification_holdbacks_window; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX notification_holdbacks_window ON app_private.notification_holdbacks USING btree (window_start, account_id);

--
-- Name: overdue_alerts_created; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX overdue_alerts_created ON app_private.overdue_alerts USING btree (created_at);

--
-- Name: prompt_generation_requests_owner_at_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX prompt_generation_requests_owner_at_idx ON app_private.prompt_generation_requests USING btree (owner_user_id, at);

--
-- Name: schedule_parse_requests_owner_at_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX schedule_parse_requests_owner_at_idx ON app_private.schedule_parse_requests USING btree (owner_user_id, at);

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
-- Name: idx_task_executions_account_reserved; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_account_reserved ON app_public.task_executions USING btree (account_id) WHERE (((status)::text = 'pending'::text) AND (lease_owner IS NOT NULL));

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
-- Name: idx_task_executions_reserved; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_reserved ON app_public.task_executions USING btree (lease_owner) WHERE (((status)::text = 'pending'::text) AND (lease_owner IS NOT NULL));

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
-- Name: idx_task_executions_task_completed; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX idx_task_executions_task_completed ON app_public.task_executions USING btree (task_id, completed_at DESC) WHERE ((status)::text = 'completed'::text);

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
-- Name: notifications_account; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_account ON app_public.notifications USING btree (account_id);

--
-- Name: notifications_event; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_event ON app_public.notifications USING btree (event_id);

--
-- Name: notifications_task; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_task ON app_public.notifications USING btree (task_id);

--
-- Name: notifications_user_created; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_user_created ON app_public.notifications USING btree (user_id, created_at DESC, notification_id DESC);

--
-- Name: notifications_user_unread; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_user_unread ON app_public.notifications USING btree (user_id) WHERE (read_at IS NULL);

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
-- Name: webhook_deliveries_account_created; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX webhook_deliveries_account_created ON app_public.webhook_deliveries USING btree (account_id, created_at DESC);

--
-- Name: webhook_deliveries_endpoint_created; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX webhook_deliveries_endpoint_created ON app_public.webhook_deliveries USING btree (endpoint_id, created_at DESC);

--
-- Name: webhook_deliveries_event; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX webhook_deliveries_event ON app_public.webhook_deliveries USING btree (event_id);

--
-- Name: webhook_endpoints_account; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX webhook_endpoints_account ON app_public.webhook_endpoints USING btree (account_id);

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
-- Name: webhook_endpoints _001_visitor_update_begin; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _001_visitor_update_begin BEFORE UPDATE ON app_public.webhook_endpoints FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_begin();

--
-- Name: messages _050_account_from_thread; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _050_account_from_thread BEFORE INSERT ON app_public.messages FOR EACH ROW EXECUTE FUNCTION app_private.tg_messages__account_from_thread();

--
-- Name: webhook_endpoints _050_check; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _050_check BEFORE INSERT OR UPDATE ON app_public.webhook_endpoints FOR EACH ROW EXECUTE FUNCTION app_private.tg_webhook_endpoints__check();

--
-- Name: scheduled_tasks _050_check_timezone; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _050_check_timezone BEFORE INSERT ON app_public.scheduled_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg_scheduled_tasks__check_timezone();

--
-- Name: scheduled_tasks _051_check_timezone_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _051_check_timezone_update BEFORE UPDATE OF timezone ON app_public.scheduled_tasks FOR EACH ROW WHEN (((new.timezone)::text IS DISTINCT FROM (old.timezone)::text)) EXECUTE FUNCTION app_private.tg_scheduled_tasks__check_timezone();

--
-- Name: accounts _060_check_notification_policy; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _060_check_notification_policy BEFORE INSERT OR UPDATE OF notify_on ON app_public.accounts FOR EACH ROW EXECUTE FUNCTION app_private.tg__check_notification_policy();

--
-- Name: scheduled_tasks _060_check_notification_policy; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _060_check_notification_policy BEFORE INSERT OR UPDATE OF notify_on, failure_threshold ON app_public.scheduled_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg__check_notification_policy();

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
-- Name: webhook_deliveries _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.webhook_deliveries FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: webhook_endpoints _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.webhook_endpoints FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: scheduled_tasks _110_timestamps_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _110_timestamps_update BEFORE UPDATE ON app_public.scheduled_tasks FOR EACH ROW WHEN (((NOT (new.updated_at IS DISTINCT FROM old.updated_at)) OR (new.created_at IS DISTINCT FROM old.created_at))) EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: task_executions _110_timestamps_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _110_timestamps_update BEFORE UPDATE ON app_public.task_executions FOR EACH ROW WHEN (((NOT (new.updated_at IS DISTINCT FROM old.updated_at)) OR (new.created_at IS DISTINCT FROM old.created_at))) EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: task_executions _150_fingerprint; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _150_fingerprint BEFORE INSERT OR UPDATE OF status, results ON app_public.task_executions FOR EACH ROW WHEN (((new.status)::text = 'completed'::text)) EXECUTE FUNCTION app_private.tg_task_executions__fingerprint();

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
-- Name: scheduled_tasks _620_reset_run_streak; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _620_reset_run_streak AFTER UPDATE OF status ON app_public.scheduled_tasks FOR EACH ROW WHEN ((((old.status)::text = 'paused'::text) AND ((new.status)::text <> 'paused'::text))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__reset_run_streak();

--
-- Name: task_executions _700_notify_run_end; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _700_notify_run_end AFTER UPDATE OF status ON app_public.task_executions FOR EACH ROW WHEN ((((old.status)::text = ANY ((ARRAY['pending'::character varying, 'running'::character varying])::text[])) AND ((new.status)::text <> ALL ((ARRAY['pending'::character varying, 'running'::character varying])::text[])))) EXECUTE FUNCTION app_private.tg_task_executions__notify_run_end();

--
-- Name: task_executions _700_notify_run_end_insert; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _700_notify_run_end_insert AFTER INSERT ON app_public.task_executions FOR EACH ROW WHEN ((((new.status)::text = 'cancelled'::text) AND (new.results ? 'skipped'::text))) EXECUTE FUNCTION app_private.tg_task_executions__notify_run_end();

--
-- Name: scheduled_tasks _800_dispatch_soon; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _800_dispatch_soon AFTER INSERT ON app_public.scheduled_tasks FOR EACH ROW WHEN ((((new.status)::text = 'active'::text) AND (new.next_execution_at < (now() + '00:02:00'::interval)))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__dispatch_soon();

--
-- Name: scheduled_tasks _810_dispatch_soon_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _810_dispatch_soon_update AFTER UPDATE OF next_execution_at, status ON app_public.scheduled_tasks FOR EACH ROW WHEN ((((new.status)::text = 'active'::text) AND (new.next_execution_at < (now() + '00:02:00'::interval)) AND ((new.next_execution_at IS DISTINCT FROM old.next_execution_at) OR ((new.status)::text IS DISTINCT FROM (old.status)::text)))) EXECUTE FUNCTION app_private.tg_scheduled_tasks__dispatch_soon();

--
-- Name: scheduled_tasks _900_forget_notifications; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_forget_notifications AFTER DELETE ON app_public.scheduled_tasks FOR EACH ROW EXECUTE FUNCTION app_private.tg_scheduled_tasks__forget_notifications();

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
-- Name: webhook_endpoints _990_visitor_update_count; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_count AFTER UPDATE ON app_public.webhook_endpoints FOR EACH ROW WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_count();

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
-- Name: webhook_endpoints _990_visitor_update_must_match; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _990_visitor_update_must_match AFTER UPDATE ON app_public.webhook_endpoints FOR EACH STATEMENT WHEN ((CURRENT_USER = 'sat_visitor'::name)) EXECUTE FUNCTION app_private.tg__visitor_update_must_match();

--
-- Name: account_usage account_usage_account_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.account_usage
    ADD CONSTRAINT account_usage_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: notification_digests notification_digests_account_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.notification_digests
    ADD CONSTRAINT notification_digests_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: notification_events notification_events_account_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.notification_events
    ADD CONSTRAINT notification_events_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: notification_holdbacks notification_holdbacks_account_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.notification_holdbacks
    ADD CONSTRAINT notification_holdbacks_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: overdue_alerts overdue_alerts_task_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.overdue_alerts
    ADD CONSTRAINT overdue_alerts_task_id_fkey FOREIGN KEY (task_id) REFERENCES app_public.scheduled_tasks(task_id) ON DELETE CASCADE;

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
-- Name: schedule_parse_requests schedule_parse_requests_owner_user_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.schedule_parse_requests
    ADD CONSTRAINT schedule_parse_requests_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

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
-- Name: notifications notifications_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: notifications notifications_event_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_event_id_fkey FOREIGN KEY (event_id) REFERENCES app_private.notification_events(event_id) ON DELETE CASCADE;

--
-- Name: notifications notifications_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

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
-- Name: webhook_deliveries webhook_deliveries_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

--
-- Name: webhook_deliveries webhook_deliveries_endpoint_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id) REFERENCES app_public.webhook_endpoints(endpoint_id) ON DELETE CASCADE;

--
-- Name: webhook_deliveries webhook_deliveries_event_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES app_private.notification_events(event_id) ON DELETE CASCADE;

--
-- Name: webhook_endpoints webhook_endpoints_account_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.webhook_endpoints
    ADD CONSTRAINT webhook_endpoints_account_id_fkey FOREIGN KEY (account_id) REFERENCES app_public.accounts(id) ON DELETE CASCADE;

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
-- Name: notification_digests; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.notification_digests ENABLE ROW LEVEL SECURITY;

--
-- Name: notification_events; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.notification_events ENABLE ROW LEVEL SECURITY;

--
-- Name: notification_holdbacks; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.notification_holdbacks ENABLE ROW LEVEL SECURITY;

--
-- Name: notification_settings; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.notification_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: overdue_alerts; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.overdue_alerts ENABLE ROW LEVEL SECURITY;

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
-- Name: schedule_parse_requests; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.schedule_parse_requests ENABLE ROW LEVEL SECURITY;

--
-- Name: task_run_streaks; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.task_run_streaks ENABLE ROW LEVEL SECURITY;

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
-- Name: webhook_endpoints delete_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_member ON app_public.webhook_endpoints FOR DELETE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

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
-- Name: webhook_endpoints insert_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_member ON app_public.webhook_endpoints FOR INSERT WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: messages; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.messages ENABLE ROW LEVEL SECURITY;

--
-- Name: notifications; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.notifications ENABLE ROW LEVEL SECURITY;

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
-- Name: webhook_deliveries select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.webhook_deliveries FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: webhook_endpoints select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.webhook_endpoints FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

--
-- Name: account_invitations select_owner; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_owner ON app_public.account_invitations FOR SELECT USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_owned_account_ids() AS current_user_owned_account_ids))));

--
-- Name: POLICY select_owner ON account_invitations; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON POLICY select_owner ON app_public.account_invitations IS 'Owners see their accounts'' invitations (an index condition on account_id, evaluated once per statement).';

--
-- Name: notifications select_recipient; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_recipient ON app_public.notifications FOR SELECT USING (((user_id = ( SELECT app_hidden.current_user_id() AS current_user_id)) AND (account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids)))));

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
-- Name: webhook_endpoints update_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_member ON app_public.webhook_endpoints FOR UPDATE USING ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids)))) WITH CHECK ((account_id = ANY (ARRAY( SELECT app_hidden.current_user_account_ids() AS current_user_account_ids))));

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
-- Name: webhook_deliveries; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.webhook_deliveries ENABLE ROW LEVEL SECURITY;

--
-- Name: webhook_endpoints; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.webhook_endpoints ENABLE ROW LEVEL SECURITY;

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
-- Name: FUNCTION charge_schedule_parse(provider text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.charge_schedule_parse(provider text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.charge_schedule_parse(provider text) TO sat_visitor;

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
-- Name: FUNCTION current_user_owned_account_ids(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_owned_account_ids() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_owned_account_ids() TO sat_visitor;

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
-- Name: FUNCTION new_webhook_secret(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.new_webhook_secret() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.new_webhook_secret() TO sat_visitor;

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
-- Name: FUNCTION record_schedule_parse_usage(provider text, model text, input_tokens integer, output_tokens integer); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.record_schedule_parse_usage(provider text, model text, input_tokens integer, output_tokens integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_schedule_parse_usage(provider text, model text, input_tokens integer, output_tokens integer) TO sat_visitor;

--
-- Name: FUNCTION agent_review_reasons(reasons text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.agent_review_reasons(reasons text[]) FROM PUBLIC;

--
-- Name: FUNCTION alert_overdue_runs(now_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.alert_overdue_runs(now_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION answer_fingerprint(answer text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.answer_fingerprint(answer text) FROM PUBLIC;

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
-- Name: COLUMN scheduled_tasks.notify_on; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(notify_on) ON TABLE app_public.scheduled_tasks TO sat_visitor;

--
-- Name: COLUMN scheduled_tasks.notify_overdue; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(notify_overdue) ON TABLE app_public.scheduled_tasks TO sat_visitor;

--
-- Name: COLUMN scheduled_tasks.failure_threshold; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(failure_threshold) ON TABLE app_public.scheduled_tasks TO sat_visitor;

--
-- Name: COLUMN scheduled_tasks.run_memory; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(run_memory) ON TABLE app_public.scheduled_tasks TO sat_visitor;

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
-- Name: FUNCTION claim_runs(worker_id text, max_runs integer, provider text, ahead_ms integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.claim_runs(worker_id text, max_runs integer, provider text, ahead_ms integer) FROM PUBLIC;

--
-- Name: FUNCTION cleanup_executions(now_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.cleanup_executions(now_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION cleanup_notifications(now_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.cleanup_notifications(now_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION complete_notification_diff(event_id uuid, diff text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.complete_notification_diff(event_id uuid, diff text) FROM PUBLIC;

--
-- Name: FUNCTION complete_prompt_generation(task_id uuid, generation integer, prompt text, source text, info jsonb, review_reasons text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.complete_prompt_generation(task_id uuid, generation integer, prompt text, source text, info jsonb, review_reasons text[]) FROM PUBLIC;

--
-- Name: FUNCTION configure_notifications(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.configure_notifications(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean) FROM PUBLIC;

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
-- Name: FUNCTION emit_notification(account_id uuid, task_id uuid, execution_id uuid, kind text, title text, summary text, details jsonb, bypass_limit boolean, needs_diff boolean); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.emit_notification(account_id uuid, task_id uuid, execution_id uuid, kind text, title text, summary text, details jsonb, bypass_limit boolean, needs_diff boolean) FROM PUBLIC;

--
-- Name: FUNCTION enqueue_notification_deliveries(event_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.enqueue_notification_deliveries(event_id uuid) FROM PUBLIC;

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
-- Name: FUNCTION holds_owner_slot(e app_public.task_executions); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.holds_owner_slot(e app_public.task_executions) FROM PUBLIC;

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
-- Name: FUNCTION notification_diff_input(event_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.notification_diff_input(event_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION notification_email(notification_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.notification_email(notification_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION notification_excerpt(body text, max_chars integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.notification_excerpt(body text, max_chars integer) FROM PUBLIC;

--
-- Name: FUNCTION owner_plan_limits(owner_user_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.owner_plan_limits(owner_user_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION owner_plans(owner_user_ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.owner_plans(owner_user_ids uuid[]) FROM PUBLIC;

--
-- Name: FUNCTION pick_runs(now_at timestamp with time zone, until_at timestamp with time zone, budget integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.pick_runs(now_at timestamp with time zone, until_at timestamp with time zone, budget integer) FROM PUBLIC;

--
-- Name: FUNCTION preparation_matches(execution app_public.task_executions, task app_public.scheduled_tasks); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.preparation_matches(execution app_public.task_executions, task app_public.scheduled_tasks) FROM PUBLIC;

--
-- Name: FUNCTION preparation_of(task app_public.scheduled_tasks); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.preparation_of(task app_public.scheduled_tasks) FROM PUBLIC;

--
-- Name: FUNCTION prepare_reserved_runs(worker_id text, execution_ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.prepare_reserved_runs(worker_id text, execution_ids uuid[]) FROM PUBLIC;

--
-- Name: FUNCTION prepare_run_thread(execution app_public.task_executions, task app_public.scheduled_tasks); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.prepare_run_thread(execution app_public.task_executions, task app_public.scheduled_tasks) FROM PUBLIC;

--
-- Name: FUNCTION prompt_hash(prompt text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.prompt_hash(prompt text) FROM PUBLIC;

--
-- Name: FUNCTION provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION publish_digest(account_id uuid, window_start timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.publish_digest(account_id uuid, window_start timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION publish_due_digests(now_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.publish_due_digests(now_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.reconcile_run_worker(worker_id text, capacity integer, provider text, lease_seconds integer, owned jsonb) FROM PUBLIC;

--
-- Name: FUNCTION record_model_usage(account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer, task_id uuid, execution_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_model_usage(account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer, task_id uuid, execution_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION record_notification_email(notification_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_notification_email(notification_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION record_run_usage(execution_id uuid, model text, input_tokens integer, output_tokens integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_run_usage(execution_id uuid, model text, input_tokens integer, output_tokens integer) FROM PUBLIC;

--
-- Name: FUNCTION record_webhook_attempt(delivery_id uuid, ok boolean, status_code integer, error text, retryable boolean, max_attempts integer, retry_base_ms integer, disable_after integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_webhook_attempt(delivery_id uuid, ok boolean, status_code integer, error text, retryable boolean, max_attempts integer, retry_base_ms integer, disable_after integer) FROM PUBLIC;

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
-- Name: FUNCTION run_memory_for_execution(execution_id uuid, max_chars integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.run_memory_for_execution(execution_id uuid, max_chars integer) FROM PUBLIC;

--
-- Name: FUNCTION run_payload(execution app_public.task_executions, task app_public.scheduled_tasks); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.run_payload(execution app_public.task_executions, task app_public.scheduled_tasks) FROM PUBLIC;

--
-- Name: FUNCTION runs_awaiting_overlap(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.runs_awaiting_overlap() FROM PUBLIC;

--
-- Name: FUNCTION screen_fold_words(prompt text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.screen_fold_words(prompt text) FROM PUBLIC;

--
-- Name: FUNCTION screen_prompt(prompt text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.screen_prompt(prompt text) FROM PUBLIC;

--
-- Name: FUNCTION seed_notification_settings(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.seed_notification_settings(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean) FROM PUBLIC;

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
-- Name: FUNCTION start_prepared_runs(worker_id text, execution_ids uuid[], executor text, model text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.start_prepared_runs(worker_id text, execution_ids uuid[], executor text, model text) FROM PUBLIC;

--
-- Name: FUNCTION suggest_schedule(task_id uuid, generation integer, suggestion jsonb); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.suggest_schedule(task_id uuid, generation integer, suggestion jsonb) FROM PUBLIC;

--
-- Name: FUNCTION take_claimable_runs(candidates uuid[], budget integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.take_claimable_runs(candidates uuid[], budget integer) FROM PUBLIC;

--
-- Name: FUNCTION tg__audit(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__audit() FROM PUBLIC;

--
-- Name: FUNCTION tg__check_notification_policy(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__check_notification_policy() FROM PUBLIC;

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
-- Name: FUNCTION tg_scheduled_tasks__forget_notifications(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__forget_notifications() FROM PUBLIC;

--
-- Name: FUNCTION tg_scheduled_tasks__reset_run_streak(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_scheduled_tasks__reset_run_streak() FROM PUBLIC;

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
-- Name: FUNCTION tg_task_executions__fingerprint(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_task_executions__fingerprint() FROM PUBLIC;

--
-- Name: FUNCTION tg_task_executions__notify_inserted(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_task_executions__notify_inserted() FROM PUBLIC;

--
-- Name: FUNCTION tg_task_executions__notify_run_end(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_task_executions__notify_run_end() FROM PUBLIC;

--
-- Name: FUNCTION tg_task_executions__notify_run_stopped(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_task_executions__notify_run_stopped() FROM PUBLIC;

--
-- Name: FUNCTION tg_webhook_endpoints__check(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_webhook_endpoints__check() FROM PUBLIC;

--
-- Name: FUNCTION usage_period(at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.usage_period(at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION webhook_delivery_to_attempt(delivery_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.webhook_delivery_to_attempt(delivery_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION webhook_event_types(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.webhook_event_types() FROM PUBLIC;

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
-- Name: COLUMN accounts.notify_on; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(notify_on) ON TABLE app_public.accounts TO sat_visitor;

--
-- Name: COLUMN accounts.notify_overdue; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(notify_overdue) ON TABLE app_public.accounts TO sat_visitor;

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
-- Name: FUNCTION mark_all_notifications_read(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.mark_all_notifications_read() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.mark_all_notifications_read() TO sat_visitor;

--
-- Name: TABLE notifications; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.notifications TO sat_visitor;

--
-- Name: FUNCTION mark_notification_read(notification_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.mark_notification_read(notification_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.mark_notification_read(notification_id uuid) TO sat_visitor;

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
-- Name: TABLE webhook_endpoints; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.webhook_endpoints TO sat_visitor;

--
-- Name: COLUMN webhook_endpoints.account_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(account_id) ON TABLE app_public.webhook_endpoints TO sat_visitor;

--
-- Name: COLUMN webhook_endpoints.url; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(url),UPDATE(url) ON TABLE app_public.webhook_endpoints TO sat_visitor;

--
-- Name: COLUMN webhook_endpoints.description; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(description),UPDATE(description) ON TABLE app_public.webhook_endpoints TO sat_visitor;

--
-- Name: COLUMN webhook_endpoints.event_types; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(event_types),UPDATE(event_types) ON TABLE app_public.webhook_endpoints TO sat_visitor;

--
-- Name: COLUMN webhook_endpoints.format; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(format),UPDATE(format) ON TABLE app_public.webhook_endpoints TO sat_visitor;

--
-- Name: COLUMN webhook_endpoints.enabled; Type: ACL; Schema: app_public; Owner: -
--

GRANT INSERT(enabled),UPDATE(enabled) ON TABLE app_public.webhook_endpoints TO sat_visitor;

--
-- Name: FUNCTION rotate_webhook_secret(endpoint_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.rotate_webhook_secret(endpoint_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.rotate_webhook_secret(endpoint_id uuid) TO sat_visitor;

--
-- Name: FUNCTION schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, max_executions integer, planned_next timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, max_executions integer, planned_next timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.schedule_task(task_id uuid, schedule_type text, scheduled_at timestamp with time zone, cron_expression text, timezone text, max_executions integer, planned_next timestamp with time zone) TO sat_visitor;

--
-- Name: FUNCTION scheduled_tasks_consecutive_failures(t app_public.scheduled_tasks); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.scheduled_tasks_consecutive_failures(t app_public.scheduled_tasks) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.scheduled_tasks_consecutive_failures(t app_public.scheduled_tasks) TO sat_visitor;

--
-- Name: FUNCTION scheduled_tasks_effective_notify_on(t app_public.scheduled_tasks); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.scheduled_tasks_effective_notify_on(t app_public.scheduled_tasks) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.scheduled_tasks_effective_notify_on(t app_public.scheduled_tasks) TO sat_visitor;

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
-- Name: FUNCTION set_email_notifications(enabled boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.set_email_notifications(enabled boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.set_email_notifications(enabled boolean) TO sat_visitor;

--
-- Name: FUNCTION unread_notification_count(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.unread_notification_count() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.unread_notification_count() TO sat_visitor;

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
-- Name: TABLE webhook_deliveries; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.webhook_deliveries TO sat_visitor;

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
