--! Previous: sha1:0837227991ba38c53f7a45db7d504b5de4599dd2
--! Hash: sha1:fa43e2d4f2e67fe2a71d01bff6a4b115cbdba081
--! Message: Thread export and prompt generation

-- Thread export and prompt generation: export_thread, regenerate_prompt, confirm_task_prompt,
-- the worker's write-back functions, and change notifications for GraphQL subscriptions.

alter table app_public.scheduled_tasks
  add column prompt_generation integer not null default 1 check (prompt_generation > 0);
comment on column app_public.scheduled_tasks.prompt_generation is
  'Increases with every regenerate_prompt; a generation job only writes back when it still matches.';

-- Snapshot of a thread's messages, in order: what export and regeneration store in original_messages.
create function app_private.snapshot_thread(thread_id uuid) returns jsonb
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select coalesce(jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content, 'created_at', m.created_at) order by m.seq), '[]'::jsonb)
  from app_public.messages m where m.thread_id = snapshot_thread.thread_id;
$$;

create function app_public.scheduled_tasks_original_message_count(t app_public.scheduled_tasks) returns integer
  language sql stable as $$
  select jsonb_array_length(t.original_messages);
$$;
comment on function app_public.scheduled_tasks_original_message_count(app_public.scheduled_tasks) is
  'How many messages of the source thread were exported.';
grant execute on function app_public.scheduled_tasks_original_message_count(app_public.scheduled_tasks) to :DATABASE_VISITOR;

create function app_public.scheduled_tasks_prompt_regenerating(t app_public.scheduled_tasks) returns boolean
  language sql stable as $$
  select t.prompt_generation > greatest(coalesce((t.metadata -> 'prompt' ->> 'generation')::int, 0),
                                        coalesce((t.metadata ->> 'prompt_failed_generation')::int, 0));
$$;
comment on function app_public.scheduled_tasks_prompt_regenerating(app_public.scheduled_tasks) is
  'True while a prompt generation (first or regenerated) is still running for this task.';
grant execute on function app_public.scheduled_tasks_prompt_regenerating(app_public.scheduled_tasks) to :DATABASE_VISITOR;

create function app_private.enqueue_prompt_generation(task app_public.scheduled_tasks) returns void
  language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  select graphile_worker.add_job(
    'generate_prompt',
    json_build_object('task_id', task.task_id, 'generation', task.prompt_generation),
    job_key := 'generate_prompt:' || task.task_id,
    max_attempts := 5
  );
$$;

create function app_public.export_thread(thread_id uuid, task_name text default null, task_description text default null)
  returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
$$;
comment on function app_public.export_thread(uuid, text, text) is
  E'Turns a thread into a draft task: snapshots its messages and starts prompt generation.\n'
  'The task comes back with promptStatus = pending; subscribe to taskUpdated (or re-read the task) until it is ready.';
grant execute on function app_public.export_thread(uuid, text, text) to :DATABASE_VISITOR;

create function app_public.regenerate_prompt(task_id uuid) returns app_public.scheduled_tasks
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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
$$;
comment on function app_public.regenerate_prompt(uuid) is
  E'Re-snapshots the source thread and generates the prompt again. The current prompt stays available until the new one is ready\n'
  '(watch promptGeneration / metadata.prompt.generation, or subscribe to taskUpdated).';
grant execute on function app_public.regenerate_prompt(uuid) to :DATABASE_VISITOR;

create function app_public.confirm_task_prompt(task_id uuid) returns app_public.scheduled_tasks
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
         metadata = t.metadata || jsonb_build_object('review', jsonb_build_object(
           'confirmed_by', app_hidden.current_user_id(), 'confirmed_at', now(), 'reasons', to_jsonb(t.review_reasons)))
   where t.task_id = v_task.task_id
  returning * into v_task;
  return v_task;
end;
$$;
comment on function app_public.confirm_task_prompt(uuid) is
  'The account owner confirms a prompt flagged for review (possible prompt injection); the task can then be scheduled and executed.';
grant execute on function app_public.confirm_task_prompt(uuid) to :DATABASE_VISITOR;

-- Worker write-back. A result for an older generation (superseded by regenerate_prompt) is ignored.
create function app_private.complete_prompt_generation(
  task_id uuid, generation integer, prompt text, source text, info jsonb, review_reasons text[]
) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
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

create function app_private.fail_prompt_generation(task_id uuid, generation integer, error text) returns boolean
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
begin
  update app_public.scheduled_tasks t
     set prompt_status = case when t.generated_prompt = '' then 'failed' else t.prompt_status end,
         prompt_error = left(error, 2000),
         metadata = t.metadata || jsonb_build_object('prompt_failed_generation', generation)
   where t.task_id = fail_prompt_generation.task_id and t.prompt_generation = generation;
  return found;
end;
$$;

-- Tasks flagged for review or without a ready prompt cannot be scheduled or executed.
create function app_private.assert_task_runnable(task app_public.scheduled_tasks) returns void
  language plpgsql stable as $$
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

-- A user's own edit: invisible characters removed (as for generated prompts), source = user.
create or replace function app_private.tg_scheduled_tasks__user_prompt_edit() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
begin
  -- only edits made through the API (the visitor role) count as the user's own
  if new.generated_prompt is distinct from old.generated_prompt and current_user = ':DATABASE_VISITOR' then
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

-- Change notifications for GraphQL subscriptions (channel graphql:task:<task_id>).
create function app_private.tg__notify_task() returns trigger
  language plpgsql volatile set search_path to pg_catalog, public, pg_temp as $$
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
create trigger _900_notify after update on app_public.scheduled_tasks
  for each row
  when (old.status is distinct from new.status or old.prompt_status is distinct from new.prompt_status
        or old.generated_prompt is distinct from new.generated_prompt or old.next_execution_at is distinct from new.next_execution_at
        or old.needs_review is distinct from new.needs_review or old.prompt_generation is distinct from new.prompt_generation)
  execute function app_private.tg__notify_task('task_updated');
create trigger _900_notify after insert or update or delete on app_public.task_executions
  for each row execute function app_private.tg__notify_task('execution_updated');
