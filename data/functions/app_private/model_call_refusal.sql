-- app_private.model_call_refusal: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The first plan rule a model call of this account would break (ST011 model, ST012 max_tokens, ST010 token allowance), or nulls.
CREATE OR REPLACE FUNCTION app_private.model_call_refusal(account_id uuid, model text, max_tokens integer, include_allowance boolean, OUT code text, OUT message text)
 RETURNS record
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_owner uuid;
  v_limits app_private.plan_limits;
  v_used bigint;
begin
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = model_call_refusal.account_id;
  if v_owner is null then
    return;
  end if;
  v_limits := app_private.owner_plan_limits(v_owner);
  if model_call_refusal.model is not null and v_limits.allowed_models is not null
     and not (model_call_refusal.model = any (v_limits.allowed_models)) then
    code := 'ST011';
    message := format('model "%s" is not allowed by the %s plan; allowed models: %s',
                      model_call_refusal.model, v_limits.plan, array_to_string(v_limits.allowed_models, ', '));
    return;
  end if;
  if model_call_refusal.max_tokens is not null and v_limits.max_tokens_ceiling is not null
     and model_call_refusal.max_tokens > v_limits.max_tokens_ceiling then
    code := 'ST012';
    message := format('max_tokens %s is above the %s plan''s ceiling of %s tokens per model call',
                      model_call_refusal.max_tokens, v_limits.plan, v_limits.max_tokens_ceiling);
    return;
  end if;
  if include_allowance and v_limits.tokens_per_month is not null then
    select o.tokens into v_used from app_private.owner_usage o
     where o.owner_user_id = v_owner and o.period = app_private.usage_period(now());
    if coalesce(v_used, 0) >= v_limits.tokens_per_month then
      code := 'ST010';
      message := format('the monthly token allowance of the %s plan is used up: %s of %s tokens used this month by all accounts of the same owner; '
                        'it renews on %s (UTC), or upgrade the plan',
                        v_limits.plan, coalesce(v_used, 0), v_limits.tokens_per_month,
                        to_char(app_private.usage_period(now()) + interval '1 month', 'YYYY-MM-DD'));
    end if;
  end if;
end;
$function$;
