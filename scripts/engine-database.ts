import type { EventStore } from '../src/application/ports/event-store.port.js';
import type { AppConfig } from '../src/infrastructure/config/app-config.js';

/** The embedded cluster a tool was to read does not exist (nothing was ever stored under DATA_DIR). */
export class NoEngineDatabaseError extends Error {
  readonly code = 'no-engine-database';
}

export interface EngineDatabase {
  url: string;
  /** Stops the embedded server if this tool started it; a running engine's is left as it is. */
  close(): Promise<void>;
}

/**
 * The database a command-line tool works on is the engine's: DATABASE_URL when set, else the
 * embedded PostgreSQL under DATA_DIR — the running one, used as it is (a tool never stops or
 * restarts an engine's server), or, when none runs, one started for the tool's run and stopped
 * after it. `existing`: refuse to create a cluster where there is none (a read-only tool).
 */
export async function openEngineDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  { existing, warn }: { existing: boolean; warn(line: string): void },
): Promise<EngineDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, close: async () => undefined };
  const { findEmbeddedPostgres, useEmbeddedPostgres } =
    await import('../src/infrastructure/persistence/embedded-postgres.js');
  const found = await findEmbeddedPostgres(config.dataDir);
  if (found.state === 'absent' && existing) {
    throw new NoEngineDatabaseError(
      `No DATABASE_URL, and no embedded database under ${config.dataDir}/postgres: set DATABASE_URL to the ` +
        'engine database, or DATA_DIR to the folder the engine keeps its embedded database in.',
    );
  }
  if (found.state !== 'running') {
    warn(`Starting the embedded database under ${config.dataDir}/postgres for this run`);
  }
  const database = await useEmbeddedPostgres(config.dataDir, { log: () => undefined, warn });
  return { url: database.url, close: database.stop };
}

/**
 * The configured event store, for a tool that only reads it: constructed, not started (it never
 * migrates). `databaseUrl`: the engine database, which the PostgreSQL store lives in. Each adapter
 * is loaded only when it is the one configured (the KurrentDB client loads a native bridge).
 */
export async function readOnlyEventStore(
  config: Pick<AppConfig, 'eventStore' | 'kurrentDbUrl'>,
  databaseUrl: () => Promise<string>,
): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    const { KurrentDbEventStore } =
      await import('../src/infrastructure/event-store/kurrentdb/kurrentdb.event-store.js');
    return new KurrentDbEventStore(config.kurrentDbUrl!);
  }
  const { PostgresEventStore } =
    await import('../src/infrastructure/event-store/postgres/postgres.event-store.js');
  return new PostgresEventStore(await databaseUrl(), { maxConnections: 2 });
}
