--! Previous: sha1:53cb7f90f445d727c3ed295d4106f2069b57e813
--! Hash: sha1:c9d7eed13a1e3eb4df0a53aa730e397085956202
--! Message: Security hardening

-- Security hardening (issue 10, rows 3-11; rows 1-2 are API limits in TypeScript):
--   3. the prompt-review gate: every prompt written (API, psql, the worker) is screened here, in SQL;
--      a flagged task is never dispatched or started, and an active task that gets flagged is paused
--      with the reason shown (paused_reason);
--   4. invitations the invited user accepts, instead of owners inserting arbitrary user ids;
--   5. agent-runtime callbacks are recorded per run by event id (a replay is a no-op);
--   6. agents' MCP entries are validated when written (no raw commands, https URLs only), and a run
--      refused for its MCP entries is not billed;
--   7. a task's agent belongs to the task's account (composite key), and an agent in use cannot move;
--   9. one lock order: the task row before its execution rows (execute_task, start_execution);
--  10. client-chosen primary keys are no longer accepted on insert; a malformed email claim is ignored.
-- New error code: ST014 (an agent in use cannot be moved to another account).

--------------------------------------------------------------------------------
-- 3. Prompt screening in SQL: the same rules as src/llm/safety.ts detectInjection (tests compare the
-- two on the same corpus). Phrase rules run on the text without invisible characters, NFKC-folded;
-- hidden-text rules on the original text.
--------------------------------------------------------------------------------

create function app_private.screen_prompt(prompt text) returns text[]
  language plpgsql immutable parallel safe set search_path to pg_catalog, public, pg_temp as $$
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
$$;
comment on function app_private.screen_prompt(text) is
  'Prompt-injection screening (the rules of src/llm/safety.ts detectInjection): stable "code: description" reasons, empty when nothing matched.';

alter table app_public.scheduled_tasks add column paused_reason text;
comment on column app_public.scheduled_tasks.paused_reason is
  'Why the task was paused by the system (e.g. its prompt was flagged for review); null when paused by a user or not paused.';

