-- app_private.start_claimed_runs: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Prepares a worker's claimed runs (start_execution each), in task_id order; with worker_id, only runs that worker still holds.
CREATE OR REPLACE FUNCTION app_private.start_claimed_runs(execution_ids uuid[], executor text, model text, worker_id text DEFAULT NULL::text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
$function$;
