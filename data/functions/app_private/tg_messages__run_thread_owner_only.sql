-- app_private.tg_messages__run_thread_owner_only: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Members may not add, change or delete the messages of a task run's thread (the history a resumed run sends again); owners may.
CREATE OR REPLACE FUNCTION app_private.tg_messages__run_thread_owner_only()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_row app_public.messages := case when tg_op = 'DELETE' then old else new end;
begin
  if app_private.is_admin() then
    return v_row;
  end if;
  if exists (select 1 from app_public.task_executions e where e.thread_id = v_row.thread_id)
     and not app_hidden.has_role_on_account(v_row.account_id, 'owner') then
    perform app_hidden.raise_error('ST004',
      format('the messages of thread %s belong to a task run: only an owner of the account can add, change or delete them', v_row.thread_id));
  end if;
  return v_row;
end;
$function$;
