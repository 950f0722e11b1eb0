-- app_private.check_run_allowed: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Null when the account's billing owner may make a model call with this model and max_tokens (the resolved values) now;
-- otherwise a readable refusal ending with its code: "(ST011)" model not allowed, "(ST012)" max_tokens above the ceiling,
-- "(ST010)" monthly token allowance used up. Call it when a run starts (and between steps, for the allowance).
CREATE OR REPLACE FUNCTION app_private.check_run_allowed(account_id uuid, model text, max_tokens integer)
 RETURNS text
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_refusal text;
begin
  select r.message || ' (' || r.code || ')' into v_refusal
    from app_private.model_call_refusal(check_run_allowed.account_id, check_run_allowed.model, check_run_allowed.max_tokens, true) r
   where r.code is not null;
  return v_refusal;
end;
$function$;
