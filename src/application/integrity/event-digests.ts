import { hash } from 'node:crypto';
import type { RecordedEvent } from '../ports/event-store.port.js';
import { eventHash } from './hash-chain.js';
import { eventLeafHash } from './log-entry.js';

/** What verifying a stored event compares: its chain hash (hash-chain.ts) and its log leaf hash (log-entry.ts). */
export interface EventDigests {
  /** SHA-256 over the event's own `prevHash` and its canonical JSON; undefined when it has no prevHash to link. */
  chainHash: string | undefined;
  leafHash: Buffer;
}

/** Digests remembered (about 450 bytes each, some 22 MB when full): dozens of long cases read again and again. */
const CAPACITY = 50_000;

const remembered = new Map<string, EventDigests>();

/**
 * The event exactly as read — every field either digest depends on — as SHA-256 of its JSON.
 * JSON keeps everything canonical JSON depends on but one thing: a number too large for a double
 * (which canonicalisation refuses) prints as `null`, as null does. So content whose JSON holds
 * `null` anywhere, or that has no JSON at all, has no key and is always canonicalised afresh.
 */
function contentKey(event: RecordedEvent): string | undefined {
  let json: string;
  try {
    json = JSON.stringify([
      event.streamId,
      event.revision,
      event.eventId,
      event.type,
      event.schemaVersion,
      event.data,
      event.metadata,
      event.recordedAt.getTime(),
    ]);
  } catch {
    return undefined;
  }
  return json.includes('null') ? undefined : hash('sha256', json, 'base64');
}

function computed(event: RecordedEvent): EventDigests {
  const prevHash = event.metadata.prevHash;
  return {
    chainHash:
      typeof prevHash === 'string' ? eventHash(prevHash, event.type, event.data, event.metadata) : undefined,
    leafHash: eventLeafHash(event),
  };
}

/**
 * The event's digests, canonicalised (RFC 8785) once per exact content: each call hashes the event
 * as it is now and reuses what that same content gave before. A row changed in the database — by
 * a superuser, whenever — has another content key, so it is canonicalised and hashed afresh and its
 * mismatch is found; what is remembered is a pure function's result for an input, never a verdict.
 */
export function eventDigests(event: RecordedEvent): EventDigests {
  const key = contentKey(event);
  if (key === undefined) return computed(event);
  const known = remembered.get(key);
  if (known) return known;
  const digests = computed(event);
  if (remembered.size >= CAPACITY) remembered.delete(remembered.keys().next().value!);
  remembered.set(key, digests);
  return digests;
}
