import type { RecordedEvent } from '../ports/event-store.port.js';
import type { PerfectNode } from './merkle-tree.js';

/**
 * The verifiable log (docs/integrity.md): a Merkle tree over every event in the store's global
 * order, signed checkpoints, and proofs. `IntegrityLog` is what the HTTP API, the case history and
 * the case dossier use; `StoredTree` is where the tree is kept (PostgreSQL).
 */

/** A checkpoint signed by this engine's key, as the API shows it (hashes in base64). */
export interface LogCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: string;
  /** When it was signed (signed too: the note's timestamped cosignature). */
  signedAt: string;
  /** The C2SP signed note (tlog-checkpoint), for verifiers and witnesses. */
  note: string;
}

export interface InclusionProof {
  eventId: string;
  leafIndex: number;
  treeSize: number;
  /** The event's RFC 9162 leaf hash. */
  leafHash: string;
  /** The tree's root at treeSize, as a checkpoint of that size signs it. */
  rootHash: string;
  /** RFC 9162 §2.1.3 audit path, leaf to root. */
  proof: string[];
}

export interface ConsistencyProof {
  from: number;
  to: number;
  fromRootHash: string;
  toRootHash: string;
  /** RFC 9162 §2.1.4 consistency path. */
  proof: string[];
}

export interface IntegrityPublicKey {
  /** The signed-note key name, which is also the checkpoints' origin. */
  keyName: string;
  /** The signed-note key ID (hex). */
  keyId: string;
  /** C2SP verifier key: `<name>+<key ID>+<base64 key>`. */
  verifierKey: string;
  /** SPKI PEM. */
  pem: string;
  /** RFC 8037 OKP key. */
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' };
}

/** What the log says of a stream's events (the history's verdict adds the hash chain's). */
export interface StreamLogVerdict {
  /** The first event, in revision order, whose content no longer matches its signed receipt. */
  firstMismatch?: { revision: number; eventId: string; leafIndex: number };
  /** The newest checkpoint signed by this engine that includes the stream's logged events, or null. */
  checkpoint: {
    treeSize: number;
    rootHash: string;
    signedAt: string;
    /** The stream's last revision that this checkpoint includes. */
    coversRevision: number;
  } | null;
}

/** Refusals of the log's queries, with a stable code (HTTP: 404 for not-in-log, else 400). */
export class IntegrityLogError extends Error {
  constructor(
    readonly code: 'event-not-in-log' | 'tree-size-out-of-range',
    message: string,
  ) {
    super(message);
    this.name = 'IntegrityLogError';
  }
}

export interface IntegrityLog {
  publicKey(): IntegrityPublicKey;
  /** The newest checkpoint signed by this engine's key; null before the first one. */
  latestCheckpoint(): Promise<LogCheckpoint | null>;
  /** The checkpoint of exactly this size, if this engine's key signed one. */
  checkpoint(treeSize: number): Promise<LogCheckpoint | null>;
  /** The event's audit path in the tree of `treeSize` leaves (default: the latest checkpoint's). */
  inclusionProof(eventId: string, treeSize?: number): Promise<InclusionProof>;
  /**
   * The audit paths, in the tree of `treeSize` leaves, of those of `eventIds` it includes, in the
   * order asked (the others are left out), read from the tree at once.
   */
  inclusionProofs(eventIds: readonly string[], treeSize: number): Promise<InclusionProof[]>;
  consistencyProof(from: number, to: number): Promise<ConsistencyProof>;
  /**
   * Checks each logged event of one stream against its receipt, and names the checkpoint that
   * includes them. `leafHashOf` gives an event's leaf hash from its content as it is now (by
   * default log-entry.ts `eventLeafHash`; `index` is its place in `events`).
   */
  verifyStream(
    events: readonly RecordedEvent[],
    leafHashOf?: (event: RecordedEvent, index: number) => Buffer,
  ): Promise<StreamLogVerdict>;
}

/** Nest injection token of the IntegrityLog. */
export const INTEGRITY_LOG = Symbol('IntegrityLog');

/** One leaf as stored: the event it is, its hash, and the log's signature over both. */
export interface StoredLeaf {
  leafIndex: number;
  eventId: string;
  streamId: string;
  revision: number;
  leafHash: Buffer;
  /** Ed25519 over receiptMessage(leafIndex, leafHash). */
  receipt: Buffer;
}

export interface StoredCheckpoint {
  treeSize: number;
  note: string;
}

/** Where the tree is kept (the adapter: PostgreSQL tables). Reads only; the checkpointer writes. */
export interface StoredTree {
  /** Leaves stored so far. */
  size(): Promise<number>;
  leaves(fromIndex: number, count: number): Promise<StoredLeaf[]>;
  leavesOfEvents(eventIds: readonly string[]): Promise<StoredLeaf[]>;
  /** Hashes of perfect subtrees (level 0: leaf hashes), keyed `level/index`; a missing one is absent. */
  perfectNodes(nodes: readonly PerfectNode[]): Promise<Map<string, Buffer>>;
  /** Checkpoints newest first, at most `limit`, of at most `maxTreeSize` leaves when given. */
  checkpoints(limit: number, maxTreeSize?: number): Promise<StoredCheckpoint[]>;
  checkpointOfSize(treeSize: number): Promise<StoredCheckpoint | undefined>;
}

export const nodeKey = ({ level, index }: PerfectNode): string => `${level}/${index}`;
