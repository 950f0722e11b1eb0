-- app_private.tg_agents__review_gate: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Screens every write of an agent's system prompt (app_private.screen_prompt); a match sets needs_review.
CREATE OR REPLACE FUNCTION app_private.tg_agents__review_gate()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_reasons text[] := app_private.screen_prompt(new.system_prompt);
begin
  if cardinality(v_reasons) > 0 then
    new.needs_review := true;
    new.review_reasons := new.review_reasons
      || array(select r from unnest(v_reasons) r where not (r = any (new.review_reasons)));
  end if;
  return new;
end;
$function$;
