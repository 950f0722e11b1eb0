-- app_private.configure_provider: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Sets a provider's shared limits (MODEL_MAX_CONCURRENT, MODEL_REQUESTS_PER_MINUTE, MODEL_TOKENS_PER_MINUTE); the last worker to start wins.
CREATE OR REPLACE FUNCTION app_private.configure_provider(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  insert into app_private.model_providers as p (provider, max_concurrent, requests_per_minute, tokens_per_minute)
  values (configure_provider.provider, configure_provider.max_concurrent, configure_provider.requests_per_minute, configure_provider.tokens_per_minute)
  on conflict (provider) do update
    set max_concurrent = excluded.max_concurrent, requests_per_minute = excluded.requests_per_minute,
        tokens_per_minute = excluded.tokens_per_minute, updated_at = now();
$function$;
