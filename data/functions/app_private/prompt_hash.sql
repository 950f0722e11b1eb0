-- app_private.prompt_hash: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.prompt_hash(prompt text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
  select encode(sha256(convert_to(prompt, 'UTF8')), 'hex');
$function$;
