-- app_private.tg__audit: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg__audit()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_row jsonb := to_jsonb(coalesce(new, old));
  v_old jsonb := case when tg_op = 'INSERT' then '{}'::jsonb else to_jsonb(old) end;
  v_changes jsonb := '{}'::jsonb;
  v_key text;
begin
  foreach v_key in array tg_argv loop
    if tg_op = 'INSERT' or tg_op = 'DELETE' or (v_old -> v_key) is distinct from (to_jsonb(new) -> v_key) then
      v_changes := v_changes || jsonb_build_object(v_key, case when tg_op = 'DELETE' then v_old -> v_key else v_row -> v_key end);
    end if;
  end loop;
  if tg_op = 'UPDATE' and v_changes = '{}'::jsonb then
    return null;
  end if;
  insert into app_private.audit_log (actor_user_id, account_id, table_name, row_id, action, changes)
  values (app_hidden.current_user_id(), (v_row ->> 'account_id')::uuid, tg_table_name,
          coalesce(v_row ->> 'execution_id', v_row ->> 'task_id')::uuid, lower(tg_op), v_changes);
  return null;
end;
$function$;
