-- app_private.record_run_usage: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.record_run_usage(execution_id uuid, model text, input_tokens integer, output_tokens integer)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select app_private.record_model_usage(e.account_id, 'agent', coalesce(e.provider, 'unknown'), record_run_usage.model,
                                        record_run_usage.input_tokens, record_run_usage.output_tokens, e.task_id, e.execution_id)
    from app_public.task_executions e where e.execution_id = record_run_usage.execution_id;
$function$;
