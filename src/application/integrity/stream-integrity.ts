import type { RecordedEvent } from '../ports/event-store.port.js';
import { type EventDigests, eventDigests } from './event-digests.js';
import { type ChainBreak, type IntegrityVerdict, verifyChain } from './hash-chain.js';
import type { IntegrityLog, StreamLogVerdict } from './integrity-log.port.js';

/**
 * Why a stream cannot be vouched for: its hash chain breaks (hash-chain.ts), or `log-mismatch`: an
 * event no longer matches the receipt the log key signed for it — what a rewrite that recomputed
 * the chain leaves behind.
 */
export type IntegrityBreak = ChainBreak | 'log-mismatch';

export interface StreamIntegrity extends Omit<IntegrityVerdict, 'reason'> {
  reason?: IntegrityBreak;
  /** The signed checkpoint the verdict rests on (docs/integrity.md), or null when none includes the stream yet. */
  checkpoint: StreamLogVerdict['checkpoint'];
}

/**
 * The verdict on a whole stream as the history gives it: the hash chain, and each logged event
 * against the verifiable log; the first revision that either breaks is named.
 */
export async function verifyStreamIntegrity(
  events: readonly RecordedEvent[],
  log: IntegrityLog | undefined,
): Promise<StreamIntegrity> {
  // Each event's digests are derived once, for the chain and the log alike (event-digests.ts).
  const digests: EventDigests[] = [];
  const digestsAt = (index: number): EventDigests => (digests[index] ??= eventDigests(events[index]!));
  const chain = verifyChain(events, (_event, index) => digestsAt(index).chainHash);
  if (!log) return { ...chain, checkpoint: null };
  const { firstMismatch, checkpoint } = await log.verifyStream(
    events,
    (_event, index) => digestsAt(index).leafHash,
  );
  if (firstMismatch && (chain.verified || firstMismatch.revision < (chain.firstBrokenRevision ?? Infinity))) {
    return {
      verified: false,
      firstBrokenRevision: firstMismatch.revision,
      reason: 'log-mismatch',
      checked: events.findIndex((event) => event.eventId === firstMismatch.eventId) + 1,
      checkpoint,
    };
  }
  return { ...chain, checkpoint };
}
