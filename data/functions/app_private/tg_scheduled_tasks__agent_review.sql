-- app_private.tg_scheduled_tasks__agent_review: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A task that gets a flagged agent is flagged too (reasons "agent_system_prompt: …").
CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__agent_review()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_reasons text[];
begin
  select app_private.agent_review_reasons(a.review_reasons) into v_reasons
    from app_public.agents a where a.agent_id = new.agent_id and a.needs_review;
  if cardinality(v_reasons) > 0 then
    new.needs_review := true;
    new.review_reasons := coalesce(new.review_reasons, '{}')
      || array(select r from unnest(v_reasons) r where not (r = any (coalesce(new.review_reasons, '{}'))));
  end if;
  return new;
end;
$function$;
