--! Previous: sha1:e1175c1c3465ec4868c3e029ffe922c0b7a5c3e9
--! Hash: sha1:d61e44dc9b0ce992b69f3fd7d4e2a3776a52b23a
--! Message: One home for fleet-wide settings

-- The model provider's shared limits live in one place: app_private.model_providers. Before, every
-- worker start overwrote them from its own environment ("the last worker to start wins"), so two
-- workers with different MODEL_* settings flipped the fleet's limits at each deploy. Now MODEL_*
-- seeds the row only when the provider has none; afterwards the database wins, and a worker whose
-- environment disagrees says so (and how to change the shared value) instead of overwriting it.
create function app_private.seed_provider_limits(provider text, max_concurrent integer, requests_per_minute integer, tokens_per_minute integer)
  returns app_private.model_providers
  language plpgsql security definer set search_path to pg_catalog, public, pg_temp as $$
#variable_conflict use_column
declare
  v_row app_private.model_providers;
begin
  insert into app_private.model_providers as p (provider, max_concurrent, requests_per_minute, tokens_per_minute)
  values (seed_provider_limits.provider, seed_provider_limits.max_concurrent, seed_provider_limits.requests_per_minute, seed_provider_limits.tokens_per_minute)
  on conflict (provider) do nothing;
  select * into v_row from app_private.model_providers p where p.provider = seed_provider_limits.provider;
  return v_row;
end;
$$;
comment on function app_private.seed_provider_limits(text, integer, integer, integer) is
  'A worker''s MODEL_* settings for its provider, written only when the provider has no limits yet; returns the limits in force (the database wins). Change them for the whole fleet with configure_provider.';

-- The same for the notification settings (one row for the whole service): NOTIFY_* seed them once; afterwards
-- app_private.configure_notifications (psql) changes them for everyone. Email turns on as soon as a worker that can
-- send it (SMTP_URL) starts; turning it off is an operator's decision (configure_notifications).
alter table app_private.notification_settings add column seeded_at timestamptz;
comment on table app_private.notification_settings is
  'Notification settings of the whole service (one row): the circuit breaker''s default K, the overdue bound, the per-account hourly limit and whether email is on. '
  'Seeded once from the first worker''s NOTIFY_* (seed_notification_settings); changed with configure_notifications.';

create function app_private.seed_notification_settings(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean)
  returns app_private.notification_settings
  language plpgsql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
declare
  v_row app_private.notification_settings;
begin
  update app_private.notification_settings s
     set failure_threshold = seed_notification_settings.failure_threshold,
         overdue_after = make_interval(secs => seed_notification_settings.overdue_seconds),
         max_per_hour = seed_notification_settings.max_per_hour,
         seeded_at = now()
   where s.seeded_at is null;
  update app_private.notification_settings s set email_enabled = true
   where seed_notification_settings.email_enabled and not s.email_enabled;
  select * into v_row from app_private.notification_settings;
  return v_row;
end;
$$;
comment on function app_private.seed_notification_settings(integer, integer, integer, boolean) is
  'A starting worker''s NOTIFY_* settings, written only the first time (the database wins afterwards); a worker with SMTP_URL turns email on. Returns the settings in force.';

create or replace function app_private.configure_notifications(failure_threshold integer, overdue_seconds integer, max_per_hour integer, email_enabled boolean)
  returns void language sql volatile security definer set search_path to pg_catalog, public, pg_temp as $$
  update app_private.notification_settings s
     set failure_threshold = configure_notifications.failure_threshold,
         overdue_after = make_interval(secs => configure_notifications.overdue_seconds),
         max_per_hour = configure_notifications.max_per_hour,
         email_enabled = configure_notifications.email_enabled,
         seeded_at = coalesce(s.seeded_at, now());
$$;
comment on function app_private.configure_notifications(integer, integer, integer, boolean) is
  'Sets the notification settings for the whole service (psql, as the owner); workers starting later do not overwrite them.';
