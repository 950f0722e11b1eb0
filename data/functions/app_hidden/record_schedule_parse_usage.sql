-- app_hidden.record_schedule_parse_usage: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- After parseSchedule's model call: records its tokens in the model_usage ledger (kind schedule) for the signed-in user's personal account, once per charge_schedule_parse.
CREATE OR REPLACE FUNCTION app_hidden.record_schedule_parse_usage(provider text, model text, input_tokens integer, output_tokens integer)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_account uuid := app_hidden.current_user_personal_account_id();
  v_request bigint;
begin
  if v_account is null then
    return false;
  end if;
  -- one ledger row per charged reading: a caller cannot write usage it was not charged for
  select r.id into v_request from app_private.schedule_parse_requests r
   where r.account_id = v_account and not r.recorded and r.at > now() - interval '10 minutes'
   order by r.at desc limit 1 for update;
  if v_request is null then
    return false;
  end if;
  update app_private.schedule_parse_requests set recorded = true where id = v_request;
  perform app_private.record_model_usage(v_account, 'schedule', left(provider, 500), left(model, 200),
                                          least(greatest(coalesce(input_tokens, 0), 0), 1000000),
                                          least(greatest(coalesce(output_tokens, 0), 0), 1000000));
  return true;
end;
$function$;
