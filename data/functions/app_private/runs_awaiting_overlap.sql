-- app_private.runs_awaiting_overlap: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The pending scheduled runs that have an earlier live execution of their task (running, or pending and due earlier) while the task's overlap policy is not allow_all: the policy decides them (apply_overlap_policies), so no claim takes them before.
CREATE OR REPLACE FUNCTION app_private.runs_awaiting_overlap()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  -- only tasks with two or more live executions can overlap: one count over the live-runs index (no sort), then a closer look
  -- at those tasks only
  with multi as (
    select l.task_id from app_public.task_executions l
     where l.status in ('pending', 'running')
       and not exists (select 1 from app_public.scheduled_tasks t where t.task_id = l.task_id and t.overlap_policy = 'allow_all')
     group by l.task_id having count(*) > 1
  ), live as (
    select x.task_id, bool_or(x.status = 'running') as has_running,
           (array_agg(x.execution_id order by coalesce(x.scheduled_for, x.created_at), x.execution_id) filter (where x.status = 'pending'))[1] as first_pending
      from multi m join app_public.task_executions x on x.task_id = m.task_id and x.status in ('pending', 'running')
     group by x.task_id
  )
  select e.execution_id
    from live
    join app_public.task_executions e on e.task_id = live.task_id and e.status = 'pending' and e.trigger_type = 'schedule'
   where live.has_running or live.first_pending <> e.execution_id;
$function$;
