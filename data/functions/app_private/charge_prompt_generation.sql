-- app_private.charge_prompt_generation: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Counts a prompt generation for the account's billing owner; refuses it (ST013) beyond the plan's prompt_generations_per_hour (admins in psql are not limited).
CREATE OR REPLACE FUNCTION app_private.charge_prompt_generation(account_id uuid, task_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_owner uuid;
  v_limits app_private.plan_limits;
  v_count integer;
  v_oldest timestamptz;
begin
  select a.primary_owner_user_id into v_owner from app_public.accounts a where a.id = charge_prompt_generation.account_id;
  if v_owner is null then
    return;
  end if;
  v_limits := app_private.owner_plan_limits(v_owner);
  -- one owner's requests are counted one at a time, so concurrent requests cannot all slip under the limit
  perform pg_advisory_xact_lock(hashtextextended('prompt_generation:' || v_owner::text, 0));
  delete from app_private.prompt_generation_requests r where r.owner_user_id = v_owner and r.at <= now() - interval '1 hour';
  if v_limits.prompt_generations_per_hour is not null and not app_private.is_admin() then
    select count(*), min(r.at) into v_count, v_oldest from app_private.prompt_generation_requests r where r.owner_user_id = v_owner;
    if v_count >= v_limits.prompt_generations_per_hour then
      perform app_hidden.raise_error('ST013',
        format('rate limited: the %s plan allows %s prompt generations (exportThread and regeneratePrompt) per hour for all accounts of the same owner; '
               'the next one is possible at %s UTC',
               v_limits.plan, v_limits.prompt_generations_per_hour,
               to_char(coalesce(v_oldest, now()) at time zone 'UTC' + interval '1 hour', 'YYYY-MM-DD HH24:MI:SS')),
        'wait, or upgrade the plan');
    end if;
  end if;
  insert into app_private.prompt_generation_requests (owner_user_id, account_id, task_id)
  values (v_owner, charge_prompt_generation.account_id, charge_prompt_generation.task_id);
end;
$function$;
