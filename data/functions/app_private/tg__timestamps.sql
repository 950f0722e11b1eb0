-- app_private.tg__timestamps: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Keeps created_at fixed and moves updated_at forward on every update (the plan's update_updated_at_column()).
CREATE OR REPLACE FUNCTION app_private.tg__timestamps()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  new.created_at := (case when tg_op = 'INSERT' then now() else old.created_at end);
  new.updated_at := (case when tg_op = 'UPDATE' and old.updated_at >= now() then old.updated_at + interval '1 millisecond' else now() end);
  return new;
end;
$function$;
