-- app_private.apply_overlap_policies: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Step of claim_runs: for each due scheduled run with an earlier live execution of its task, applies the task's overlap_policy (skip, buffer_one, cancel_other; allow_all does nothing) and records the decision in the history. Returns how many runs it decided.
CREATE OR REPLACE FUNCTION app_private.apply_overlap_policies(now_at timestamp with time zone)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
declare
  v_row record;
  v_count integer := 0;
begin
  -- the running executions cancel_other will cancel, locked first in (task_id, execution_id) order (the run stage's)
  perform 1 from app_public.task_executions x
    join app_public.scheduled_tasks t on t.task_id = x.task_id and t.overlap_policy = 'cancel_other'
   where x.status = 'running'
     and exists (select 1 from app_public.task_executions d
                  where d.task_id = x.task_id and d.status = 'pending' and d.trigger_type = 'schedule'
                    and coalesce(d.scheduled_for, d.created_at) <= now_at and (d.run_after is null or d.run_after <= now_at))
   order by x.task_id, x.execution_id
   for update of x;
  -- every due scheduled run that has an earlier live execution of its task (running, or pending and due earlier)
  for v_row in
    select e.execution_id, e.task_id, coalesce(e.scheduled_for, e.created_at) as due_at, t.overlap_policy, o.execution_id as other_id, o.status as other_status,
           exists (select 1 from app_public.task_executions b
                    where b.task_id = e.task_id and b.status = 'pending' and b.execution_id <> e.execution_id
                      and (coalesce(b.scheduled_for, b.created_at), b.execution_id) < (coalesce(e.scheduled_for, e.created_at), e.execution_id)) as earlier_pending
      from app_public.task_executions e
      -- only tasks with two or more live executions can overlap: one aggregate over the live-runs index, instead of
      -- a probe per due run (a 10,000-run herd claims 500 at a time)
      join (select l.task_id from app_public.task_executions l where l.status in ('pending', 'running')
             group by l.task_id having count(*) > 1) multi on multi.task_id = e.task_id
      join app_public.scheduled_tasks t on t.task_id = e.task_id
      cross join lateral (
        select x.execution_id, x.status from app_public.task_executions x
         where x.task_id = e.task_id and x.status in ('pending', 'running') and x.execution_id <> e.execution_id
           and (x.status = 'running'
                or (coalesce(x.scheduled_for, x.created_at), x.execution_id) < (coalesce(e.scheduled_for, e.created_at), e.execution_id))
         order by (x.status = 'running') desc, coalesce(x.scheduled_for, x.created_at)
         limit 1) o
     where e.status = 'pending' and e.trigger_type = 'schedule'
       and coalesce(e.scheduled_for, e.created_at) <= now_at and (e.run_after is null or e.run_after <= now_at)
       and t.overlap_policy <> 'allow_all'
     order by e.task_id, coalesce(e.scheduled_for, e.created_at), e.execution_id
  loop
    if v_row.overlap_policy = 'skip' then
      perform app_private.skip_due_occurrence(v_row.execution_id, 'previous execution still running (overlap policy: skip)',
        jsonb_build_object('overlap_policy', 'skip', 'overlapped_execution_id', v_row.other_id));
      v_count := v_count + 1;
    elsif v_row.overlap_policy = 'buffer_one' then
      if v_row.earlier_pending then
        perform app_private.skip_due_occurrence(v_row.execution_id, 'an occurrence is already waiting for the running one (overlap policy: buffer_one)',
          jsonb_build_object('overlap_policy', 'buffer_one', 'overlapped_execution_id', v_row.other_id));
        v_count := v_count + 1;
      else
        update app_public.task_executions e
           set wait_reason = 'waiting for the previous execution to end (overlap policy: buffer_one)',
               execution_context = e.execution_context || jsonb_build_object('overlap', jsonb_build_object('policy', 'buffer_one', 'waited_for', v_row.other_id))
         where e.execution_id = v_row.execution_id
           and e.wait_reason is distinct from 'waiting for the previous execution to end (overlap policy: buffer_one)';
      end if;
    elsif v_row.overlap_policy = 'cancel_other' then
      -- every earlier live execution of the task goes; the run pool holding a running one stops it (NOTIFY)
      update app_public.task_executions x
         set status = 'cancelled', completed_at = now(), wait_reason = null, cancel_requested_at = coalesce(x.cancel_requested_at, now()),
             error_message = 'cancelled: a newer occurrence replaced it (overlap policy: cancel_other)',
             results = x.results || jsonb_build_object('cancelled_by_overlap', true, 'replaced_by', v_row.execution_id)
       where x.task_id = v_row.task_id and x.status in ('pending', 'running') and x.execution_id <> v_row.execution_id
         and (x.status = 'running' or (coalesce(x.scheduled_for, x.created_at), x.execution_id) < (v_row.due_at, v_row.execution_id));
      update app_public.task_executions e
         set execution_context = e.execution_context || jsonb_build_object('overlap', jsonb_build_object('policy', 'cancel_other', 'cancelled', v_row.other_id))
       where e.execution_id = v_row.execution_id;
      update app_public.agent_runs r set status = 'cancelled', completed_at = now()
        from app_public.task_executions x
       where x.task_id = v_row.task_id and x.status = 'cancelled' and x.results ->> 'replaced_by' = v_row.execution_id::text
         and r.id = x.agent_run_id and r.status = 'running';
      v_count := v_count + 1;
    end if;
  end loop;
  return v_count;
end;
$function$;
