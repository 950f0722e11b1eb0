-- app_private.retry_execution_later: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Puts a running execution back to pending until run_after (a retry's back-off), if lease_epoch (when given) is still the run's; count_attempt false gives the attempt back (rate limits).
CREATE OR REPLACE FUNCTION app_private.retry_execution_later(execution_id uuid, error text, run_after timestamp with time zone DEFAULT now(), count_attempt boolean DEFAULT true, lease_epoch bigint DEFAULT NULL::bigint)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  update app_public.task_executions e
     set status = 'pending', lease_owner = null, run_after = retry_execution_later.run_after, attempt_open = false,
         attempts = case when count_attempt then e.attempts else greatest(e.attempts - 1, 0) end,
         error_message = left(case when count_attempt then 'attempt ' || e.attempts || ' failed, will retry: ' else 'waiting to retry: ' end || error, 2000),
         wait_reason = left('retry after ' || to_char(retry_execution_later.run_after at time zone 'UTC', 'HH24:MI:SS" UTC"') || ': ' || error, 500)
   where e.execution_id = retry_execution_later.execution_id and e.status = 'running'
     and (retry_execution_later.lease_epoch is null or e.lease_epoch = retry_execution_later.lease_epoch);
  return found;
end;
$function$;
