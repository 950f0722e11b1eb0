-- app_private.tg_task_executions__fingerprint: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Fingerprints the answer of a run as it completes.
CREATE OR REPLACE FUNCTION app_private.tg_task_executions__fingerprint()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  new.answer_fingerprint := app_private.answer_fingerprint(new.results ->> 'final_answer');
  return new;
end;
$function$;
