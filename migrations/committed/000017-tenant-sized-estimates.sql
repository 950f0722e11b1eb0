--! Previous: sha1:8c779f5f6337f2b79320067c970340e6e2a990db
--! Hash: sha1:fb7ff0b6648e0f37c92506866d2b0cb8a3fe4600
--! Message: Tenant-sized row estimates

-- Lists stay on the tenant's rows (issue 20). Every tenant policy is
-- `account_id = any(array(select app_hidden.current_user_account_ids()))` (000009): an InitPlan
-- whose result is a parameter, so the planner cannot see how many accounts it holds and assumes
-- 10 (PostgreSQL's fixed guess for an array it cannot see; the function's ROWS estimate is not
-- used for it, so `alter function … rows 5` changes nothing). It then multiplies by the average
-- rows per account (rows / n_distinct(account_id)): at ~110 tasks per account it expects ~1,100
-- of a tenant's tasks, so a `first: 20` page in any order looks cheaper by walking a global
-- index (the primary key, created_at, the dispatcher's next_execution_at) and discarding other
-- tenants' rows, or by ANDing the tenant index with the status index: 20-110 ms reading
-- 40,000-130,000 entries for a tenant with 100 tasks (tests/db/rls_plans.test.ts).
--
-- The fix: tell the planner that an account holds on average at most 10 rows of these tables,
-- i.e. n_distinct(account_id) = 10% of the rows. Under the 10-element guess a tenant is then
-- expected to have ~100 rows whatever the table's size, and the tenant indexes win every list and
-- count: a big tenant (20,000 tasks) is read through its index and sorted (~15 ms), a small one
-- reads only its own rows (~1 ms). The estimate is the same for every tenant, so plans cached by
-- prepared statements (PostGraphile prepares its queries) are right for all of them.
--
-- Rejected: a STABLE function returning the array (`account_id = any(app_hidden.f())`) lets the
-- planner run it while estimating and see the exact tenant, but then a param-less prepared
-- statement keeps the generic plan of whichever user ran it first on that connection (the big
-- tenant's "walk the global index" plan reused by every small tenant), and the function runs once
-- per row wherever it is a Filter. A composite (account_id, status, next_execution_at, task_id)
-- index alone fixes the status counts but not the pages (the walk still looks cheaper).
--
-- What else the override touches: join-size and group estimates on these account_id columns
-- (expected per-account groups are smaller); the run stage's queries select by execution/task
-- keys and partial indexes, not by account_id. The override takes effect at ANALYZE (run below;
-- autovacuum keeps it). Tables with few rows per account (accounts, memberships, agents,
-- invitations) keep their measured statistics: their estimate is already small.

alter table app_public.scheduled_tasks alter column account_id set (n_distinct = -0.1);
alter table app_public.task_executions alter column account_id set (n_distinct = -0.1);
alter table app_public.messages alter column account_id set (n_distinct = -0.1);
alter table app_public.threads alter column account_id set (n_distinct = -0.1);
alter table app_public.agent_runs alter column account_id set (n_distinct = -0.1);

analyze app_public.scheduled_tasks (account_id);
analyze app_public.task_executions (account_id);
analyze app_public.messages (account_id);
analyze app_public.threads (account_id);
analyze app_public.agent_runs (account_id);

--------------------------------------------------------------------------------
-- account_invitations: the owners' policy was `app_hidden.has_role_on_account(account_id,
-- 'owner')`, a function per row, so every list or count of invitations read the whole table and
-- called it for every invitation of every account. Now the same rule as an InitPlan array, an
-- index condition on account_invitations_account_id_idx; together with select_invitee
-- (invited_user_id / email, both indexed) a list is a BitmapOr of the visitor's own entries.
--------------------------------------------------------------------------------

create function app_hidden.current_user_owned_account_ids() returns setof uuid
  language sql stable security definer set search_path to pg_catalog, public, pg_temp as $$
  select account_id from app_public.account_memberships
  where user_id = app_hidden.current_user_id() and account_role = 'owner';
$$;
comment on function app_hidden.current_user_owned_account_ids() is
  'Accounts the current user owns. Policies call it as `account_id = any(array(select app_hidden.current_user_owned_account_ids()))`.';
grant execute on function app_hidden.current_user_owned_account_ids() to :DATABASE_VISITOR;

drop policy select_owner on app_public.account_invitations;
create policy select_owner on app_public.account_invitations for select
  using (account_id = any(array(select app_hidden.current_user_owned_account_ids())));
comment on policy select_owner on app_public.account_invitations is
  'Owners see their accounts'' invitations (an index condition on account_id, evaluated once per statement).';

comment on function app_hidden.current_user_account_ids() is
  E'Accounts the current user is a member of. Policies call it as `account_id = any(array(select app_hidden.current_user_account_ids()))` '
  'so that it runs once per statement and is an index condition. The planner guesses 10 accounts for that array; migration 000017 '
  'sets n_distinct(account_id) = -0.1 on the big tenant tables so that a tenant is expected to hold ~100 rows and every list reads '
  'through the tenant indexes.';
