import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  InvalidEventStoreRequestError,
  WrongExpectedVersionError,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type Position,
  type RecordedEvent,
  type Subscription,
} from '../../src/application/ports/event-store.port.js';

/**
 * The behaviour every EventStore adapter must show (shared spec `event-store.md`). It uses the port
 * only, and every test works on streams, event ids and event types of its own (random suffixes), so
 * it also runs against a server shared with other tests: read-all assertions keep to the test's streams.
 */
export function describeEventStoreContract(
  name: string,
  makeStore: () => Promise<{ store: EventStore; teardown: () => Promise<void> }>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let teardown: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, teardown } = await makeStore());
    });

    afterAll(async () => {
      await teardown?.();
    });

    const uniqueStream = (label = 'stream'): string => `contract-${label}-${randomUUID()}`;

    const anEvent = (
      type = 'Something',
      data: JsonObject = {},
      extra: Partial<EventToAppend> = {},
    ): EventToAppend => ({
      eventId: randomUUID(),
      type,
      data,
      ...extra,
    });

    const events = (count: number, type = 'Something'): EventToAppend[] =>
      Array.from({ length: count }, (_, index) => anEvent(type, { index }));

    async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
      try {
        await promise;
      } catch (error) {
        return error;
      }
      throw new Error('expected the call to fail, but it succeeded');
    }

    async function expectWrongExpectedVersion(
      promise: Promise<unknown>,
      expected: ExpectedRevision,
      actual: number | 'no-stream',
    ): Promise<void> {
      const error = await rejectionOf(promise);
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ code: 'wrong-expected-version', expected, actual });
    }

    const idsOf = (recorded: RecordedEvent[]): string[] => recorded.map((event) => event.eventId);
    const revisionsOf = (recorded: RecordedEvent[]): number[] => recorded.map((event) => event.revision);

    /** A position just before this test's events: later events follow it in read-all order. */
    async function mark(): Promise<Position> {
      const result = await store.append(uniqueStream('marker'), [anEvent('Marker')], {
        expected: 'no-stream',
      });
      return result.position;
    }

    /**
     * Pages through read-all after `after`, keeping the events of `streams`, until `count` of them are seen.
     * An adapter may show a committed event a moment later (PostgreSQL waits for older transactions
     * anywhere in the cluster), so an empty page before `count` means: wait and read on, up to a deadline.
     */
    async function readAllOf(
      streams: string[],
      after: Position,
      count: number,
      pageSize = 100,
    ): Promise<RecordedEvent[]> {
      const wanted = new Set(streams);
      const seen: RecordedEvent[] = [];
      const deadline = Date.now() + 10_000;
      let cursor = after;
      while (seen.length < count && Date.now() < deadline) {
        const page = await store.readAll({ after: cursor, maxCount: pageSize });
        if (page.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          continue;
        }
        seen.push(...page.filter((event) => wanted.has(event.streamId)));
        cursor = page[page.length - 1].position;
      }
      return seen;
    }

    /** Every event of `streams` that read-all shows after `after` now, up to the end. */
    async function readAllToEnd(streams: string[], after: Position): Promise<RecordedEvent[]> {
      const wanted = new Set(streams);
      const seen: RecordedEvent[] = [];
      let cursor = after;
      for (;;) {
        const page = await store.readAll({ after: cursor, maxCount: 1000 });
        if (page.length === 0) return seen;
        seen.push(...page.filter((event) => wanted.has(event.streamId)));
        cursor = page[page.length - 1].position;
      }
    }

    /** Takes events from a subscription until `count` have arrived, failing after `timeoutMs`. */
    async function take(
      subscription: Subscription,
      count: number,
      timeoutMs = 10_000,
    ): Promise<RecordedEvent[]> {
      const received: RecordedEvent[] = [];
      if (count === 0) return received;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`subscription delivered ${received.length} of ${count} events in ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
      });
      const collect = (async () => {
        for await (const event of subscription) {
          received.push(event);
          if (received.length >= count) break;
        }
        return received;
      })();
      try {
        return await Promise.race([collect, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }

    describe('append with an expected state', () => {
      it('no-stream creates the stream; revisions are 0-based', async () => {
        const stream = uniqueStream();
        await expect(store.append(stream, events(1), { expected: 'no-stream' })).resolves.toMatchObject({
          nextExpectedRevision: 0,
        });
        const other = uniqueStream();
        await expect(store.append(other, events(3), { expected: 'no-stream' })).resolves.toMatchObject({
          nextExpectedRevision: 2,
        });
        expect(revisionsOf((await store.readStream(other)).events)).toEqual([0, 1, 2]);
      });

      it('no-stream fails on an existing stream, with its actual revision', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(2), { expected: 'no-stream' });
        await expectWrongExpectedVersion(
          store.append(stream, events(1), { expected: 'no-stream' }),
          'no-stream',
          1,
        );
      });

      it('stream-exists appends to an existing stream', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(1), { expected: 'no-stream' });
        await expect(store.append(stream, events(2), { expected: 'stream-exists' })).resolves.toMatchObject({
          nextExpectedRevision: 2,
        });
      });

      it('stream-exists fails on a missing stream, with actual no-stream', async () => {
        const stream = uniqueStream();
        await expectWrongExpectedVersion(
          store.append(stream, events(1), { expected: 'stream-exists' }),
          'stream-exists',
          'no-stream',
        );
        expect(await store.readStream(stream)).toEqual({ exists: false, events: [] });
      });

      it('any appends whether the stream exists or not', async () => {
        const stream = uniqueStream();
        await expect(store.append(stream, events(1), { expected: 'any' })).resolves.toMatchObject({
          nextExpectedRevision: 0,
        });
        await expect(store.append(stream, events(2), { expected: 'any' })).resolves.toMatchObject({
          nextExpectedRevision: 2,
        });
      });

      it('an exact revision appends when it is the revision of the last event', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(1), { expected: 'no-stream' });
        await expect(store.append(stream, events(2), { expected: 0 })).resolves.toMatchObject({
          nextExpectedRevision: 2,
        });
        await expect(store.append(stream, events(1), { expected: 2 })).resolves.toMatchObject({
          nextExpectedRevision: 3,
        });
        expect(revisionsOf((await store.readStream(stream)).events)).toEqual([0, 1, 2, 3]);
      });

      it('an exact revision that is behind or ahead fails with the actual revision', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(3), { expected: 'no-stream' });
        await expectWrongExpectedVersion(store.append(stream, events(1), { expected: 1 }), 1, 2);
        await expectWrongExpectedVersion(store.append(stream, events(1), { expected: 5 }), 5, 2);
        expect((await store.readStream(stream)).events).toHaveLength(3);
      });

      it('an exact revision fails on a missing stream, with actual no-stream', async () => {
        const stream = uniqueStream();
        await expectWrongExpectedVersion(store.append(stream, events(1), { expected: 0 }), 0, 'no-stream');
        expect((await store.readStream(stream)).exists).toBe(false);
      });
    });

    describe('batches', () => {
      it('a batch rejected for its expectation writes none of its events', async () => {
        const stream = uniqueStream();
        const after = await mark();
        await store.append(stream, events(2), { expected: 'no-stream' });
        const rejected = events(5);
        await expectWrongExpectedVersion(store.append(stream, rejected, { expected: 0 }), 0, 1);
        expect(idsOf((await store.readStream(stream)).events)).not.toEqual(
          expect.arrayContaining([rejected[0].eventId]),
        );
        await readAllOf([stream], after, 2);
        const all = await readAllToEnd([stream], after);
        expect(all).toHaveLength(2);
        expect(idsOf(all).filter((id) => rejected.some((event) => event.eventId === id))).toEqual([]);
      });

      it('concurrent batches are never interleaved: each lands whole or not at all', async () => {
        const stream = uniqueStream();
        const batches = Array.from({ length: 6 }, () => events(4));
        const results = await Promise.allSettled(
          batches.map((batch) => store.append(stream, batch, { expected: 'no-stream' })),
        );
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const winner = batches[results.findIndex((result) => result.status === 'fulfilled')];
        expect(idsOf((await store.readStream(stream)).events)).toEqual(winner.map((event) => event.eventId));

        const shared = uniqueStream();
        const anyBatches = Array.from({ length: 6 }, () => events(4));
        await Promise.all(anyBatches.map((batch) => store.append(shared, batch, { expected: 'any' })));
        const stored = idsOf((await store.readStream(shared)).events);
        expect(stored).toHaveLength(24);
        for (let start = 0; start < stored.length; start += 4) {
          const batch = anyBatches.find((candidate) => candidate[0].eventId === stored[start]);
          expect(batch?.map((event) => event.eventId)).toEqual(stored.slice(start, start + 4));
        }
      });
    });

    describe('idempotent retry by event ids', () => {
      it('the same events with the same exact revision return the earlier result and write nothing', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(1), { expected: 'no-stream' });
        const batch = events(3);
        const first = await store.append(stream, batch, { expected: 0 });
        const retry = await store.append(stream, batch, { expected: 0 });
        expect(retry).toEqual(first);
        expect(first.nextExpectedRevision).toBe(3);
        expect((await store.readStream(stream)).events).toHaveLength(4);
      });

      it('a retry is recognised after later events were appended', async () => {
        const stream = uniqueStream();
        const batch = events(2);
        const first = await store.append(stream, batch, { expected: 'no-stream' });
        await store.append(stream, events(2), { expected: 1 });
        expect(await store.append(stream, batch, { expected: 'no-stream' })).toEqual(first);
        expect((await store.readStream(stream)).events).toHaveLength(4);
      });

      it('the same events with any return the earlier result and write nothing', async () => {
        const stream = uniqueStream();
        const batch = events(2);
        const first = await store.append(stream, batch, { expected: 'any' });
        expect(await store.append(stream, batch, { expected: 'any' })).toEqual(first);
        expect((await store.readStream(stream)).events).toHaveLength(2);
      });

      it('a batch that repeats only some of the earlier events is not a retry', async () => {
        const stream = uniqueStream();
        const batch = events(2);
        await store.append(stream, batch, { expected: 'no-stream' });
        await expectWrongExpectedVersion(
          store.append(stream, [...batch, anEvent()], { expected: 'no-stream' }),
          'no-stream',
          1,
        );
        expect((await store.readStream(stream)).events).toHaveLength(2);
      });
    });

    describe('readStream', () => {
      it('a missing stream is an empty result with exists: false', async () => {
        expect(await store.readStream(uniqueStream('missing'))).toEqual({ exists: false, events: [] });
        expect(await store.readStream(uniqueStream('missing'), { direction: 'backwards' })).toEqual({
          exists: false,
          events: [],
        });
      });

      it('reads forwards from the start, with every recorded field', async () => {
        const stream = uniqueStream();
        const batch = [anEvent('First', { n: 1 }), anEvent('Second', { n: 2 })];
        const before = Date.now();
        await store.append(stream, batch, { expected: 'no-stream' });
        const result = await store.readStream(stream);
        expect(result.exists).toBe(true);
        expect(result.events).toMatchObject([
          {
            eventId: batch[0].eventId,
            type: 'First',
            streamId: stream,
            revision: 0,
            data: { n: 1 },
            schemaVersion: 1,
          },
          {
            eventId: batch[1].eventId,
            type: 'Second',
            streamId: stream,
            revision: 1,
            data: { n: 2 },
            schemaVersion: 1,
          },
        ]);
        for (const event of result.events) {
          expect(event.metadata).toEqual({});
          expect(event.recordedAt).toBeInstanceOf(Date);
          expect(Math.abs(event.recordedAt.getTime() - before)).toBeLessThan(60_000);
          expect(typeof event.position).toBe('string');
        }
      });

      it('reads forwards from a revision, up to maxCount', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(10), { expected: 'no-stream' });
        expect(revisionsOf((await store.readStream(stream, { fromRevision: 4 })).events)).toEqual([
          4, 5, 6, 7, 8, 9,
        ]);
        expect(
          revisionsOf((await store.readStream(stream, { fromRevision: 4, maxCount: 3 })).events),
        ).toEqual([4, 5, 6]);
        expect(revisionsOf((await store.readStream(stream, { maxCount: 2 })).events)).toEqual([0, 1]);
      });

      it('reads backwards from the end or from a revision, up to maxCount', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(10), { expected: 'no-stream' });
        expect(revisionsOf((await store.readStream(stream, { direction: 'backwards' })).events)).toEqual([
          9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
        ]);
        expect(
          revisionsOf((await store.readStream(stream, { direction: 'backwards', maxCount: 3 })).events),
        ).toEqual([9, 8, 7]);
        expect(
          revisionsOf(
            (await store.readStream(stream, { direction: 'backwards', fromRevision: 5, maxCount: 4 })).events,
          ),
        ).toEqual([5, 4, 3, 2]);
        expect(
          revisionsOf((await store.readStream(stream, { direction: 'backwards', fromRevision: 1 })).events),
        ).toEqual([1, 0]);
      });

      it('reading past the end of an existing stream is empty but exists', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(2), { expected: 'no-stream' });
        expect(await store.readStream(stream, { fromRevision: 5 })).toEqual({ exists: true, events: [] });
      });
    });

    describe('readAll', () => {
      it('returns every event once, in one total order that follows the order of appends', async () => {
        const after = await mark();
        const streams = [uniqueStream('a'), uniqueStream('b'), uniqueStream('c')];
        const appended: string[] = [];
        for (let round = 0; round < 3; round++) {
          for (const [index, stream] of streams.entries()) {
            const batch = events(index + 1);
            await store.append(stream, batch, { expected: round === 0 ? 'no-stream' : 'stream-exists' });
            appended.push(...batch.map((event) => event.eventId));
          }
        }
        const all = await readAllOf(streams, after, appended.length, 4);
        expect(idsOf(all)).toEqual(appended);
        expect(new Set(all.map((event) => event.position)).size).toBe(all.length);
        const again = await readAllOf(streams, after, appended.length, 1000);
        expect(again.map((event) => event.position)).toEqual(all.map((event) => event.position));
      });

      it('is exclusive of the position it resumes after, also when the position went through JSON', async () => {
        const after = await mark();
        const stream = uniqueStream();
        const batch = events(6);
        await store.append(stream, batch, { expected: 'no-stream' });
        const firstHalf = (await readAllOf([stream], after, 3, 3)).slice(0, 3);
        const checkpoint = JSON.parse(JSON.stringify({ position: firstHalf[2].position })) as {
          position: Position;
        };
        const rest = await readAllOf([stream], checkpoint.position, 3);
        expect(idsOf(rest)).toEqual(batch.slice(3).map((event) => event.eventId));
        expect(idsOf([...firstHalf, ...rest])).toEqual(batch.map((event) => event.eventId));
      });

      it('pages one event at a time without gaps or repeats', async () => {
        const after = await mark();
        const stream = uniqueStream();
        const batch = events(5);
        await store.append(stream, batch, { expected: 'no-stream' });
        const all = await readAllOf([stream], after, 5, 1);
        expect(idsOf(all)).toEqual(batch.map((event) => event.eventId));
      });

      it('the position of an append is the position of its last event', async () => {
        const stream = uniqueStream();
        const after = await mark();
        const result = await store.append(stream, events(3), { expected: 'no-stream' });
        const all = await readAllOf([stream], after, 3);
        expect(all[2].position).toBe(result.position);
        expect(await readAllToEnd([stream], result.position)).toEqual([]);
      });
    });

    describe('subscribe', () => {
      it('catches up from a position, then delivers events appended after subscribing', async () => {
        const after = await mark();
        const prefix = `contract-live-${randomUUID()}-`;
        const stream = `${prefix}1`;
        const early = events(3);
        await store.append(stream, early, { expected: 'no-stream' });
        const subscription = store.subscribe({ after, filter: { streamPrefixes: [prefix] } });
        try {
          const received = take(subscription, 5);
          await new Promise((resolve) => setTimeout(resolve, 100));
          const late = events(2);
          await store.append(stream, late, { expected: 2 });
          expect(idsOf(await received)).toEqual([...early, ...late].map((event) => event.eventId));
        } finally {
          await subscription.close();
        }
      });

      it('delivers live events to a subscription that has caught up and is waiting', async () => {
        const prefix = `contract-wait-${randomUUID()}-`;
        const subscription = store.subscribe({ after: await mark(), filter: { streamPrefixes: [prefix] } });
        try {
          const received = take(subscription, 3);
          for (let index = 0; index < 3; index++) {
            await new Promise((resolve) => setTimeout(resolve, 150));
            await store.append(`${prefix}${index}`, events(1), { expected: 'no-stream' });
          }
          expect((await received).map((event) => event.streamId)).toEqual(
            [0, 1, 2].map((index) => `${prefix}${index}`),
          );
        } finally {
          await subscription.close();
        }
      });

      it('filters by stream prefix and by event type', async () => {
        const after = await mark();
        const tag = randomUUID();
        const prefix = `contract-filter-${tag}-`;
        const wantedType = `Wanted-${tag}`;
        const otherType = `Other-${tag}`;
        await store.append(`${prefix}a`, [anEvent(wantedType), anEvent(otherType)], {
          expected: 'no-stream',
        });
        await store.append(`contract-elsewhere-${tag}`, [anEvent(wantedType)], { expected: 'no-stream' });
        await store.append(`${prefix}b`, [anEvent(otherType), anEvent(wantedType)], {
          expected: 'no-stream',
        });

        const byPrefix = store.subscribe({ after, filter: { streamPrefixes: [prefix] } });
        const byType = store.subscribe({ after, filter: { eventTypes: [wantedType] } });
        const byBoth = store.subscribe({
          after,
          filter: { streamPrefixes: [prefix], eventTypes: [wantedType] },
        });
        try {
          expect((await take(byPrefix, 4)).map((event) => `${event.streamId}:${event.type}`)).toEqual([
            `${prefix}a:${wantedType}`,
            `${prefix}a:${otherType}`,
            `${prefix}b:${otherType}`,
            `${prefix}b:${wantedType}`,
          ]);
          expect((await take(byType, 3)).map((event) => event.streamId)).toEqual([
            `${prefix}a`,
            `contract-elsewhere-${tag}`,
            `${prefix}b`,
          ]);
          // Both filters apply together.
          const marker = anEvent(wantedType);
          await store.append(`${prefix}c`, [marker], { expected: 'no-stream' });
          expect((await take(byBoth, 3)).map((event) => event.streamId)).toEqual([
            `${prefix}a`,
            `${prefix}b`,
            `${prefix}c`,
          ]);
        } finally {
          await Promise.all([byPrefix.close(), byType.close(), byBoth.close()]);
        }
      });

      it('close() ends the iteration', async () => {
        const subscription = store.subscribe({
          after: await mark(),
          filter: { streamPrefixes: [uniqueStream()] },
        });
        const iteration = (async () => {
          let count = 0;
          for await (const _ of subscription) count++;
          return count;
        })();
        await new Promise((resolve) => setTimeout(resolve, 100));
        await subscription.close();
        await expect(iteration).resolves.toBe(0);
      });
    });

    describe('what is stored round-trips', () => {
      it('metadata, with $correlationId, $causationId and nested values, comes back unchanged', async () => {
        const stream = uniqueStream();
        const metadata = {
          $correlationId: randomUUID(),
          $causationId: randomUUID(),
          actor: { id: 'rad-a', roles: ['reader', 'integrator'], isIntegrator: false },
          tags: [1, 2.5, 'three', null, { deep: { deeper: [true] } }],
          note: 'unicode: é ✓ 日本',
          empty: {},
        };
        const data = {
          nested: { list: [{ a: 1 }, { b: [2, 3] }], flag: true, nothing: null },
          text: 'x"y\\z',
        };
        const after = await mark();
        await store.append(stream, [anEvent('WithMetadata', data, { metadata })], { expected: 'no-stream' });
        const [fromStream] = (await store.readStream(stream)).events;
        expect(fromStream.metadata).toEqual(metadata);
        expect(fromStream.data).toEqual(data);
        const [fromAll] = await readAllOf([stream], after, 1);
        expect(fromAll.metadata).toEqual(metadata);
        expect(fromAll.data).toEqual(data);
      });

      it('schemaVersion comes back as given, 1 when omitted', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent('V3', {}, { schemaVersion: 3 }), anEvent('V1')], {
          expected: 'no-stream',
        });
        expect((await store.readStream(stream)).events.map((event) => event.schemaVersion)).toEqual([3, 1]);
      });
    });

    describe('requests the store refuses', () => {
      const twice = randomUUID();
      // The values, not their types, break the rules: what a caller without the types could send.
      const appending =
        (batch: EventToAppend[], expected: unknown = 'any') =>
        (stream: string) =>
          store.append(stream, batch, { expected: expected as ExpectedRevision });

      it.each<[string, (stream: string) => Promise<unknown>]>([
        ['an empty stream id', () => appending([anEvent()])('')],
        ['a negative expected revision', appending([anEvent()], -1)],
        ['a fractional expected revision', appending([anEvent()], 1.5)],
        ['an unknown expected state', appending([anEvent()], 'latest')],
        ['an empty batch', appending([])],
        ['a non-UUID event id', appending([{ ...anEvent(), eventId: 'e-1' }])],
        [
          'one event id twice',
          appending([anEvent('A', {}, { eventId: twice }), anEvent('B', {}, { eventId: twice })]),
        ],
        ['an empty event type', appending([anEvent('')])],
        ['data that is an array', appending([{ ...anEvent(), data: [] as unknown as JsonObject }])],
        [
          'data that is bytes',
          appending([{ ...anEvent(), data: new Uint8Array([123, 125]) as unknown as JsonObject }]),
        ],
        [
          'metadata that is not an object',
          appending([{ ...anEvent(), metadata: 'x' as unknown as JsonObject }]),
        ],
        ['schemaVersion 0', appending([anEvent('A', {}, { schemaVersion: 0 })])],
        ['a fractional schemaVersion', appending([anEvent('A', {}, { schemaVersion: 1.5 })])],
      ])('an append with %s, writing nothing', async (_, append) => {
        const stream = uniqueStream('refused');
        const error = await rejectionOf(append(stream));
        expect(error).toBeInstanceOf(InvalidEventStoreRequestError);
        expect(error).toMatchObject({ code: 'invalid-event-store-request' });
        expect(await store.readStream(stream)).toEqual({ exists: false, events: [] });
      });

      it.each<[string, () => Promise<unknown>]>([
        [
          'readStream with a negative fromRevision',
          () => store.readStream(uniqueStream(), { fromRevision: -1 }),
        ],
        [
          'readStream with a fractional fromRevision',
          () => store.readStream(uniqueStream(), { fromRevision: 1.5 }),
        ],
        ['readStream with maxCount 0', () => store.readStream(uniqueStream(), { maxCount: 0 })],
        ['readAll with maxCount 0', () => store.readAll({ maxCount: 0 })],
        ['readAll with a fractional maxCount', () => store.readAll({ maxCount: 2.5 })],
      ])('%s', async (_, call) => {
        await expect(call()).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      });
    });

    describe('concurrency', () => {
      it.each<[string, ExpectedRevision, ExpectedRevision]>([
        ['an exact revision', 0, 0],
        ['no-stream', 'no-stream', 'no-stream'],
      ])(
        '20 concurrent appends to one stream expecting %s: exactly one wins, 19 get WrongExpectedVersion',
        async (_label, setup, expected) => {
          const stream = uniqueStream();
          if (setup !== 'no-stream') await store.append(stream, events(1), { expected: 'no-stream' });
          const batches = Array.from({ length: 20 }, () => events(2));
          const results = await Promise.allSettled(
            batches.map((batch) => store.append(stream, batch, { expected })),
          );
          const winners = results.filter((result) => result.status === 'fulfilled');
          const losers = results.filter(
            (result): result is PromiseRejectedResult => result.status === 'rejected',
          );
          expect(winners).toHaveLength(1);
          expect(losers).toHaveLength(19);
          const finalRevision = setup === 'no-stream' ? 1 : 2;
          for (const loser of losers) {
            expect(loser.reason).toBeInstanceOf(WrongExpectedVersionError);
            expect(loser.reason).toMatchObject({ expected, actual: finalRevision });
          }
          const stored = (await store.readStream(stream)).events;
          expect(stored).toHaveLength(finalRevision + 1);
          const winner = batches[results.findIndex((result) => result.status === 'fulfilled')];
          expect(idsOf(stored.slice(-2))).toEqual(winner.map((event) => event.eventId));
        },
      );
    });
  });
}
