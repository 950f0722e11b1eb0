-- app_private.back_off_provider: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.back_off_provider(provider text, retry_at timestamp with time zone, reason text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  insert into app_private.model_providers as p (provider, backoff_until, backoff_reason)
  values (back_off_provider.provider, retry_at, left(reason, 500))
  on conflict (provider) do update
    set backoff_until = greatest(coalesce(p.backoff_until, '-infinity'), excluded.backoff_until),
        backoff_reason = excluded.backoff_reason, updated_at = now();
$function$;
