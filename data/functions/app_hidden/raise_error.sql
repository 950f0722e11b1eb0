-- app_hidden.raise_error: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Raises a project error (SQLSTATE STxxx, see the README table). Callable from invoker-rights triggers.
CREATE OR REPLACE FUNCTION app_hidden.raise_error(code text, message text, hint text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
begin
  raise exception using errcode = code, message = message, hint = coalesce(hint, '');
end;
$function$;
