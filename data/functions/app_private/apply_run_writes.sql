-- app_private.apply_run_writes: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Applies a batch of run writes (append_run_message, finish_execution, each fenced by its lease_epoch) in order, in one transaction; one result per op.
CREATE OR REPLACE FUNCTION app_private.apply_run_writes(ops jsonb)
 RETURNS boolean[]
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
$function$;
