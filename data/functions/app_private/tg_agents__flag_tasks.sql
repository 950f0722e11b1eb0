-- app_private.tg_agents__flag_tasks: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- A flagged agent flags the tasks that use it: the task review gate pauses the active ones and cancels their pending executions.
CREATE OR REPLACE FUNCTION app_private.tg_agents__flag_tasks()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_reasons text[] := app_private.agent_review_reasons(new.review_reasons);
begin
  update app_public.scheduled_tasks t
     set needs_review = true,
         review_reasons = coalesce(t.review_reasons, '{}')
           || array(select r from unnest(v_reasons) r where not (r = any (coalesce(t.review_reasons, '{}'))))
   where t.agent_id = new.agent_id
     and t.status in ('draft', 'active', 'paused')
     and not (coalesce(t.review_reasons, '{}') @> v_reasons and t.needs_review);
  return null;
end;
$function$;
