-- app_private.tg_scheduled_tasks__review_gate: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Screens every prompt write (app_private.screen_prompt), pauses an active task that gets flagged (paused_reason) and refuses to activate a flagged one (ST007).
CREATE OR REPLACE FUNCTION app_private.tg_scheduled_tasks__review_gate()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_reasons text[];
  v_was_flagged boolean := tg_op = 'UPDATE' and old.needs_review;
begin
  if tg_op = 'INSERT' or new.generated_prompt is distinct from old.generated_prompt then
    v_reasons := app_private.screen_prompt(new.generated_prompt);
    if cardinality(v_reasons) > 0 then
      new.needs_review := true;
      new.review_reasons := coalesce(new.review_reasons, '{}')
        || array(select r from unnest(v_reasons) r where not (r = any (coalesce(new.review_reasons, '{}'))));
    end if;
  end if;
  if new.needs_review and not v_was_flagged and tg_op = 'UPDATE' and new.status = 'active' then
    new.status := 'paused';
    new.next_execution_at := null;
    new.paused_reason := left('prompt flagged for review: ' || array_to_string(new.review_reasons, '; '), 2000);
    new.metadata := new.metadata || jsonb_build_object('paused_for_review', true);
  elsif new.needs_review and new.status = 'active' and (tg_op = 'INSERT' or old.status <> 'active') then
    perform app_hidden.raise_error('ST007',
      format('task %s is awaiting review: %s', new.task_id, array_to_string(new.review_reasons, '; ')),
      'read the prompt, then confirm it with confirmTaskPrompt');
  end if;
  if tg_op = 'UPDATE' and old.status = 'paused' and new.status <> 'paused' then
    new.paused_reason := null;
    new.metadata := new.metadata - 'paused_for_review';
  end if;
  return new;
end;
$function$;