-- Every write of generated_prompt, by anyone (API, psql, the worker's write-back), is screened; a match
-- sets needs_review (a user's edit never clears a flag: only confirmTaskPrompt does). A task flagged while
-- active is paused with the reason visible; a flagged task cannot be made active.
create function app_private.tg_scheduled_tasks__review_gate() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
create trigger _210_review_gate before insert on app_public.scheduled_tasks
  for each row execute function app_private.tg_scheduled_tasks__review_gate();
-- on update only when the prompt, the flag or the status moves: a dispatch (next_execution_at,
-- execution_count) does not pay for it
create trigger _210_review_gate_update before update on app_public.scheduled_tasks
  for each row
  when (old.generated_prompt is distinct from new.generated_prompt or old.needs_review is distinct from new.needs_review
        or old.status is distinct from new.status)
  execute function app_private.tg_scheduled_tasks__review_gate();
comment on function app_private.tg_scheduled_tasks__review_gate() is
  'Screens every prompt write (app_private.screen_prompt), pauses an active task that gets flagged (paused_reason) and refuses to activate a flagged one (ST007).';

-- Executions not yet started when a task is flagged are cancelled: they would run the flagged prompt.
create function app_private.tg_scheduled_tasks__flag_cancels_pending() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  update app_public.task_executions e
     set status = 'cancelled', completed_at = now(), error_message = 'cancelled: the task''s prompt was flagged for review'
   where e.task_id = new.task_id and e.status = 'pending';
  return null;
end;
$$;
create trigger _610_flag_cancels_pending after update on app_public.scheduled_tasks
  for each row when (new.needs_review and not old.needs_review)
  execute function app_private.tg_scheduled_tasks__flag_cancels_pending();

-- Confirming a prompt that paused the task puts it back where it was (planned again from now).
create or replace function app_public.confirm_task_prompt(task_id uuid) returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
comment on function app_public.confirm_task_prompt(uuid) is
  E'The account owner confirms a prompt flagged for review (possible prompt injection); the task can then be scheduled and executed.\n'
  'A task that was paused because of the flag becomes active again (planned from now).';

-- Dispatch never claims a flagged task (they are paused; this also covers rows changed in psql).
create or replace function app_private.claim_due_tasks(until timestamptz, batch_size integer)
  returns table (task_id uuid, schedule_type text, scheduled_at timestamptz, cron_expression text, timezone text,
                 next_execution_at timestamptz, execution_count integer, max_executions integer, schedule_version integer)
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  select t.task_id, t.schedule_type, t.scheduled_at, t.cron_expression, t.timezone,
         t.next_execution_at, t.execution_count, t.max_executions, t.schedule_version
    from app_public.scheduled_tasks t
   where t.status = 'active' and t.next_execution_at <= until and not t.needs_review
   order by t.next_execution_at
   limit batch_size
   for update skip locked;
$$;

--------------------------------------------------------------------------------
-- 3 + 9. start_execution: the task row is locked before the execution row (the order execute_task and
-- pause_task use; the opposite order deadlocked against concurrent executeTask), and a run of a task
-- awaiting review is cancelled instead of started.
--------------------------------------------------------------------------------

create or replace function app_private.start_execution(execution_id uuid, executor text, model text) returns jsonb
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_execution app_public.task_executions;
  v_task app_public.scheduled_tasks;
  v_agent app_public.agents;
  v_thread_id uuid;
  v_run_id uuid;
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
comment on function app_private.start_execution(uuid, text, text) is
  E'Prepares a claimed run (thread, prompt message, agent run; reused when resuming). Locks the task, then the execution\n'
  '(the order of execute_task). A run of a task awaiting review is cancelled and null returned.';

--------------------------------------------------------------------------------
-- 4. Invitations. Owners no longer insert memberships: they invite by email or user id, and the invited
-- user accepts. An invitation is created the same way whether or not such a user exists (no existence
-- oracle: no foreign key on the invitee), and nothing about the invitee is shown to the team before
-- acceptance.
--------------------------------------------------------------------------------

create function app_hidden.current_user_email() returns text
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select lower(u.email) from app_public.users u where u.id = app_hidden.current_user_id();
$$;
comment on function app_hidden.current_user_email() is 'The signed-in user''s email (lower case), from their verified token; null when none.';
grant execute on function app_hidden.current_user_email() to :DATABASE_VISITOR;

create table app_public.account_invitations (
  invitation_id uuid primary key default gen_random_uuid(),
  account_id uuid not null references app_public.accounts(id) on delete cascade,
  account_name text not null,
  email text check (email is null or (length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+$' and email = lower(email))),
  invited_user_id uuid,
  account_role text not null default 'member' check (account_role in ('owner', 'member')),
  invited_by uuid references app_public.users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '14 days',
  constraint account_invitations_one_invitee check (num_nonnulls(email, invited_user_id) = 1)
);
alter table app_public.account_invitations enable row level security;
create index account_invitations_account_id_idx on app_public.account_invitations(account_id);
create unique index account_invitations_account_email on app_public.account_invitations(account_id, email) where email is not null;
create unique index account_invitations_account_user on app_public.account_invitations(account_id, invited_user_id) where invited_user_id is not null;
create index account_invitations_email_idx on app_public.account_invitations(email) where email is not null;
create index account_invitations_invited_user_idx on app_public.account_invitations(invited_user_id) where invited_user_id is not null;
create index account_invitations_invited_by_idx on app_public.account_invitations(invited_by);
create trigger _100_timestamps before insert or update on app_public.account_invitations
  for each row execute function app_private.tg__timestamps();
create policy select_owner on app_public.account_invitations for select
  using (app_hidden.has_role_on_account(account_id, 'owner'));
create policy select_invitee on app_public.account_invitations for select
  using (invited_user_id = (select app_hidden.current_user_id()) or email = (select app_hidden.current_user_email()));
create policy delete_owner on app_public.account_invitations for delete
  using (app_hidden.has_role_on_account(account_id, 'owner'));
create policy delete_invitee on app_public.account_invitations for delete
  using (invited_user_id = (select app_hidden.current_user_id()) or email = (select app_hidden.current_user_email()));
grant select, delete on app_public.account_invitations to :DATABASE_VISITOR;
comment on table app_public.account_invitations is
  E'An invitation to join a team account, made by an owner (inviteToAccount) and accepted by the invitee (acceptInvitation).\n'
  'Owners see and revoke (delete) their account''s invitations; the invitee sees and declines (deletes) theirs.';
comment on column app_public.account_invitations.account_name is 'The account''s name when invited, shown to the invitee.';
comment on column app_public.account_invitations.email is 'Who is invited, by email (matched against the email of the invitee''s verified token).';
comment on column app_public.account_invitations.invited_user_id is 'Who is invited, by user id (not checked: an unknown id is accepted by no one).';
comment on column app_public.account_invitations.account_role is 'The role the invitee gets on acceptance.';

create function app_public.invite_to_account(account_id uuid, email text default null, user_id uuid default null, account_role text default 'member')
  returns app_public.account_invitations
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
$$;
comment on function app_public.invite_to_account(uuid, text, uuid, text) is
  E'An owner invites someone to a team account, by email or by user id; they join when they accept (acceptInvitation).\n'
  'The answer is the same whether or not such a user exists. Errors: ST001, ST003, ST004.';
grant execute on function app_public.invite_to_account(uuid, text, uuid, text) to :DATABASE_VISITOR;

create function app_public.accept_invitation(invitation_id uuid) returns app_public.account_memberships
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
comment on function app_public.accept_invitation(uuid) is
  'The invited user joins the account with the invitation''s role (an expired or someone else''s invitation: ST001). Decline with deleteAccountInvitationByInvitationId.';
grant execute on function app_public.accept_invitation(uuid) to :DATABASE_VISITOR;

drop policy insert_owner on app_public.account_memberships;
revoke insert on app_public.account_memberships from :DATABASE_VISITOR;
comment on function app_public.create_account(text) is
  'Creates a team account owned by the current user. Add members with inviteToAccount; they join with acceptInvitation.';

--------------------------------------------------------------------------------
-- 5. Agent-runtime callbacks: each event carries an event id, recorded per run; a repeat is a no-op.
--------------------------------------------------------------------------------

create table app_private.webhook_events (
  agent_run_id uuid not null references app_public.agent_runs(id) on delete cascade,
  event_id text not null check (length(event_id) between 1 and 200),
  event_type text not null,
  received_at timestamptz not null default now(),
  primary key (agent_run_id, event_id)
);
alter table app_private.webhook_events enable row level security;
comment on table app_private.webhook_events is
  'Callback events applied per agent run (POST /hooks/agent-runs/:id), by the runtime''s event_id: a replayed event is answered 200 and not applied again.';

create function app_private.record_webhook_event(agent_run_id uuid, event_id text, event_type text) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
begin
  insert into app_private.webhook_events (agent_run_id, event_id, event_type)
  values (record_webhook_event.agent_run_id, record_webhook_event.event_id, record_webhook_event.event_type)
  on conflict do nothing;
  return found;
end;
$$;
comment on function app_private.record_webhook_event(uuid, text, text) is
  'Records a callback event for a run; false when that event id was already applied (call in the transaction that applies it).';

--------------------------------------------------------------------------------
-- 6. MCP entries are checked when written: {"name": "<registry server>"} or {"url": "https://…"}
-- (optionally with a "name" label). Raw commands never reach the database. Whether the name is
-- configured (MCP_SERVERS) or the host allowed (MCP_ALLOWED_HOSTS) is decided by the worker before
-- any executor runs; such a refused run is not billed (refuse_execution).
--------------------------------------------------------------------------------

create function app_hidden.mcp_servers_problem(servers jsonb) returns text
  language plpgsql immutable parallel safe set search_path to pg_catalog, public, pg_temp as $$
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
$$;
comment on function app_hidden.mcp_servers_problem(jsonb) is 'Null when an agent''s mcp_servers has an acceptable shape, else what is wrong.';
grant execute on function app_hidden.mcp_servers_problem(jsonb) to :DATABASE_VISITOR;

create function app_private.tg_agents__check_mcp_servers() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
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
create trigger _310_check_mcp_servers before insert or update of mcp_servers on app_public.agents
  for each row execute function app_private.tg_agents__check_mcp_servers();
comment on column app_public.agents.mcp_servers is
  'MCP servers whose tools the agent may call: [{"name": "<a server configured in MCP_SERVERS>"} | {"url": "https://<host in MCP_ALLOWED_HOSTS>/mcp"}]. Checked when written (ST003).';

-- A run refused before anything ran (e.g. an MCP entry the operator does not allow): failed, and the
-- execution it was charged for is given back. Idempotent.
create function app_private.refuse_execution(execution_id uuid, error text) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
comment on function app_private.refuse_execution(uuid, text) is
  'Fails an execution refused before it ran (its MCP servers are not allowed) and gives back the execution it was billed for.';

--------------------------------------------------------------------------------
-- 7. A task's agent belongs to the task's account; an agent in use stays in its account.
--------------------------------------------------------------------------------

update app_public.scheduled_tasks t set agent_id = null
  from app_public.agents a where a.agent_id = t.agent_id and a.account_id <> t.account_id;
alter table app_public.scheduled_tasks
  add constraint scheduled_tasks_agent_same_account foreign key (account_id, agent_id)
  references app_public.agents(account_id, agent_id) on delete set null (agent_id);
create index idx_scheduled_tasks_account_agent on app_public.scheduled_tasks(account_id, agent_id);

create function app_private.tg_agents__stay_while_used() returns trigger
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
create trigger _150_stay_while_used before update of account_id on app_public.agents
  for each row when (old.account_id is distinct from new.account_id)
  execute function app_private.tg_agents__stay_while_used();
comment on function app_private.tg_agents__stay_while_used() is 'Refuses (ST014) moving an agent to another account while a task or thread uses it.';

--------------------------------------------------------------------------------
-- 10. Ids are chosen by the database, never by the client (a client-chosen id that already exists
-- answered "duplicate key": an existence oracle across tenants).
--------------------------------------------------------------------------------

revoke insert (agent_id) on app_public.agents from :DATABASE_VISITOR;
revoke insert (thread_id) on app_public.threads from :DATABASE_VISITOR;
revoke insert (message_id) on app_public.messages from :DATABASE_VISITOR;

-- A token's email claim is used only when it is an email address of at most 254 characters.
create or replace function app_hidden.provision_current_user() returns uuid
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
$$;
comment on function app_hidden.provision_current_user() is
  'Creates the user row (from the verified claims; an email claim that is not an email address of at most 254 characters is ignored) and their personal account on first sight; idempotent.';

-- An API update that matches no row it may change (another tenant's, or none) is an error, as the
-- README promises (NOT_FOUND; PostGraphile answered `thread: null` with no error). Counted per
-- statement for the visitor role only; admins' and the worker's updates are untouched.
create function app_private.tg__visitor_update_begin() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  perform pg_catalog.set_config('app.visitor_updated_rows', '0', true);
  return null;
end;
$$;
create function app_private.tg__visitor_update_count() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  perform pg_catalog.set_config('app.visitor_updated_rows',
    (coalesce(nullif(pg_catalog.current_setting('app.visitor_updated_rows', true), ''), '0')::bigint + 1)::text, true);
  return null;
end;
$$;
create function app_private.tg__visitor_update_must_match() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  if coalesce(nullif(pg_catalog.current_setting('app.visitor_updated_rows', true), ''), '0') = '0' then
    raise exception using errcode = 'P0002',
      message = format('No values were updated in collection ''%s'' because no values you can update were found matching these criteria.', tg_table_name);
  end if;
  return null;
end;
$$;
comment on function app_private.tg__visitor_update_must_match() is
  'Raises (P0002, passed through by the API as NOT_FOUND) when an update by the visitor role changed no row.';
grant execute on function app_private.tg__visitor_update_begin(), app_private.tg__visitor_update_count(),
  app_private.tg__visitor_update_must_match() to :DATABASE_VISITOR;

do $$
declare
  v_table text;
begin
  foreach v_table in array array['accounts', 'account_memberships', 'agents', 'threads', 'messages', 'scheduled_tasks'] loop
    execute format('create trigger _001_visitor_update_begin before update on app_public.%I for each statement '
                   'when (current_user = %L) execute function app_private.tg__visitor_update_begin()', v_table, ':DATABASE_VISITOR');
    execute format('create trigger _990_visitor_update_count after update on app_public.%I for each row '
                   'when (current_user = %L) execute function app_private.tg__visitor_update_count()', v_table, ':DATABASE_VISITOR');
    execute format('create trigger _990_visitor_update_must_match after update on app_public.%I for each statement '
                   'when (current_user = %L) execute function app_private.tg__visitor_update_must_match()', v_table, ':DATABASE_VISITOR');
  end loop;
end;
$$;
