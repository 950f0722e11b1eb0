--! Previous: sha1:938a29fb06c2318ecaf9698f0cba6f490bcefb3a
--! Hash: sha1:f4c12517a7eaccfa3b7ea3181caab3ef532274ab
--! Message: Fewer indexes on the dispatch path

-- Fewer indexes to maintain per dispatch. A dispatch updates next_execution_at (indexed), so the
-- update is never HOT and every index of scheduled_tasks gets a new entry; each execution insert
-- likewise touches every index of task_executions. These two were additions of ours that no query
-- needs (per-account lists are small). The plan's indexes stay, and so do (account_id, name) and
-- (account_id, next_execution_at): PostGraphile offers ordering only on indexed columns.
drop index app_public.idx_scheduled_tasks_account_created;
-- (task_id, created_at desc) duplicated the plan's idx_task_executions_task_id for history lists.
drop index app_public.idx_task_executions_task_created;
