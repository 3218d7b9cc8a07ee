import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, JsonObject, RecordedEvent } from '../ports/event-store.port.js';

/** `prevHash` of a stream's first event (docs/domain.md "Integrity"). */
export const GENESIS_HASH = '0'.repeat(64);

/** Metadata keys the store sets, and the hash itself, are outside what is hashed. */
const UNHASHED_METADATA_KEYS = new Set(['hash', 'recordedAt', 'position', 'revision', 'globalPosition']);

export function hashableMetadata(metadata: EventMetadata): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!UNHASHED_METADATA_KEYS.has(key)) result[key] = value;
  }
  return result;
}

/** SHA-256 (hex) over prevHash and the RFC 8785 (JCS) canonical JSON of {type, data, metadata}. */
export function eventHash(prevHash: string, type: string, data: JsonObject, metadata: EventMetadata): string {
  const canonical = canonicalize({ type, data, metadata: hashableMetadata(metadata) });
  if (canonical === undefined) throw new Error(`Event ${type} has no canonical JSON form`);
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/** Why a chain link is broken; the revision it names is the first one that cannot be vouched for. */
export type ChainBreak =
  /** The event expected at this revision is missing (deleted), or revisions are out of order. */
  | 'missing-revision'
  /** The event does not link to its predecessor: an event before it was removed or replaced. */
  | 'prev-hash-mismatch'
  /** The event has no hash, or its content does not match its hash: it was altered. */
  | 'hash-mismatch';

export interface IntegrityVerdict {
  verified: boolean;
  /** Revision of the first event whose revision, prevHash or hash does not match. */
  firstBrokenRevision?: number;
  reason?: ChainBreak;
  /** Events examined, the broken one included. */
  checked: number;
}

/**
 * The hash an event's content gives, asked only once its own `metadata.prevHash` is `prevHash`;
 * `index` is its place in the events given (a caller may have derived the hashes already).
 */
export type ChainHashOf = (event: RecordedEvent, index: number, prevHash: string) => string | undefined;

const hashOfContent: ChainHashOf = (event, _index, prevHash) =>
  eventHash(prevHash, event.type, event.data, event.metadata);

/**
 * Walks a whole stream in the order given and names the first revision that breaks the chain:
 * revisions must run 0, 1, 2, … without a gap (a deleted or reordered event), each event's
 * prevHash must be its predecessor's hash, and its hash must match its content.
 */
export function verifyChain(
  events: readonly RecordedEvent[],
  hashOf: ChainHashOf = hashOfContent,
): IntegrityVerdict {
  let prevHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const broken = (reason: ChainBreak, revision = event.revision): IntegrityVerdict => ({
      verified: false,
      firstBrokenRevision: revision,
      reason,
      checked: index + 1,
    });
    // A gap names the revision that is missing; a revision that goes backwards names where order broke.
    if (event.revision !== index) return broken('missing-revision', Math.min(index, event.revision));
    if (event.metadata.prevHash !== prevHash) return broken('prev-hash-mismatch');
    const storedHash = event.metadata.hash;
    if (typeof storedHash !== 'string' || hashOf(event, index, prevHash) !== storedHash) {
      return broken('hash-mismatch');
    }
    prevHash = storedHash;
  }
  return { verified: true, checked: events.length };
}
