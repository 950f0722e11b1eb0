-- app_private.runs_awaiting_overlap: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- The pending scheduled runs that have an earlier live execution of their task (running, or pending and due earlier) while the task's overlap policy is not allow_all: the policy decides them (apply_overlap_policies), so no claim takes them before.
CREATE OR REPLACE FUNCTION app_private.runs_awaiting_overlap()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  -- only tasks with two or more live executions can overlap: one aggregate over the live-runs index, not a probe per run
  with live as (
    select l.task_id, bool_or(l.status = 'running') as has_running,
           (array_agg(l.execution_id order by coalesce(l.scheduled_for, l.created_at), l.execution_id) filter (where l.status = 'pending'))[1] as first_pending
      from app_public.task_executions l where l.status in ('pending', 'running')
     group by l.task_id having count(*) > 1
  )
  select e.execution_id
    from live
    join app_public.scheduled_tasks t on t.task_id = live.task_id and t.overlap_policy <> 'allow_all'
    join app_public.task_executions e on e.task_id = live.task_id and e.status = 'pending' and e.trigger_type = 'schedule'
   where live.has_running or live.first_pending <> e.execution_id;
$function$;
