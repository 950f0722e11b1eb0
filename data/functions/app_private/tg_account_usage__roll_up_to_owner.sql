-- app_private.tg_account_usage__roll_up_to_owner: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Adds every change of an account's monthly counters to its billing owner's (owner_usage).
CREATE OR REPLACE FUNCTION app_private.tg_account_usage__roll_up_to_owner()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_executions integer := new.executions - case when tg_op = 'UPDATE' then old.executions else 0 end;
  v_tokens bigint := new.tokens - case when tg_op = 'UPDATE' then old.tokens else 0 end;
begin
  if v_executions = 0 and v_tokens = 0 then
    return null;
  end if;
  insert into app_private.owner_usage as o (owner_user_id, period, executions, tokens)
  select a.primary_owner_user_id, new.period, greatest(v_executions, 0), greatest(v_tokens, 0)
    from app_public.accounts a where a.id = new.account_id
  on conflict (owner_user_id, period) do update
     set executions = greatest(o.executions + v_executions, 0), tokens = greatest(o.tokens + v_tokens, 0);
  return null;
end;
$function$;
