import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH, eventHash, verifyChain } from '../../../src/application/integrity/hash-chain.js';
import type {
  EventMetadata,
  Position,
  RecordedEvent,
} from '../../../src/application/ports/event-store.port.js';

/** A stream of `length` events chained as the command path appends them. */
function chain(length: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let revision = 0; revision < length; revision++) {
    const type = revision === 0 ? 'SecondOpinionRequested' : 'ReaderAssigned';
    const data = { n: revision, readerId: `rad-${revision}` };
    const metadata: EventMetadata = {
      actor: { id: 'coord-1', role: 'coordinator' },
      occurredAt: `2026-11-20T09:00:0${revision}.000Z`,
      $correlationId: `corr-${revision}`,
      schemaVersion: 1,
      prevHash,
    };
    metadata.hash = eventHash(prevHash, type, data, metadata);
    prevHash = metadata.hash as string;
    events.push({
      eventId: randomUUID(),
      type,
      streamId: 'case-1',
      revision,
      data,
      metadata,
      schemaVersion: 1,
      recordedAt: new Date('2026-11-20T09:00:00Z'),
      position: `1/1/${revision + 1}` as Position,
    });
  }
  return events;
}

const without = (events: RecordedEvent[], revision: number) => events.filter((e) => e.revision !== revision);
const renumbered = (events: RecordedEvent[]) => events.map((event, index) => ({ ...event, revision: index }));
const withData = (event: RecordedEvent, data: Record<string, unknown>): RecordedEvent => ({ ...event, data });

describe('verifyChain (domain.md "Integrity")', () => {
  it('verifies an untouched stream, and an empty one', () => {
    expect(verifyChain(chain(6))).toEqual({ verified: true, checked: 6 });
    expect(verifyChain([])).toEqual({ verified: true, checked: 0 });
  });

  it('hashes neither the hash itself nor what the store sets (recordedAt, positions)', () => {
    const events = chain(3).map((event) => ({
      ...event,
      recordedAt: new Date('2030-01-01T00:00:00Z'),
      metadata: { ...event.metadata, recordedAt: '2030-01-01T00:00:00Z', position: 'elsewhere' },
    }));
    expect(verifyChain(events).verified).toBe(true);
  });

  it('an altered payload breaks at that revision', () => {
    const events = chain(6);
    events[3] = withData(events[3], { ...events[3].data, readerId: 'rad-forged' });
    expect(verifyChain(events)).toEqual({
      verified: false,
      firstBrokenRevision: 3,
      reason: 'hash-mismatch',
      checked: 4,
    });
  });

  it('altered metadata (the actor) breaks at that revision', () => {
    const events = chain(4);
    events[2] = { ...events[2], metadata: { ...events[2].metadata, actor: { id: 'someone-else' } } };
    expect(verifyChain(events)).toMatchObject({
      verified: false,
      firstBrokenRevision: 2,
      reason: 'hash-mismatch',
    });
  });

  it('an altered payload whose hash was recomputed breaks at the next revision', () => {
    const events = chain(5);
    const forged = withData(events[2], { n: 2, readerId: 'rad-forged' });
    forged.metadata = {
      ...forged.metadata,
      hash: eventHash(forged.metadata.prevHash as string, forged.type, forged.data, forged.metadata),
    };
    events[2] = forged;
    expect(verifyChain(events)).toMatchObject({
      verified: false,
      firstBrokenRevision: 3,
      reason: 'prev-hash-mismatch',
    });
  });

  it('a missing hash breaks at that revision', () => {
    const events = chain(3);
    const { hash: _hash, ...metadata } = events[1].metadata;
    events[1] = { ...events[1], metadata };
    expect(verifyChain(events)).toMatchObject({
      verified: false,
      firstBrokenRevision: 1,
      reason: 'hash-mismatch',
    });
  });

  it('a deleted event (a gap in revisions) names the missing revision', () => {
    expect(verifyChain(without(chain(6), 2))).toEqual({
      verified: false,
      firstBrokenRevision: 2,
      reason: 'missing-revision',
      checked: 3,
    });
    expect(verifyChain(without(chain(3), 0))).toMatchObject({
      verified: false,
      firstBrokenRevision: 0,
      reason: 'missing-revision',
    });
  });

  it('a deleted event whose successors were renumbered to close the gap breaks where the link is missing', () => {
    expect(verifyChain(renumbered(without(chain(6), 2)))).toMatchObject({
      verified: false,
      firstBrokenRevision: 2,
      reason: 'prev-hash-mismatch',
    });
  });

  it('events in the wrong order break where the order does', () => {
    const events = chain(5);
    expect(verifyChain([events[0], events[2], events[1], events[3], events[4]])).toMatchObject({
      verified: false,
      firstBrokenRevision: 1,
      reason: 'missing-revision',
    });
  });

  it('two events whose revisions were swapped break at the first of them', () => {
    const events = chain(5);
    const swapped = [
      events[0],
      { ...events[2], revision: 1 },
      { ...events[1], revision: 2 },
      events[3],
      events[4],
    ];
    expect(verifyChain(swapped)).toMatchObject({
      verified: false,
      firstBrokenRevision: 1,
      reason: 'prev-hash-mismatch',
    });
  });

  it('an event inserted into the chain breaks at its revision', () => {
    const events = chain(4);
    const inserted = { ...events[1], eventId: randomUUID(), data: { n: 99 } };
    expect(verifyChain(renumbered([events[0], inserted, ...events.slice(1)]))).toMatchObject({
      verified: false,
      firstBrokenRevision: 1,
      reason: 'hash-mismatch',
    });
  });
});
