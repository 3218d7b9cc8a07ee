import type { EventStore, Position, RecordedEvent } from '../ports/event-store.port.js';
import { openCheckpoint, receiptVerifies, type SignedCheckpoint } from './checkpoint.js';
import type { StoredLeaf, StoredTree } from './integrity-log.port.js';
import { IntegrityLogService } from './integrity-log.js';
import { eventLeafHash } from './log-entry.js';
import { TreeEdge, verifyConsistency } from './merkle-tree.js';
import type { NoteVerifier } from './signed-note.js';

/** Why an event is not what the log signed. */
export type LeafDifference =
  /** The receipt verifies, but the event no longer hashes to the leaf it signs: altered in place. */
  | 'altered'
  /** The stored receipt is not the trusted key's: the leaf was rewritten (and re-signed with another key). */
  | 'not-signed'
  /** Another event stands at this place in the log than the one signed there: one was removed, inserted or moved. */
  | 'out-of-place'
  /** The log has no event at a place the saved checkpoint or a receipt covers: events were removed. */
  | 'missing';

export interface DifferingEvent {
  leafIndex: number;
  why: LeafDifference;
  /** The event found at that place now, if any. */
  event?: { eventId: string; streamId: string; revision: number };
  /** The event the log recorded at that place, when another one stands there now. */
  logged?: { eventId: string; streamId: string; revision: number };
}

export interface LatestCheckpointAudit {
  treeSize: number;
  /** Signed by the trusted key. */
  trusted: boolean;
  /** Its root is the root of the events as they are now. */
  matchesEvents: boolean;
  /** The stored tree proves it consistent with the saved checkpoint (RFC 9162 consistency proof verified). */
  consistent: boolean;
}

export interface LogAudit {
  saved: SignedCheckpoint;
  /** Events read from the store, each re-hashed. */
  events: number;
  /** Leaves the stored tree holds. */
  leaves: number;
  /** The first event, in log order, that is not what the log signed. */
  firstDifference?: DifferingEvent;
  /** The root of the first saved.treeSize events as they are now equals the saved root. */
  savedRootMatches: boolean;
  /** The newest checkpoint stored, whoever signed it. */
  latest?: LatestCheckpointAudit;
  intact: boolean;
}

const PAGE = 1_000;

const described = (event: RecordedEvent | StoredLeaf) => ({
  eventId: event.eventId,
  streamId: event.streamId,
  revision: event.revision,
});

/**
 * `npm run verify -- --checkpoint saved.json`: checks the log as stored now against a checkpoint
 * saved earlier. Every event is read in the log's order and re-hashed; the root of the first
 * saved.treeSize of them must be the saved root; each logged event must match the receipt the
 * trusted key signed for its place; and the newest stored checkpoint must be the trusted key's,
 * the root of the events as they are, and provably consistent with the saved one. Whoever rewrote
 * the events, the chain, the tree and its checkpoints without the key fails at least one of these,
 * and the receipts name the first event they changed.
 */
export async function auditLog(
  store: EventStore,
  tree: StoredTree,
  saved: SignedCheckpoint,
  trusted: NoteVerifier,
): Promise<LogAudit> {
  const [newest] = await tree.checkpoints(1);
  const newestOpened = newest ? tryOpen(newest.note, trusted) : undefined;
  const edge = TreeEdge.empty();
  let savedRoot: Buffer | undefined = saved.treeSize === 0 ? edge.root() : undefined;
  let newestRoot: Buffer | undefined;
  let firstDifference: DifferingEvent | undefined;
  const leafCount = await tree.size();
  let after: Position | undefined;
  let index = 0;
  for (;;) {
    const events = await store.readAll({ after, maxCount: PAGE });
    const leaves = index < leafCount ? await tree.leaves(index, events.length) : [];
    for (const [offset, event] of events.entries()) {
      const hash = eventLeafHash(event);
      edge.append(hash);
      const leaf = leaves[offset];
      if (!firstDifference && leaf) {
        const why: LeafDifference | undefined =
          leaf.eventId !== event.eventId
            ? 'out-of-place'
            : !receiptVerifies(leaf.leafIndex, leaf.leafHash, leaf.receipt, trusted)
              ? 'not-signed'
              : !leaf.leafHash.equals(hash)
                ? 'altered'
                : undefined;
        if (why) {
          firstDifference = {
            leafIndex: index,
            why,
            event: described(event),
            ...(why === 'out-of-place' && { logged: described(leaf) }),
          };
        }
      }
      index += 1;
      if (index === saved.treeSize) savedRoot = edge.root();
      if (newest && index === newest.treeSize) newestRoot = edge.root();
    }
    if (events.length < PAGE) break;
    after = events.at(-1)!.position;
  }
  if (!firstDifference && index < Math.max(saved.treeSize, leafCount)) {
    const [logged] = index < leafCount ? await tree.leaves(index, 1) : [];
    firstDifference = { leafIndex: index, why: 'missing', ...(logged && { logged: described(logged) }) };
  }
  const savedRootMatches = savedRoot !== undefined && savedRoot.equals(saved.rootHash);
  let latest: LatestCheckpointAudit | undefined;
  if (newest) {
    latest = {
      treeSize: newest.treeSize,
      trusted: newestOpened !== undefined,
      matchesEvents:
        newestOpened !== undefined && newestRoot !== undefined && newestRoot.equals(newestOpened.rootHash),
      consistent: newestOpened !== undefined && (await provesConsistent(tree, trusted, saved, newestOpened)),
    };
  }
  const intact =
    firstDifference === undefined &&
    savedRootMatches &&
    latest !== undefined &&
    latest.trusted &&
    latest.matchesEvents &&
    latest.consistent;
  return {
    saved,
    events: index,
    leaves: leafCount,
    ...(firstDifference && { firstDifference }),
    savedRootMatches,
    ...(latest && { latest }),
    intact,
  };
}

function tryOpen(note: string, trusted: NoteVerifier): SignedCheckpoint | undefined {
  try {
    return openCheckpoint(note, trusted);
  } catch {
    return undefined;
  }
}

/** The consistency proof the stored tree gives from the saved checkpoint to the newest, verified. */
async function provesConsistent(
  tree: StoredTree,
  trusted: NoteVerifier,
  saved: SignedCheckpoint,
  newest: SignedCheckpoint,
): Promise<boolean> {
  if (newest.treeSize < saved.treeSize || saved.treeSize === 0) return false;
  try {
    const { proof } = await new IntegrityLogService(tree, trusted).consistencyProof(
      saved.treeSize,
      newest.treeSize,
    );
    return verifyConsistency(
      saved.treeSize,
      newest.treeSize,
      saved.rootHash,
      newest.rootHash,
      proof.map((hash) => Buffer.from(hash, 'base64')),
    );
  } catch {
    return false;
  }
}
