-- app_private.charge_execution: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Counts one execution for the account and its billing owner; refuses it (ST008) beyond the owner's monthly executions, or (ST010) when their tokens are used up.
CREATE OR REPLACE FUNCTION app_private.charge_execution(account_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_owner uuid;
  v_limits app_private.plan_limits;
  v_period date := app_private.usage_period(now());
  v_refusal record;
  v_used integer;
begin
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = charge_execution.account_id;
  v_limits := app_private.owner_plan_limits(v_owner);
  select * into v_refusal from app_private.model_call_refusal(charge_execution.account_id, null, null, true);
  if v_refusal.code is not null then
    perform app_hidden.raise_error(v_refusal.code, v_refusal.message, 'upgrade the plan or wait for next month');
  end if;
  insert into app_private.account_usage as u (account_id, period, executions)
    values (charge_execution.account_id, v_period, 1)
    on conflict (account_id, period) do update set executions = u.executions + 1;
  -- the roll-up trigger has added it to the owner's counter
  select o.executions into v_used from app_private.owner_usage o where o.owner_user_id = v_owner and o.period = v_period;
  if v_limits.executions_per_month is not null and v_used > v_limits.executions_per_month then
    perform app_hidden.raise_error('ST008',
      format('the %s plan allows %s executions per month for all accounts of the same owner, and they are used up',
             v_limits.plan, v_limits.executions_per_month),
      'upgrade the plan or wait for next month');
  end if;
end;
$function$;
