-- app_hidden.charge_schedule_parse: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Before parseSchedule asks the model: null when the signed-in user may (and counts the reading), otherwise why not: the token
-- allowance is used up ("(ST010)"), the provider's shared limits leave no room now, or the plan's hourly number of readings
-- (prompt_generations_per_hour, counted separately from prompt generations) is used up ("(ST013)"). Billed to the personal account.
CREATE OR REPLACE FUNCTION app_hidden.charge_schedule_parse(provider text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_account uuid := app_hidden.current_user_personal_account_id();
  v_owner uuid;
  v_limits app_private.plan_limits;
  v_refusal text;
  v_available integer;
  v_reason text;
  v_count integer;
  v_oldest timestamptz;
begin
  if v_account is null then
    return 'reading a schedule with the model requires a signed-in user';
  end if;
  if provider is null or length(provider) not between 1 and 500 then
    perform app_hidden.raise_error('ST003', 'provider must be 1 to 500 characters');
  end if;
  v_refusal := app_private.check_token_allowance(v_account);
  if v_refusal is not null then
    return v_refusal;
  end if;
  select b.available, b.reason into v_available, v_reason from app_private.provider_budget(charge_schedule_parse.provider) b;
  if v_available = 0 then
    return v_reason;
  end if;
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = v_account;
  v_limits := app_private.owner_plan_limits(v_owner);
  perform pg_advisory_xact_lock(hashtextextended('schedule_parse:' || v_owner::text, 0));
  delete from app_private.schedule_parse_requests r where r.owner_user_id = v_owner and r.at <= now() - interval '1 hour';
  if v_limits.prompt_generations_per_hour is not null then
    select count(*), min(r.at) into v_count, v_oldest from app_private.schedule_parse_requests r where r.owner_user_id = v_owner;
    if v_count >= v_limits.prompt_generations_per_hour then
      return format('rate limited: the %s plan allows %s schedule readings by the model per hour for all accounts of the same owner; '
                    'the next one is possible at %s UTC (ST013)',
                    v_limits.plan, v_limits.prompt_generations_per_hour,
                    to_char(coalesce(v_oldest, now()) at time zone 'UTC' + interval '1 hour', 'YYYY-MM-DD HH24:MI:SS'));
    end if;
  end if;
  insert into app_private.schedule_parse_requests (owner_user_id, account_id) values (v_owner, v_account);
  return null;
end;
$function$;
