import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, JsonObject, RecordedEvent } from '../ports/event-store.port.js';

/** `prevHash` of a stream's first event (domain.md "Integrity"). */
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

export interface IntegrityVerdict {
  verified: boolean;
  /** Revision of the first event whose prevHash or hash does not match. */
  firstBrokenRevision?: number;
  checked: number;
}

/** Walks a stream's events in revision order and names the first one whose chain link is broken. */
export function verifyChain(events: readonly RecordedEvent[]): IntegrityVerdict {
  let prevHash = GENESIS_HASH;
  for (const event of events) {
    const storedPrev = event.metadata.prevHash;
    const storedHash = event.metadata.hash;
    if (storedPrev !== prevHash || typeof storedHash !== 'string') {
      return { verified: false, firstBrokenRevision: event.revision, checked: event.revision + 1 };
    }
    if (eventHash(prevHash, event.type, event.data, event.metadata) !== storedHash) {
      return { verified: false, firstBrokenRevision: event.revision, checked: event.revision + 1 };
    }
    prevHash = storedHash;
  }
  return { verified: true, checked: events.length };
}
