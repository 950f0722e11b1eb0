-- app_public.scheduled_tasks_original_message_count: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- How many messages of the source thread were exported.
CREATE OR REPLACE FUNCTION app_public.scheduled_tasks_original_message_count(t app_public.scheduled_tasks)
 RETURNS integer
 LANGUAGE sql
 STABLE
AS $function$
  select jsonb_array_length(t.original_messages);
$function$;
