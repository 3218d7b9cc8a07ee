// Holds transactions open, which holds back xmin for the whole cluster: runs alone (jest.serial.config.js).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  type EventToAppend,
  type Position,
  type RecordedEvent,
  type Subscription,
} from '../../src/application/ports/event-store.port.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { parsePosition } from '../../src/infrastructure/event-store/postgres/postgres.position.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const anEvent = (type = 'Something'): EventToAppend => ({ eventId: randomUUID(), type, data: { type } });
const idsOf = (events: { eventId: string }[]): string[] => events.map((event) => event.eventId);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const globalPositionOf = (position: Position): bigint => BigInt(parsePosition(position).globalPosition);

/** Collects what a subscription delivers, in the background. */
function collect(subscription: Subscription): {
  received: RecordedEvent[];
  until(count: number): Promise<void>;
} {
  const received: RecordedEvent[] = [];
  void (async () => {
    for await (const event of subscription) received.push(event);
  })();
  return {
    received,
    async until(count: number) {
      for (let waited = 0; received.length < count && waited < 10_000; waited += 25) await sleep(25);
      expect(received.length).toBeGreaterThanOrEqual(count);
    },
  };
}

describe('PostgreSQL event store: transaction visibility and restore epochs', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let raw: pg.Client;
  let subscription: Subscription | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('es_visibility');
    store = await PostgresEventStore.start(database.url, { pollIntervalMs: 100 });
    raw = new pg.Client({ connectionString: database.url });
    await raw.connect();
  });

  afterEach(async () => {
    await raw.query('ROLLBACK').catch(() => undefined);
    await subscription?.close();
    subscription = undefined;
  });

  afterAll(async () => {
    await raw?.end();
    await store?.close();
    await database?.drop();
  });

  /** Appends through the adapter's own SQL path on the raw client, inside whatever transaction it has open. */
  async function appendOnRawClient(streamId: string, events: EventToAppend[]): Promise<void> {
    await raw.query('SELECT * FROM event_store.append_events($1, $2, $3, $4)', [
      streamId,
      'no-stream',
      null,
      JSON.stringify(events),
    ]);
  }

  /** Reads until `count` events are visible: any transaction open in the cluster may delay them a moment. */
  async function readEventually(count: number, after?: Position): Promise<RecordedEvent[]> {
    let events = await readEverythingAfter(after);
    for (let waited = 0; events.length < count && waited < 10_000; waited += 25) {
      await sleep(25);
      events = await readEverythingAfter(after);
    }
    return events;
  }

  async function readEverythingAfter(after?: Position): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    let cursor = after;
    for (;;) {
      const page = await store.readAll({ after: cursor, maxCount: 2 });
      if (page.length === 0) return all;
      all.push(...page);
      cursor = page[page.length - 1].position;
    }
  }

  it.each([
    ['takes its global position first', true],
    ['takes its transaction id first but its global position last', false],
  ])(
    'a transaction that %s and commits last is delivered, and nothing after it is skipped',
    async (_label, insertFirst) => {
      const tag = randomUUID();
      const start = (await store.append(`visibility-start-${tag}`, [anEvent()], { expected: 'no-stream' }))
        .position;
      const earlier = anEvent('Earlier');
      await store.append(`visibility-earlier-${tag}`, [earlier], { expected: 'no-stream' });
      subscription = store.subscribe({ after: start });
      const live = collect(subscription);
      await live.until(1);

      const held = anEvent('Held');
      await raw.query('BEGIN');
      if (insertFirst) await appendOnRawClient(`visibility-held-${tag}`, [held]);
      else await raw.query('SELECT pg_current_xact_id()');

      const later: EventToAppend[] = [];
      const laterPositions: Position[] = [];
      for (let index = 0; index < 3; index++) {
        const event = anEvent('Later');
        later.push(event);
        laterPositions.push(
          (await store.append(`visibility-later-${tag}-${index}`, [event], { expected: 'no-stream' }))
            .position,
        );
      }
      if (!insertFirst) await appendOnRawClient(`visibility-held-${tag}`, [held]);
      const { rows } = await raw.query<{ global_position: string }>(
        'SELECT global_position FROM event_store.events WHERE event_id = $1',
        [held.eventId],
      );
      const heldPosition = BigInt(rows[0].global_position);
      for (const position of laterPositions) {
        if (insertFirst) expect(globalPositionOf(position)).toBeGreaterThan(heldPosition);
        else expect(globalPositionOf(position)).toBeLessThan(heldPosition);
      }

      // While it is open, nothing at or after it is visible: a checkpoint taken now cannot pass it.
      const visible = await readEverythingAfter(start);
      expect(idsOf(visible)).toEqual([earlier.eventId]);
      await sleep(400);
      expect(idsOf(live.received)).toEqual([earlier.eventId]);
      const checkpoint = JSON.parse(JSON.stringify(visible[visible.length - 1].position)) as Position;

      await raw.query('COMMIT');

      const expected = [held, ...later].map((event) => event.eventId);
      expect(idsOf(await readEventually(expected.length, checkpoint))).toEqual(expected);
      expect(idsOf(await readEventually(expected.length + 1, start))).toEqual([earlier.eventId, ...expected]);
      await live.until(1 + expected.length);
      await sleep(200);
      expect(idsOf(live.received)).toEqual([earlier.eventId, ...expected]);
    },
  );

  it('a restore-epoch bump keeps old and new events readable in order, and an old checkpoint resumes', async () => {
    const tag = randomUUID();
    const start = (await store.append(`epoch-start-${tag}`, [anEvent()], { expected: 'no-stream' })).position;
    const stream = `epoch-${tag}`;
    const old = [anEvent('Old'), anEvent('Old'), anEvent('Old')];
    const checkpoint = (await store.append(stream, old, { expected: 'no-stream' })).position;
    const oldEpoch = parsePosition(checkpoint).restoreEpoch;
    const oldTransactionId = BigInt(parsePosition(checkpoint).transactionId);

    // The restore runbook: the dump is restored (transaction ids restart lower), then the epoch is bumped.
    await raw.query('UPDATE event_store.settings SET restore_epoch = restore_epoch + 1');
    const restoredStream = `epoch-restored-${tag}`;
    const restored = anEvent('WrittenRightAfterRestore');
    const lowTransactionId = (oldTransactionId - 50n > 3n ? oldTransactionId - 50n : 3n).toString();
    await raw.query('INSERT INTO event_store.streams (stream_id, stream_revision) VALUES ($1, 0)', [
      restoredStream,
    ]);
    await raw.query(
      `INSERT INTO event_store.events
         (restore_epoch, transaction_id, stream_id, stream_revision, event_id, event_type, data)
       VALUES ((SELECT restore_epoch FROM event_store.settings), $1::xid8, $2, 0, $3, $4, '{}')`,
      [lowTransactionId, restoredStream, restored.eventId, restored.type],
    );
    const newer = anEvent('New');
    await store.append(stream, [newer], { expected: 2 });

    const afterCheckpoint = await readEventually(2, checkpoint);
    expect(idsOf(afterCheckpoint)).toEqual([restored.eventId, newer.eventId]);
    expect(afterCheckpoint.map((event) => parsePosition(event.position).restoreEpoch)).toEqual([
      oldEpoch + 1,
      oldEpoch + 1,
    ]);
    expect(BigInt(parsePosition(afterCheckpoint[0].position).transactionId)).toBeLessThan(oldTransactionId);

    const everything = await readEventually(5, start);
    expect(idsOf(everything)).toEqual(idsOf([...old, restored, newer]));
    const resumed = await readEverythingAfter(
      JSON.parse(JSON.stringify(everything[everything.length - 2].position)) as Position,
    );
    expect(idsOf(resumed)).toEqual([newer.eventId]);

    subscription = store.subscribe({ after: checkpoint });
    const live = collect(subscription);
    await live.until(2);
    const live3 = anEvent('NewAndLive');
    await store.append(stream, [live3], { expected: 3 });
    await live.until(3);
    expect(idsOf(live.received)).toEqual([restored.eventId, newer.eventId, live3.eventId]);
  });
});
