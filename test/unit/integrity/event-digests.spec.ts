import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { eventDigests } from '../../../src/application/integrity/event-digests.js';
import { GENESIS_HASH, eventHash } from '../../../src/application/integrity/hash-chain.js';
import type {
  IntegrityLog,
  StreamLogVerdict,
} from '../../../src/application/integrity/integrity-log.port.js';
import { eventLeafHash } from '../../../src/application/integrity/log-entry.js';
import { verifyStreamIntegrity } from '../../../src/application/integrity/stream-integrity.js';
import type {
  EventMetadata,
  JsonObject,
  Position,
  RecordedEvent,
} from '../../../src/application/ports/event-store.port.js';

/** A case stream chained as the command path appends it. */
function chain(datas: JsonObject[]): RecordedEvent[] {
  let prevHash = GENESIS_HASH;
  return datas.map((data, revision) => {
    const metadata: EventMetadata = { actor: { id: 'rad-a', role: 'radiologist' }, prevHash };
    metadata.hash = eventHash(prevHash, 'AddendumAppended', data, metadata);
    prevHash = metadata.hash as string;
    return {
      eventId: randomUUID(),
      type: 'AddendumAppended',
      streamId: 'case-digests',
      revision,
      data,
      metadata,
      schemaVersion: 1,
      recordedAt: new Date('2026-12-01T09:00:00Z'),
      position: `1/1/${revision + 1}` as Position,
    };
  });
}

/** Each event as a fresh read from the store gives it: new objects, the same content. */
const reread = (events: RecordedEvent[]): RecordedEvent[] => events.map((event) => structuredClone(event));

/**
 * A log that signed each event's leaf as it was when logged, and compares the leaf the caller
 * derives from the content now (the IntegrityLogService's comparison, without the receipts).
 */
function logOf(logged: RecordedEvent[]): IntegrityLog {
  const leaves = new Map(
    logged.map((event, leafIndex) => [event.eventId, { leafIndex, leaf: eventLeafHash(event) }]),
  );
  return {
    verifyStream: async (events, leafHashOf = eventLeafHash): Promise<StreamLogVerdict> => {
      for (const [index, event] of events.entries()) {
        const stored = leaves.get(event.eventId);
        if (stored && !leafHashOf(event, index).equals(stored.leaf)) {
          return {
            firstMismatch: { revision: event.revision, eventId: event.eventId, leafIndex: stored.leafIndex },
            checkpoint: null,
          };
        }
      }
      return { checkpoint: null };
    },
  } as IntegrityLog;
}

describe('event digests, canonicalised once per exact content (history replay)', () => {
  it('are the chain hash and the leaf hash the content gives', () => {
    const [event] = chain([{ text: 'Findings discussed with the referrer.' }]);
    expect(eventDigests(event!)).toEqual({
      chainHash: event!.metadata.hash,
      leafHash: eventLeafHash(event!),
    });
    expect(eventDigests(reread([event!])[0]!)).toEqual(eventDigests(event!));
  });

  it('a row altered after it was verified is still caught: by the chain, and by the log when it was re-chained', async () => {
    const stored = chain([{ text: 'first' }, { text: 'second' }, { text: 'third' }]);
    const log = logOf(stored);
    // Verified once: the digests of this content are remembered.
    await expect(verifyStreamIntegrity(reread(stored), log)).resolves.toMatchObject({
      verified: true,
      checked: 3,
    });

    // A superuser changes revision 1 in place (same event id, same stored hash).
    const altered = reread(stored);
    altered[1]!.data = { text: 'second, rewritten' };
    await expect(verifyStreamIntegrity(altered, log)).resolves.toMatchObject({
      verified: false,
      firstBrokenRevision: 1,
      reason: 'hash-mismatch',
    });

    // …or rewrites it and recomputes the chain from there: only the log's leaf can tell.
    const [rechained] = [chain([{ text: 'first' }, { text: 'second, rewritten' }, { text: 'third' }])];
    rechained.forEach((event, revision) => (event.eventId = stored[revision]!.eventId));
    await expect(verifyStreamIntegrity(rechained, log)).resolves.toMatchObject({
      verified: false,
      firstBrokenRevision: 1,
      reason: 'log-mismatch',
    });
    // Read back as it was, it verifies again.
    await expect(verifyStreamIntegrity(reread(stored), log)).resolves.toMatchObject({ verified: true });
  });

  it('a number too large for a double, where null was, is refused as before, not taken for the null', async () => {
    const stored = chain([{ text: 'first' }, { score: null }]);
    await expect(verifyStreamIntegrity(reread(stored), undefined)).resolves.toMatchObject({ verified: true });
    // PostgreSQL keeps 1e400 in jsonb; JSON.parse reads it as Infinity, which JSON prints as null.
    const altered = reread(stored);
    altered[1]!.data = { score: Number.POSITIVE_INFINITY };
    expect(JSON.stringify(altered[1]!.data)).toBe(JSON.stringify(stored[1]!.data));
    await expect(verifyStreamIntegrity(altered, undefined)).rejects.toThrow(/Infinity is not allowed/);
  });

  it('the recorded time and the stream place are part of the content', async () => {
    const stored = chain([{ text: 'first' }]);
    const leaf = eventDigests(stored[0]!).leafHash;
    const moved = reread(stored);
    moved[0]!.recordedAt = new Date('2026-12-02T09:00:00Z');
    expect(eventDigests(moved[0]!).leafHash.equals(leaf)).toBe(false);
    expect(eventDigests(moved[0]!).leafHash.equals(eventLeafHash(moved[0]!))).toBe(true);
  });
});
