-- app_hidden.new_webhook_secret: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A new signing secret, whsec_<base64 of 32 bytes> (the default of webhook_endpoints.secret).
CREATE OR REPLACE FUNCTION app_hidden.new_webhook_secret()
 RETURNS text
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  -- 32 bytes from two random UUIDs (244 random bits), Standard Webhooks' whsec_<base64> form
  select 'whsec_' || encode(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), 'base64');
$function$;
