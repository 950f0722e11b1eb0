-- app_private.provider_budget: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Requests the provider can take now under its shared limits (null: unlimited), why not when 0, and when to look again.
CREATE OR REPLACE FUNCTION app_private.provider_budget(provider text, OUT available integer, OUT reason text, OUT retry_at timestamp with time zone)
 RETURNS record
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_p app_private.model_providers;
  v_held integer;
  v_requests integer;
  v_tokens bigint;
begin
  select * into v_p from app_private.model_providers p where p.provider = provider_budget.provider;
  if not found then
    return;
  end if;
  if v_p.backoff_until > now() then
    available := 0;
    reason := format('model provider rate limited: waiting until %s (%s)', to_char(v_p.backoff_until at time zone 'UTC', 'HH24:MI:SS" UTC"'), v_p.backoff_reason);
    retry_at := v_p.backoff_until;
    return;
  end if;
  -- runs holding a slot with this provider: running, or reserved ahead of their second
  select count(*) into v_held from app_public.task_executions e
   where e.status in ('running', 'pending') and e.provider = v_p.provider and e.lease_owner is not null;
  if v_p.max_concurrent is not null then
    available := greatest(v_p.max_concurrent - v_held, 0);
    if available = 0 then
      reason := format('model provider limit: %s runs at a time', v_p.max_concurrent);
    end if;
  end if;
  if v_p.requests_per_minute is not null or v_p.tokens_per_minute is not null then
    select count(*), coalesce(sum(m.total_tokens), 0) into v_requests, v_tokens
      from app_private.model_usage m
     where m.provider = v_p.provider and m.at > now() - interval '1 minute';
    if v_p.requests_per_minute is not null then
      -- completed calls of the last minute, plus one per run holding a slot (its call is under way or about to be)
      available := least(coalesce(available, v_p.requests_per_minute), greatest(v_p.requests_per_minute - v_requests - v_held, 0));
      if available = 0 and reason is null then
        reason := format('model provider limit: %s requests per minute', v_p.requests_per_minute);
        retry_at := now() + interval '5 seconds';
      end if;
    end if;
    if v_p.tokens_per_minute is not null and v_tokens >= v_p.tokens_per_minute then
      available := 0;
      reason := coalesce(reason, format('model provider limit: %s tokens per minute', v_p.tokens_per_minute));
      retry_at := now() + interval '5 seconds';
    end if;
  end if;
end;
$function$;
