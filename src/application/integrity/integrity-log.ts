import type { KeyObject } from 'node:crypto';
import type { RecordedEvent } from '../ports/event-store.port.js';
import {
  describeKey,
  type ExportedCheckpoint,
  openCheckpoint,
  receiptVerifies,
  type SignedCheckpoint,
} from './checkpoint.js';
import {
  type ConsistencyProof,
  type InclusionProof,
  type IntegrityLog,
  IntegrityLogError,
  type IntegrityPublicKey,
  type LogCheckpoint,
  nodeKey,
  type StoredCheckpoint,
  type StoredLeaf,
  type StoredTree,
  type StreamLogVerdict,
} from './integrity-log.port.js';
import { eventLeafHash } from './log-entry.js';
import {
  consistencyProofRanges,
  inclusionProofRanges,
  perfectNodesOfProof,
  type PerfectNodeHashes,
  type ProofRanges,
  proofHashes,
  rangeHash,
} from './merkle-tree.js';
import { type NoteVerifier, rawPublicKey } from './signed-note.js';

/** Verified signatures remembered, so that re-reading a history does not verify its receipts again. */
const VERIFIED_CACHE_SIZE = 50_000;
const CHECKPOINT_PAGE = 50;

class BoundedSet {
  private readonly entries = new Set<string>();
  constructor(private readonly capacity: number) {}
  has(key: string): boolean {
    return this.entries.has(key);
  }
  add(key: string): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.values().next().value!);
    this.entries.add(key);
  }
}

const toApi = (checkpoint: SignedCheckpoint): LogCheckpoint => ({
  origin: checkpoint.origin,
  treeSize: checkpoint.treeSize,
  rootHash: checkpoint.rootHash.toString('base64'),
  signedAt: checkpoint.signedAt.toISOString(),
  note: checkpoint.note,
});

/**
 * The log as this engine vouches for it: only what its own key signed counts. A checkpoint or
 * receipt signed with any other key — whoever wrote it into the database — is treated as absent.
 */
export class IntegrityLogService implements IntegrityLog {
  private readonly verifiedReceipts = new BoundedSet(VERIFIED_CACHE_SIZE);
  private readonly openedCheckpoints = new Map<string, SignedCheckpoint>();

  constructor(
    private readonly tree: StoredTree,
    private readonly verifier: NoteVerifier,
  ) {}

  publicKey(): IntegrityPublicKey {
    const key: KeyObject = this.verifier.publicKey;
    const described = describeKey({ name: this.verifier.name, publicKey: key });
    return {
      ...described,
      pem: key.export({ format: 'pem', type: 'spki' }).toString(),
      jwk: {
        kty: 'OKP',
        crv: 'Ed25519',
        x: rawPublicKey(key).toString('base64url'),
        kid: described.keyId,
        alg: 'EdDSA',
        use: 'sig',
      },
    };
  }

  /** The stored checkpoint, if this engine's key signed it (the note is what is verified). */
  private ours(stored: StoredCheckpoint): SignedCheckpoint | undefined {
    const cached = this.openedCheckpoints.get(stored.note);
    if (cached) return cached;
    try {
      const opened = openCheckpoint(stored.note, this.verifier);
      if (opened.treeSize !== stored.treeSize) return undefined;
      if (this.openedCheckpoints.size >= 1_000) this.openedCheckpoints.clear();
      this.openedCheckpoints.set(stored.note, opened);
      return opened;
    } catch {
      return undefined;
    }
  }

  /** The newest checkpoint this key signed, of at most `maxTreeSize` leaves. */
  async latestSigned(maxTreeSize?: number): Promise<SignedCheckpoint | undefined> {
    let below = maxTreeSize;
    for (;;) {
      const page = await this.tree.checkpoints(CHECKPOINT_PAGE, below);
      for (const stored of page) {
        const opened = this.ours(stored);
        if (opened) return opened;
      }
      if (page.length < CHECKPOINT_PAGE) return undefined;
      below = page.at(-1)!.treeSize - 1;
    }
  }

  async latestCheckpoint(): Promise<LogCheckpoint | null> {
    const latest = await this.latestSigned();
    return latest ? toApi(latest) : null;
  }

  async checkpoint(treeSize: number): Promise<LogCheckpoint | null> {
    const stored = await this.tree.checkpointOfSize(treeSize);
    const opened = stored && this.ours(stored);
    return opened ? toApi(opened) : null;
  }

  /** The hashes of the perfect subtrees these ranges read, fetched in one query. */
  private async hashesOf(ranges: ProofRanges): Promise<PerfectNodeHashes> {
    const wanted = new Map(perfectNodesOfProof(ranges).map((node) => [nodeKey(node), node]));
    const nodes = await this.tree.perfectNodes([...wanted.values()]);
    return (node) => {
      const hash = nodes.get(nodeKey(node));
      if (!hash) throw new Error(`The stored tree lacks node ${nodeKey(node)}`);
      return hash;
    };
  }

  private async rootAt(treeSize: number): Promise<Buffer> {
    return rangeHash(0, treeSize, await this.hashesOf([{ start: 0, end: treeSize }]));
  }

  /** The leaves' inclusion proofs in the tree of `treeSize` leaves (each below it), from one read of the tree. */
  private async proofsIn(leaves: readonly StoredLeaf[], treeSize: number): Promise<InclusionProof[]> {
    const paths = leaves.map((leaf) => inclusionProofRanges(leaf.leafIndex, treeSize));
    const hashes = await this.hashesOf([{ start: 0, end: treeSize }, ...paths.flat()]);
    const rootHash = rangeHash(0, treeSize, hashes).toString('base64');
    return leaves.map((leaf, i) => ({
      eventId: leaf.eventId,
      leafIndex: leaf.leafIndex,
      treeSize,
      leafHash: leaf.leafHash.toString('base64'),
      rootHash,
      proof: proofHashes(paths[i]!, hashes).map((hash) => hash.toString('base64')),
    }));
  }

