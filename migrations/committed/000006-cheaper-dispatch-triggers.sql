--! Previous: sha1:6e7f9b4a062ebc52b7e4c91a224a6b229f6e5b6b
--! Hash: sha1:938a29fb06c2318ecaf9698f0cba6f490bcefb3a
--! Message: Cheaper dispatch triggers

-- Cheaper dispatch: row triggers fire only when what they record changed. The benchmark
-- (bench/results/dispatch.txt) showed the audit and notify triggers taking about 60% of the
-- dispatch transaction, though a dispatch only moves next_execution_at and execution_count.

drop trigger _500_audit on app_public.scheduled_tasks;
create trigger _500_audit after insert or delete on app_public.scheduled_tasks
  for each row execute function app_private.tg__audit('status', 'name', 'generated_prompt', 'schedule_type', 'scheduled_at', 'cron_expression', 'timezone', 'max_executions', 'needs_review');
create trigger _510_audit_update after update on app_public.scheduled_tasks
  for each row
  when ((old.status, old.name, old.generated_prompt, old.schedule_type, old.scheduled_at, old.cron_expression, old.timezone, old.max_executions, old.needs_review)
        is distinct from (new.status, new.name, new.generated_prompt, new.schedule_type, new.scheduled_at, new.cron_expression, new.timezone, new.max_executions, new.needs_review))
  execute function app_private.tg__audit('status', 'name', 'generated_prompt', 'schedule_type', 'scheduled_at', 'cron_expression', 'timezone', 'max_executions', 'needs_review');

-- An execution's creation is recorded by the row itself (created_at, execution_context);
-- its status changes and its deletion go to the audit log.
drop trigger _500_audit on app_public.task_executions;
create trigger _500_audit after delete on app_public.task_executions
  for each row execute function app_private.tg__audit('execution_id', 'status', 'trigger_type', 'scheduled_for', 'error_message');
create trigger _510_audit_update after update on app_public.task_executions
  for each row when (old.status is distinct from new.status)
  execute function app_private.tg__audit('execution_id', 'status', 'trigger_type', 'scheduled_for', 'error_message');

-- taskUpdated: a dispatch is announced by its execution's event; the task's own event fires on
-- prompt, status, review and schedule changes (schedule_version moves with every schedule edit).
drop trigger _900_notify on app_public.scheduled_tasks;
create trigger _900_notify after update on app_public.scheduled_tasks
  for each row
  when (old.status is distinct from new.status or old.prompt_status is distinct from new.prompt_status
        or old.generated_prompt is distinct from new.generated_prompt or old.needs_review is distinct from new.needs_review
        or old.prompt_generation is distinct from new.prompt_generation or old.schedule_version is distinct from new.schedule_version)
  execute function app_private.tg__notify_task('task_updated');
