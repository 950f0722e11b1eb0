-- app_private.agent_review_reasons: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- An agent's review reasons as its tasks carry them ("agent_system_prompt: <reason>").
CREATE OR REPLACE FUNCTION app_private.agent_review_reasons(reasons text[])
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select coalesce(array_agg('agent_system_prompt: ' || r order by o), '{}') from unnest(reasons) with ordinality u(r, o);
$function$;
