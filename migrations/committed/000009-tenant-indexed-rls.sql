--! Previous: sha1:3be674bddc8bbf299e142d6e55ec5579426798b6
--! Hash: sha1:b2bac6bfe7b68a4cb1af6043473e57aa9a39e9e5
--! Message: Tenant-indexed RLS

-- Tenant-indexed RLS. Every "the row's account is one of mine" policy was written
-- `account_id in (select app_hidden.current_user_account_ids())`: evaluated once per statement
-- (a hashed SubPlan), but only ever as a Filter. At a million tasks every list and count
-- became a sequential scan, or a walk of a global index discarding other tenants' rows.
-- `account_id = any(array(select …))` is an InitPlan whose result is a parameter, so the
-- planner uses it as an Index Cond on the tenant indexes. Same names, same semantics,
-- `with check` kept. tests/db/rls_plans.test.ts proves the plans at realistic size.

--------------------------------------------------------------------------------
-- users, accounts, memberships
--------------------------------------------------------------------------------

create or replace function app_hidden.current_user_teammate_ids() returns setof uuid
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select distinct m.user_id from app_public.account_memberships m
  where m.account_id = any(array(select app_hidden.current_user_account_ids()));
$$;

drop policy select_self_or_teammate on app_public.users;
create policy select_self_or_teammate on app_public.users for select
  using (id = (select app_hidden.current_user_id()) or id = any(array(select app_hidden.current_user_teammate_ids())));

drop policy select_member on app_public.accounts;
create policy select_member on app_public.accounts for select
  using (id = any(array(select app_hidden.current_user_account_ids())));

drop policy select_member on app_public.account_memberships;
create policy select_member on app_public.account_memberships for select
  using (account_id = any(array(select app_hidden.current_user_account_ids())));

--------------------------------------------------------------------------------
-- agents
--------------------------------------------------------------------------------

drop policy select_member on app_public.agents;
drop policy insert_member on app_public.agents;
drop policy update_member on app_public.agents;
drop policy delete_member on app_public.agents;
create policy select_member on app_public.agents for select
  using (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy insert_member on app_public.agents for insert
  with check (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy update_member on app_public.agents for update
  using (account_id = any(array(select app_hidden.current_user_account_ids())))
  with check (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy delete_member on app_public.agents for delete
  using (account_id = any(array(select app_hidden.current_user_account_ids())));

--------------------------------------------------------------------------------
-- threads
--------------------------------------------------------------------------------

drop policy select_member on app_public.threads;
drop policy insert_member on app_public.threads;
drop policy update_member on app_public.threads;
drop policy delete_member on app_public.threads;
create policy select_member on app_public.threads for select
  using (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy insert_member on app_public.threads for insert
  with check (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy update_member on app_public.threads for update
  using (account_id = any(array(select app_hidden.current_user_account_ids())))
  with check (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy delete_member on app_public.threads for delete
  using (account_id = any(array(select app_hidden.current_user_account_ids())));

--------------------------------------------------------------------------------
-- messages: a thread's messages are read by (thread_id, seq), which exists.
--------------------------------------------------------------------------------

drop policy select_member on app_public.messages;
drop policy insert_member on app_public.messages;
drop policy update_member on app_public.messages;
drop policy delete_member on app_public.messages;
create policy select_member on app_public.messages for select
  using (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy insert_member on app_public.messages for insert
  with check (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy update_member on app_public.messages for update
  using (account_id = any(array(select app_hidden.current_user_account_ids())))
  with check (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy delete_member on app_public.messages for delete
  using (account_id = any(array(select app_hidden.current_user_account_ids())));

--------------------------------------------------------------------------------
-- agent_runs
--------------------------------------------------------------------------------

drop policy select_member on app_public.agent_runs;
create policy select_member on app_public.agent_runs for select
  using (account_id = any(array(select app_hidden.current_user_account_ids())));

--------------------------------------------------------------------------------
-- scheduled_tasks. Per-account orderings the API offers: (account_id, name) and
-- (account_id, next_execution_at) exist; created_at gets (account_id, created_at, task_id)
-- back (000007 dropped (account_id, created_at) when only a filter used it): a page of one
-- account's tasks by created_at, keyset `(created_at, task_id) < (…)` on PostGraphile's
-- primary-key tie-breaker, reads exactly the page from it. One more index to maintain per
-- dispatch, the price of pages that do not scan the account.
--------------------------------------------------------------------------------

create index idx_scheduled_tasks_account_created_task on app_public.scheduled_tasks(account_id, created_at, task_id);

drop policy select_member on app_public.scheduled_tasks;
drop policy update_member on app_public.scheduled_tasks;
drop policy delete_member on app_public.scheduled_tasks;
create policy select_member on app_public.scheduled_tasks for select
  using (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy update_member on app_public.scheduled_tasks for update
  using (account_id = any(array(select app_hidden.current_user_account_ids())))
  with check (account_id = any(array(select app_hidden.current_user_account_ids())));
create policy delete_member on app_public.scheduled_tasks for delete
  using (account_id = any(array(select app_hidden.current_user_account_ids())));

--------------------------------------------------------------------------------
-- task_executions: an account's history newest first. Per task, (task_id, created_at desc)
-- exists.
--------------------------------------------------------------------------------

create index idx_task_executions_account_created on app_public.task_executions(account_id, created_at desc, execution_id desc);

drop policy select_member on app_public.task_executions;
create policy select_member on app_public.task_executions for select
  using (account_id = any(array(select app_hidden.current_user_account_ids())));
