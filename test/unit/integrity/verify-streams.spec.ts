import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH, eventHash } from '../../../src/application/integrity/hash-chain.js';
import { streamIdsWithPrefix, verifyStream } from '../../../src/application/integrity/verify-streams.js';
import type {
  EventStore,
  Position,
  ReadAllOptions,
  RecordedEvent,
} from '../../../src/application/ports/event-store.port.js';

/** The two reads verification uses, over a fixed log; `known` streams exist even without events. */
function storeOf(log: RecordedEvent[], known: string[] = []): EventStore {
  const readAll = async ({ after, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> => {
    const from = after === undefined ? 0 : log.findIndex((event) => event.position === after) + 1;
    return log.slice(from, from + maxCount);
  };
  const readStream = async (streamId: string) => {
    const events = log.filter((event) => event.streamId === streamId);
    return { exists: events.length > 0 || known.includes(streamId), events };
  };
  return { readAll, readStream } as unknown as EventStore;
}

function appended(log: RecordedEvent[], streamId: string): RecordedEvent {
  const previous = log.filter((event) => event.streamId === streamId).at(-1);
  const prevHash = (previous?.metadata.hash as string | undefined) ?? GENESIS_HASH;
  const data = { n: log.length };
  const metadata = { prevHash, hash: eventHash(prevHash, 'Something', data, { prevHash }) };
  const event: RecordedEvent = {
    eventId: randomUUID(),
    type: 'Something',
    streamId,
    revision: previous ? previous.revision + 1 : 0,
    data,
    metadata,
    schemaVersion: 1,
    recordedAt: new Date(),
    position: `1/1/${log.length + 1}` as Position,
  };
  log.push(event);
  return event;
}

describe('verifying streams through the event-store port', () => {
  it('lists each stream with the prefix once, across pages of the global log', async () => {
    const log: RecordedEvent[] = [];
    for (const streamId of [
      'case-a',
      'access-x',
      'case-b',
      'case-a',
      'case-c',
      'case-b',
      'case-a',
      'other',
    ]) {
      appended(log, streamId);
    }
    const ids: string[] = [];
    for await (const id of streamIdsWithPrefix(storeOf(log), 'case-', 3)) ids.push(id);
    expect(ids).toEqual(['case-a', 'case-b', 'case-c']);
  });

  it('verifies a stream as the history endpoint does', async () => {
    const log: RecordedEvent[] = [];
    for (let index = 0; index < 4; index++) appended(log, 'case-a');
    await expect(verifyStream(storeOf(log), 'case-a')).resolves.toEqual({
      streamId: 'case-a',
      exists: true,
      verdict: { verified: true, checked: 4 },
    });
    const tampered = log.map((event) => (event.revision === 2 ? { ...event, data: { n: -1 } } : event));
    await expect(verifyStream(storeOf(tampered), 'case-a')).resolves.toMatchObject({
      verdict: { verified: false, firstBrokenRevision: 2, reason: 'hash-mismatch' },
    });
  });

  it('a stream the store knows but whose every event is gone is broken at revision 0', async () => {
    await expect(verifyStream(storeOf([], ['case-emptied']), 'case-emptied')).resolves.toEqual({
      streamId: 'case-emptied',
      exists: true,
      verdict: { verified: false, firstBrokenRevision: 0, reason: 'missing-revision', checked: 0 },
    });
  });

  it('a stream the store does not know is reported as missing, not as verified', async () => {
    await expect(verifyStream(storeOf([]), 'case-unknown')).resolves.toMatchObject({ exists: false });
  });
});
