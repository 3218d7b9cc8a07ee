import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, JsonObject, RecordedEvent } from '../ports/event-store.port.js';
import { leafHash } from './merkle-tree.js';

/** Metadata keys a store may set on read; everything else, the chain's prevHash and hash included, is the event's. */
const STORE_SET_METADATA_KEYS = new Set(['recordedAt', 'position', 'revision', 'globalPosition']);

function storedMetadata(metadata: EventMetadata): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!STORE_SET_METADATA_KEYS.has(key)) result[key] = value;
  }
  return result;
}

/**
 * The event's canonical hash, the leaf of the verifiable log: SHA-256 of the RFC 8785 (JCS) JSON of
 * everything stored for the event — where it is (stream, revision), its id, type, schema version,
 * data, metadata and recorded time — so that altering any of it, in any stream (case, flag review,
 * access), changes the leaf. The store's position is left out: the leaf's index is its place.
 */
export function eventEntryHash(event: RecordedEvent): Buffer {
  const canonical = canonicalize({
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: storedMetadata(event.metadata),
    recordedAt: event.recordedAt.toISOString(),
  });
  if (canonical === undefined) throw new Error(`Event ${event.eventId} has no canonical JSON form`);
  return createHash('sha256').update(canonical, 'utf8').digest();
}

/** The RFC 9162 leaf hash of the event: SHA-256(0x00 || its canonical hash). */
export const eventLeafHash = (event: RecordedEvent): Buffer => leafHash(eventEntryHash(event));
