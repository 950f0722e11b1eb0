-- app_private.tg__check_notification_policy: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Refuses an unknown notify_on or an out-of-range failure_threshold (ST003, naming the field).
CREATE OR REPLACE FUNCTION app_private.tg__check_notification_policy()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  if new.notify_on is not null and new.notify_on not in ('never', 'failure', 'always', 'change') then
    perform app_hidden.raise_error('ST003', format('notify_on: must be never, failure, always or change, got "%s"', left(new.notify_on, 40)));
  end if;
  if tg_table_name = 'scheduled_tasks' then
    -- (a record field is resolved when the expression is planned: only read it for scheduled_tasks)
    if (to_jsonb(new) ->> 'failure_threshold')::int not between 0 and 1000 then
      perform app_hidden.raise_error('ST003', format('failure_threshold: must be between 0 (never pause) and 1000, got %s', to_jsonb(new) ->> 'failure_threshold'));
    end if;
  end if;
  return new;
end;
$function$;
