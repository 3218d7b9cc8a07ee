import { type Migration } from './migration.js';

/** The NOLOGIN role production grants to the engine's login (docs/event-store.md: INSERT and SELECT only on events). */
export const EVENT_STORE_WRITER_ROLE = 'event_store_writer';

/**
 * The writer role: what appends and reads need, and no UPDATE, DELETE or TRUNCATE on `events`.
 *
 * Roles belong to the cluster, grants to a database. The migrating user creates the role when it
 * may (superuser or CREATEROLE; otherwise a NOTICE, and a DBA creates it, see README "Security"),
 * and every database's migration grants on its own objects. Databases of one cluster may migrate at
 * once: an advisory lock cannot order them (its key is scoped to the database), so a CREATE ROLE
 * that loses the race on pg_authid's unique name (duplicate_object, or unique_violation while the
 * winner commits) counts as created. The role name is a parameter only for tests of that race.
 */
export function eventStoreWriterRole(role: string = EVENT_STORE_WRITER_ROLE): Migration {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`Invalid role name ${role}`);
  return {
    version: 2,
    name: 'event-store-writer-role',
    sql: `
DO $do$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN
    IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
      RAISE NOTICE 'Role ${role} not created: % may not create roles. Create it (see README "Security"), then grant as migration 2 does.', current_user;
      RETURN;
    END IF;
    BEGIN
      CREATE ROLE ${role} NOLOGIN;
      COMMENT ON ROLE ${role} IS
        'Appends to and reads the event store: SELECT and INSERT on event_store.events, never UPDATE, DELETE or TRUNCATE. Grant it to the engine''s login.';
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created meanwhile by the migration of another database
    END;
  END IF;

  GRANT USAGE ON SCHEMA event_store TO ${role};
  GRANT SELECT, INSERT ON event_store.events TO ${role};
  -- nextval for the global_position identity; not setval (UPDATE), which could rewind positions.
  EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ${role}', pg_get_serial_sequence('event_store.events', 'global_position'));
  -- Appends lock and advance a stream's row (optimistic concurrency), and create it.
  GRANT SELECT, INSERT, UPDATE ON event_store.streams TO ${role};
  GRANT SELECT ON event_store.settings TO ${role};
  -- The engine checks at start-up that the schema is up to date.
  GRANT SELECT ON event_store.schema_migrations TO ${role};
  -- The append functions run with the caller's rights (not SECURITY DEFINER): the grants above bound them.
  GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA event_store TO ${role};
END
$do$;
`,
  };
}

export const eventStoreWriterRoleMigration: Migration = eventStoreWriterRole();
