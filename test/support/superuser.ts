import pg from 'pg';
import { eventHash, GENESIS_HASH } from '../../src/application/integrity/hash-chain.js';
import type { EventMetadata, JsonObject } from '../../src/application/ports/event-store.port.js';

/** The event store's table; its append-only trigger is `events_append_only`. */
export const EVENT_TABLE = 'event_store.events';
/** The verifiable log's tables, each with a trigger `<table>_append_only`. */
export const LOG_TABLES = ['integrity.leaves', 'integrity.nodes', 'integrity.checkpoints'] as const;

/** An event as its row is found: by stream and revision, or by id. */
export type StoredEvent = { streamId: string; revision: number } | { eventId: string };

const appendOnlyTrigger = (table: string): string => `${table.split('.').at(-1)}_append_only`;

/**
 * What a database superuser can do and the engine's own role cannot: switch the append-only
 * triggers of `tables` off, make `change` in one transaction, and switch them on again as the
 * migrations leave them (ENABLE ALWAYS). Rolled back whole if `change` throws.
 */
export async function asSuperuser<T>(
  databaseUrl: string,
  tables: readonly string[],
  change: (sql: pg.Client) => Promise<T>,
): Promise<T> {
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    await sql.query('BEGIN');
    for (const table of tables) {
      await sql.query(`ALTER TABLE ${table} DISABLE TRIGGER ${appendOnlyTrigger(table)}`);
    }
    const result = await change(sql);
    for (const table of tables) {
      await sql.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${appendOnlyTrigger(table)}`);
    }
    await sql.query('COMMIT');
    return result;
  } catch (error) {
    await sql.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await sql.end();
  }
}

/**
 * Sets one text field of a stored event's data in place (inside `asSuperuser`): a top-level field,
 * or a path into the data such as `['signature', 'meaning']`; the rows changed.
 */
export async function setEventField(
  sql: pg.Client,
  event: StoredEvent,
  field: string | readonly string[],
  value: string,
): Promise<number> {
  const path = typeof field === 'string' ? [field] : field;
  const set = `UPDATE ${EVENT_TABLE} SET data = jsonb_set(data, $1::text[], to_jsonb($2::text))`;
  const { rowCount } =
    'eventId' in event
      ? await sql.query(`${set} WHERE event_id = $3`, [path, value, event.eventId])
      : await sql.query(`${set} WHERE stream_id = $3 AND stream_revision = $4`, [
          path,
          value,
          event.streamId,
          event.revision,
        ]);
  return rowCount ?? 0;
}

/**
 * Recomputes a stream's hash chain from `revision` on (inside `asSuperuser`), so that the chain
 * verifies again over data altered there: what the hash chain alone cannot catch.
 */
export async function rechainStream(sql: pg.Client, streamId: string, revision: number): Promise<void> {
  const { rows } = await sql.query<{
    stream_revision: string;
    event_type: string;
    data: JsonObject;
    metadata: EventMetadata;
  }>(
    `SELECT stream_revision, event_type, data, metadata FROM ${EVENT_TABLE} WHERE stream_id = $1 ORDER BY stream_revision`,
    [streamId],
  );
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const hash = eventHash(prevHash, row.event_type, row.data, { ...row.metadata, prevHash });
    if (Number(row.stream_revision) >= revision) {
      await sql.query(
        `UPDATE ${EVENT_TABLE} SET metadata = metadata || jsonb_build_object('prevHash', $3::text, 'hash', $4::text)
         WHERE stream_id = $1 AND stream_revision = $2`,
        [streamId, row.stream_revision, prevHash, hash],
      );
    }
    prevHash = hash;
  }
}

/**
 * The rewrite of the script: one event's `field` set to `value` and its stream re-chained
 * from there, so that the hash chain verifies over the forgery.
 */
export async function rewriteEvent(
  databaseUrl: string,
  event: { streamId: string; revision: number },
  field: string,
  value: string,
): Promise<void> {
  await asSuperuser(databaseUrl, [EVENT_TABLE], async (sql) => {
    await setEventField(sql, event, field, value);
    await rechainStream(sql, event.streamId, event.revision);
  });
}
