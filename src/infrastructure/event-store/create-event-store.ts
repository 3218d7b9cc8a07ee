import type { EventStore } from '../../application/ports/event-store.port.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb.event-store.js';
import { PostgresEventStore } from './postgres/postgres.event-store.js';

/** The adapter EVENT_STORE names; the PostgreSQL one migrates its schema before it serves. */
export async function createEventStore(config: RuntimeConfig): Promise<EventStore> {
  switch (config.eventStore) {
    case 'postgres':
      return PostgresEventStore.start(config.databaseUrl);
    case 'kurrentdb': {
      if (!config.kurrentDbUrl) throw new Error('KURRENTDB_URL is required when EVENT_STORE=kurrentdb');
      const store = new KurrentDbEventStore(config.kurrentDbUrl);
      await store.ping(); // fail start-up with "event store unreachable" rather than on the first request
      return store;
    }
  }
}
