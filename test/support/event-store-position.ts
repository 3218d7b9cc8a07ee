import pg from 'pg';

/** Size of the event store: every event ever appended shows here (events are never deleted). */
export interface StorePosition {
  count: number;
  maxGlobalPosition: string;
}

/**
 * Reads `event_store.events` of a test database directly, beside the application: "nothing was
 * written" is checked against the table, not against what the API says.
 */
export class EventStorePosition {
  private constructor(private readonly client: pg.Client) {}

  static async connect(databaseUrl: string): Promise<EventStorePosition> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new EventStorePosition(client);
  }

  async read(): Promise<StorePosition> {
    const result = await this.client.query<{ count: number; max: string }>(
      'SELECT count(*)::int AS count, coalesce(max(global_position), 0)::text AS max FROM event_store.events',
    );
    const row = result.rows[0]!;
    return { count: row.count, maxGlobalPosition: row.max };
  }

  /** Reads until two reads a little apart agree (work a command started may still be appending). */
  async settled(pauseMs = 25, attempts = 40): Promise<StorePosition> {
    let previous = await this.read();
    for (let attempt = 0; attempt < attempts; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      const current = await this.read();
      if (current.count === previous.count && current.maxGlobalPosition === previous.maxGlobalPosition)
        return current;
      previous = current;
    }
    return previous;
  }

  async query<Row extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.client.query<Row>(sql, values)).rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
