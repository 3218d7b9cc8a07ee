import type { EventStore } from '../ports/event-store.port.js';
import { type IntegrityVerdict, verifyChain } from './hash-chain.js';

export interface StreamVerification {
  streamId: string;
  /** False when the store knows no such stream. */
  exists: boolean;
  verdict: IntegrityVerdict;
}

/**
 * Verifies one stream's hash chain exactly as the history endpoint does. A stream the store knows
 * but that holds no event lost its first one.
 */
export async function verifyStream(store: EventStore, streamId: string): Promise<StreamVerification> {
  const { exists, events } = await store.readStream(streamId);
  if (exists && events.length === 0) {
    return {
      streamId,
      exists,
      verdict: { verified: false, firstBrokenRevision: 0, reason: 'missing-revision', checked: 0 },
    };
  }
  return { streamId, exists, verdict: verifyChain(events) };
}

/** Every stream id with the prefix, each once, in the order of its first event in the global log. */
export async function* streamIdsWithPrefix(
  store: EventStore,
  prefix: string,
  pageSize = 1_000,
): AsyncGenerator<string> {
  const seen = new Set<string>();
  let after;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    for (const event of page) {
      if (event.streamId.startsWith(prefix) && !seen.has(event.streamId)) {
        seen.add(event.streamId);
        yield event.streamId;
      }
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1].position;
  }
}
