-- Runs as the superuser right after `graphile-migrate reset` creates the database.
-- The owner owns the database's public schema objects; nobody else may create there.
begin;
grant connect on database :DATABASE_NAME to :DATABASE_OWNER;
grant connect on database :DATABASE_NAME to :DATABASE_AUTHENTICATOR;
grant all on database :DATABASE_NAME to :DATABASE_OWNER;
alter schema public owner to :DATABASE_OWNER;
revoke all on schema public from public;
grant usage on schema public to public;
commit;