  private async assertTreeSize(treeSize: number, what: string, minimum: number): Promise<void> {
    const stored = await this.tree.size();
    if (!Number.isSafeInteger(treeSize) || treeSize < minimum || treeSize > stored) {
      throw new IntegrityLogError(
        'tree-size-out-of-range',
        `${what} must be from ${minimum} to ${stored}, the leaves logged so far (got ${treeSize}).`,
      );
    }
  }

  async inclusionProof(eventId: string, treeSize?: number): Promise<InclusionProof> {
    const [leaf] = await this.tree.leavesOfEvents([eventId]);
    if (!leaf) {
      throw new IntegrityLogError(
        'event-not-in-log',
        `Event ${eventId} is not in the log (yet: events are logged within about a second of being stored).`,
      );
    }
    const size = treeSize ?? (await this.latestSigned())?.treeSize;
    if (size === undefined) {
      throw new IntegrityLogError('tree-size-out-of-range', 'No checkpoint is signed yet; name a treeSize.');
    }
    await this.assertTreeSize(size, 'treeSize', leaf.leafIndex + 1);
    const [proof] = await this.proofsIn([leaf], size);
    return proof!;
  }

  async inclusionProofs(eventIds: readonly string[], treeSize: number): Promise<InclusionProof[]> {
    await this.assertTreeSize(treeSize, 'treeSize', 1);
    const leaves = new Map((await this.tree.leavesOfEvents(eventIds)).map((leaf) => [leaf.eventId, leaf]));
    const included = eventIds.flatMap((eventId) => {
      const leaf = leaves.get(eventId);
      return leaf && leaf.leafIndex < treeSize ? [leaf] : [];
    });
    return included.length === 0 ? [] : this.proofsIn(included, treeSize);
  }

  async consistencyProof(from: number, to: number): Promise<ConsistencyProof> {
    await this.assertTreeSize(to, 'to', 1);
    if (!Number.isSafeInteger(from) || from < 1 || from > to) {
      throw new IntegrityLogError('tree-size-out-of-range', `from must be from 1 to ${to} (got ${from}).`);
    }
    const ranges = consistencyProofRanges(from, to);
    const hashes = await this.hashesOf(ranges);
    return {
      from,
      to,
      fromRootHash: (await this.rootAt(from)).toString('base64'),
      toRootHash: (await this.rootAt(to)).toString('base64'),
      proof: proofHashes(ranges, hashes).map((hash) => hash.toString('base64')),
    };
  }

  /** Whether the stored leaf is the event as it is now (`eventLeaf`), under a receipt this key signed. */
  private vouchesFor(leaf: StoredLeaf, eventLeaf: Buffer): boolean {
    if (!eventLeaf.equals(leaf.leafHash)) return false;
    const key = `${leaf.leafIndex}:${leaf.leafHash.toString('base64')}:${leaf.receipt.toString('base64')}`;
    if (this.verifiedReceipts.has(key)) return true;
    if (!receiptVerifies(leaf.leafIndex, leaf.leafHash, leaf.receipt, this.verifier)) return false;
    this.verifiedReceipts.add(key);
    return true;
  }

  async verifyStream(
    events: readonly RecordedEvent[],
    leafHashOf: (event: RecordedEvent, index: number) => Buffer = eventLeafHash,
  ): Promise<StreamLogVerdict> {
    // The newest checkpoint is looked up alongside the leaves, not after them.
    const [stored, signed] = await Promise.all([
      this.tree.leavesOfEvents(events.map((event) => event.eventId)),
      this.latestSigned(),
    ]);
    const leaves = new Map(stored.map((leaf) => [leaf.eventId, leaf]));
    let firstMismatch: StreamLogVerdict['firstMismatch'];
    for (const [index, event] of events.entries()) {
      const leaf = leaves.get(event.eventId);
      if (leaf && !this.vouchesFor(leaf, leafHashOf(event, index))) {
        firstMismatch = { revision: event.revision, eventId: event.eventId, leafIndex: leaf.leafIndex };
        break;
      }
    }
    const latest = leaves.size > 0 ? signed : undefined;
    const covered = latest
      ? events.filter((event) => (leaves.get(event.eventId)?.leafIndex ?? Infinity) < latest.treeSize)
      : [];
    return {
      ...(firstMismatch && { firstMismatch }),
      checkpoint:
        latest && covered.length > 0
          ? {
              treeSize: latest.treeSize,
              rootHash: latest.rootHash.toString('base64'),
              signedAt: latest.signedAt.toISOString(),
              coversRevision: Math.max(...covered.map((event) => event.revision)),
            }
          : null,
    };
  }
}

/** A checkpoint as witnesses keep it and `verify --checkpoint` reads it (checkpoint.ts ExportedCheckpoint). */
export const exportedCheckpoint = (
  checkpoint: LogCheckpoint,
  key: IntegrityPublicKey,
): ExportedCheckpoint => ({
  format: 'xray-integrity-checkpoint/v1',
  origin: checkpoint.origin,
  treeSize: checkpoint.treeSize,
  rootHash: checkpoint.rootHash,
  signedAt: checkpoint.signedAt,
  note: checkpoint.note,
  verifierKey: key.verifierKey,
  publicKeyPem: key.pem,
});
