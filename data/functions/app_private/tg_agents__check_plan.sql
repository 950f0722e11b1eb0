-- app_private.tg_agents__check_plan: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Refuses an agent whose model is not on its owner's plan allow-list (ST011) or whose max_tokens is above the plan ceiling (ST012).
CREATE OR REPLACE FUNCTION app_private.tg_agents__check_plan()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_refusal record;
begin
  select * into v_refusal from app_private.model_call_refusal(new.account_id, new.model, new.max_tokens, false);
  if v_refusal.code is not null then
    perform app_hidden.raise_error(v_refusal.code, v_refusal.message,
      'choose an allowed model and max_tokens, or upgrade the plan of the account''s owner');
  end if;
  return new;
end;
$function$;
