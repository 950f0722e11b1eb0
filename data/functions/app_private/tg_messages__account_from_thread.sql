-- app_private.tg_messages__account_from_thread: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_messages__account_from_thread()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  select t.account_id into new.account_id from app_public.threads t where t.thread_id = new.thread_id;
  if new.account_id is null then
    perform app_hidden.raise_error('ST001', format('thread %s not found', new.thread_id));
  end if;
  return new;
end;
$function$;
