-- app_private.preparation_of: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- What a run's preparation depends on: the task's prompt (hash), its agent and the agent's last change. A preparation whose task no longer matches is thrown away at the run's second.
CREATE OR REPLACE FUNCTION app_private.preparation_of(task app_public.scheduled_tasks)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  return jsonb_build_object('prompt_sha256', app_private.prompt_hash(task.generated_prompt), 'agent_id', task.agent_id,
                            'agent_updated_at', (select a.updated_at from app_public.agents a where a.agent_id = task.agent_id));
end;
$function$;
