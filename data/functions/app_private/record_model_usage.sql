-- app_private.record_model_usage: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Records one model call (kind prompt | agent) in the ledger and adds its tokens to the account's and its billing owner's
-- monthly counters. Call it after every completed model call, whatever its outcome; it never refuses (check first with
-- check_run_allowed / check_token_allowance).
CREATE OR REPLACE FUNCTION app_private.record_model_usage(account_id uuid, kind text, provider text, model text, input_tokens integer, output_tokens integer, task_id uuid DEFAULT NULL::uuid, execution_id uuid DEFAULT NULL::uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
$function$;
