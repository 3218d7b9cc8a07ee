/** One versioned, forward-only schema change of the event store, applied once in its own transaction. */
export interface Migration {
  /** Strictly increasing; never renumber or edit a migration once released (its checksum is recorded). */
  version: number;
  name: string;
  sql: string;
}
