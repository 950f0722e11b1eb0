--! Previous: sha1:3563aa09752d4833ac8204a1ed8e541cf1034a48
--! Hash: sha1:99253f4b6b637c9d69572c149892d59ea6d5b9de
--! Message: One home for provider limits

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
