-- app_public.export_thread: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Turns a thread into a draft task: snapshots its messages and starts prompt generation.
-- The task comes back with promptStatus = pending; subscribe to taskUpdated (or re-read the task) until it is ready.
CREATE OR REPLACE FUNCTION app_public.export_thread(thread_id uuid, task_name text DEFAULT NULL::text, task_description text DEFAULT NULL::text)
 RETURNS app_public.scheduled_tasks
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
$function$;
