-- app_private.answer_fingerprint: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The normalised fingerprint of an answer: lower case, whitespace runs as one space, trimmed, SHA-256 hex.
CREATE OR REPLACE FUNCTION app_private.answer_fingerprint(answer text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select case when answer is null then null
              else encode(sha256(convert_to(regexp_replace(lower(btrim(answer)), '\s+', ' ', 'g'), 'UTF8')), 'hex') end;
$function$;
