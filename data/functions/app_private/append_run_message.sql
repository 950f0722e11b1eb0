-- app_private.append_run_message: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Writes a message of a running execution to its thread, if lease_epoch (when given) is still the run's; false otherwise. An assistant message's model-call usage goes to the spend ledger either way.
CREATE OR REPLACE FUNCTION app_private.append_run_message(execution_id uuid, role text, content text, metadata jsonb, lease_epoch bigint DEFAULT NULL::bigint)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
$function$;
