-- app_private.seed_provider_limits: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A worker's MODEL_* settings for its provider, written only when the provider has no limits yet; returns the limits in force (the database wins). Change them for the whole fleet with configure_provider.
CREATE OR REPLACE FUNCTION app_private.seed_provider_limits(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer)
 RETURNS app_private.model_providers
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_row app_private.model_providers;
begin
  insert into app_private.model_providers as p (provider, max_concurrent, requests_per_minute, tokens_per_minute)
  values (seed_provider_limits.provider, seed_provider_limits.max_concurrent, seed_provider_limits.requests_per_minute, seed_provider_limits.tokens_per_minute)
  on conflict (provider) do nothing;
  select * into v_row from app_private.model_providers p where p.provider = seed_provider_limits.provider;
  return v_row;
end;
$function$;
