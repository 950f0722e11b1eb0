-- app_private.check_model_call: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Asked by the agent executor before every model call of a run: {"refusal": null or "… (ST010|ST011|ST012)", "max_tokens_ceiling": the plan's ceiling or null}. max_tokens is the agent's own (null: the executor's default, clamped to the ceiling). So one run stops at its owner's monthly token allowance instead of overshooting it.
CREATE OR REPLACE FUNCTION app_private.check_model_call(execution_id uuid, model text, max_tokens integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
$function$;
