-- app_private.tg_scheduled_tasks__user_prompt_edit: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__user_prompt_edit()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
begin
  -- only edits made through the API (the visitor role) count as the user's own
  if new.generated_prompt is distinct from old.generated_prompt and current_user = 'sat_visitor' then
    new.generated_prompt := btrim(regexp_replace(new.generated_prompt,
      '[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\U000E0000-\U000E007F]', '', 'g'));
    if length(new.generated_prompt) not between 1 and 20000 then
      perform app_hidden.raise_error('ST003', 'generated_prompt must be 1 to 20000 characters');
    end if;
    new.prompt_source := 'user';
    new.prompt_status := 'ready';
    new.prompt_error := null;
    new.prompt_generated_at := now();
  end if;
  return new;
end;
$function$;
