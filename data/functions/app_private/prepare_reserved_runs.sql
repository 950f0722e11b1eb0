-- app_private.prepare_reserved_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Ahead of their second: the worker's reserved runs get their thread and prompt message (prepare_run_thread) and record what the preparation was made from (preparation_of). Returns each run's payload (run_payload); the run stays pending until start_prepared_runs.
CREATE OR REPLACE FUNCTION app_private.prepare_reserved_runs(worker_id text, execution_ids uuid[])
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_row record;
  v_execution app_public.task_executions;
  v_out jsonb := '[]'::jsonb;
begin
  -- the lock order of the run stage: task rows in task_id order, then executions in (task_id, execution_id) order
  perform 1 from app_public.scheduled_tasks t
   where t.task_id in (select e.task_id from app_public.task_executions e where e.execution_id = any(prepare_reserved_runs.execution_ids))
   order by t.task_id for no key update;
  for v_row in
    select e as execution, t as task from app_public.task_executions e join app_public.scheduled_tasks t on t.task_id = e.task_id
     where e.execution_id = any(prepare_reserved_runs.execution_ids)
       and e.status = 'pending' and e.lease_owner = prepare_reserved_runs.worker_id
     order by e.task_id, e.execution_id
       for update of e
  loop
    v_execution := v_row.execution;
    -- a run awaiting review, or already prepared once (resumed): start_prepared_runs starts it the ordinary way
    if not (v_row.task).needs_review and v_execution.thread_id is null and v_execution.attempts = 0 then
      update app_public.task_executions e
         set thread_id = app_private.prepare_run_thread(v_execution, v_row.task),
             execution_context = e.execution_context || jsonb_build_object('prepared', app_private.preparation_of(v_row.task))
       where e.execution_id = v_execution.execution_id
      returning * into v_execution;
    end if;
    v_out := v_out || jsonb_build_array(app_private.run_payload(v_execution, v_row.task));
  end loop;
  return v_out;
end;
$function$;
