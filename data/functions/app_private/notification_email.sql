-- app_private.notification_email: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- What send_notification_email sends; null when already sent, or the user has no email or opted out.
CREATE OR REPLACE FUNCTION app_private.notification_email(notification_id uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
  select jsonb_build_object('notification_id', n.notification_id, 'to', u.email, 'kind', n.kind, 'title', n.title,
                            'summary', n.summary, 'diff', n.diff, 'created_at', n.created_at, 'task_id', n.task_id,
                            'execution_id', n.execution_id, 'task_name', n.details ->> 'task_name', 'account_name', a.name)
    from app_public.notifications n
    join app_public.users u on u.id = n.user_id
    join app_public.accounts a on a.id = n.account_id
   where n.notification_id = notification_email.notification_id and n.emailed_at is null
     and u.email is not null and u.email_notifications;
$function$;
