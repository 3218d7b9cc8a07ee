#!/bin/sh
# Runs once, when the postgres volume is first initialised (/docker-entrypoint-initdb.d), as the
# owner ($POSTGRES_USER, a superuser). README "Security" explains the split:
#   - $POSTGRES_USER owns the database and the event_store schema, and migrates the event store;
#   - engine_app is the engine's login: it owns the read models it creates (projection schemas,
#     TypeORM tables in public) and, through event_store_writer, may only SELECT and INSERT events.
# An existing volume keeps its roles: run this by hand there (docker compose exec postgres sh
# /docker-entrypoint-initdb.d/10-engine-roles.sh), or start from a fresh volume.
set -eu

: "${ENGINE_APP_PASSWORD:?set ENGINE_APP_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$ENGINE_APP_PASSWORD" -v db="$POSTGRES_DB" -v owner="$POSTGRES_USER" <<'SQL'
-- The event-store migration creates this role too (idempotently); created here so the login can join it.
SELECT 'CREATE ROLE event_store_writer NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'event_store_writer') \gexec

SELECT format('CREATE ROLE engine_app LOGIN PASSWORD %L IN ROLE event_store_writer', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'engine_app') \gexec
-- An idle open transaction holds back every event-store reader (event-store.md).
ALTER ROLE engine_app SET idle_in_transaction_session_timeout = '60s';

-- Read models: engine_app creates (and so owns) its projection schemas and the tables in public.
GRANT CONNECT, CREATE ON DATABASE :"db" TO engine_app;
GRANT USAGE, CREATE ON SCHEMA public TO engine_app;

-- The event store belongs to the owner: created here, so that engine_app can never create (and own)
-- it. With EVENT_STORE=postgres the owner migrates it (npm run migrate:event-store) before the engine
-- starts; the migration grants event_store_writer what appends need.
CREATE SCHEMA IF NOT EXISTS event_store AUTHORIZATION :"owner";
SQL
