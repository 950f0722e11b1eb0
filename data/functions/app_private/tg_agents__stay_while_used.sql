-- app_private.tg_agents__stay_while_used: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Refuses (ST014) moving an agent to another account while a task or thread uses it.
CREATE OR REPLACE FUNCTION app_private.tg_agents__stay_while_used()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  -- a move into an account that is not the caller's is refused by row-level security (42501)
  if not app_private.is_admin() and not (new.account_id = any(array(select app_hidden.current_user_account_ids()))) then
    return new;
  end if;
  if exists (select 1 from app_public.scheduled_tasks t where t.agent_id = old.agent_id)
     or exists (select 1 from app_public.threads t where t.agent_id = old.agent_id) then
    perform app_hidden.raise_error('ST014',
      format('agent %s is used by tasks or threads of its account and cannot be moved to another account', old.agent_id),
      'create a new agent in the other account instead');
  end if;
  return new;
end;
$function$;
