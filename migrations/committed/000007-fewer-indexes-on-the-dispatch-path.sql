--! Previous: sha1:938a29fb06c2318ecaf9698f0cba6f490bcefb3a
--! Hash: sha1:9406e5d452b4fdf8cfeed3c1be454bcb3fd79b3e
--! Message: Fewer indexes on the dispatch path

-- Fewer indexes to maintain per dispatch. A dispatch updates next_execution_at (indexed), so the
-- update is never HOT and every index of scheduled_tasks gets a new entry; each execution insert
-- likewise touches every index of task_executions. (account_id, created_at) was an addition of ours
-- that no query needs: created_at has the plan's own index. The plan's indexes stay, and so do
-- (account_id, name), (account_id, next_execution_at) and task_executions (task_id, created_at desc):
-- PostGraphile offers ordering only on indexed columns, and history is listed newest first.
drop index app_public.idx_scheduled_tasks_account_created;
