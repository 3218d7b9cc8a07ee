import canonicalize from 'canonicalize';
import type {
  DossierEvidence,
  EvidenceCheckpoint,
  EvidenceInclusionProof,
  EvidencePublicKey,
} from '../../application/dossier/dossier-evidence.port.js';
import {
  GENESIS_HASH,
  hashableMetadata,
  type IntegrityVerdict,
} from '../../application/integrity/hash-chain.js';
import type { EventMetadata, JsonObject, RecordedEvent } from '../../application/ports/event-store.port.js';

/** What the bundle says it is, so that a verifier knows how to read it. */
export const EVIDENCE_BUNDLE_FORMAT = 'xray-second-opinion/evidence-bundle';
export const EVIDENCE_BUNDLE_VERSION = 1;

/** The bundle's name as an attachment of the dossier. */
export const EVIDENCE_BUNDLE_FILE_NAME = 'evidence-bundle.json';

/** One event exactly as stored, with the bytes its hash is taken over. */
export interface BundledEvent {
  eventId: string;
  streamId: string;
  revision: number;
  /** The store's global position (opaque, adapter-specific). */
  position: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  data: JsonObject;
  /** As stored: on case events it holds `prevHash` and `hash`. */
  metadata: EventMetadata;
  /** RFC 8785 (JCS) JSON of {type, data, metadata without hash and the store's keys}: what is hashed. */
  canonical: string;
}

/** Which access events the dossier holds: those a checkpoint covers, else those recorded by a time. */
export type AccessCut =
  { kind: 'checkpoint'; treeSize: number } | { kind: 'recorded-by'; recordedAt: string };

/**
 * The machine-readable evidence of a dossier (docs/api.md "Case dossier"): the case's events up to
 * the dossier's revision and the case's access events, each as stored with its canonical bytes; the
 * chain verdict over those events; and, once the log has one, the signed checkpoint, an inclusion
 * proof per event it covers and the key that signed it. Everything needed to check it offline.
 */
export interface EvidenceBundle {
  format: typeof EVIDENCE_BUNDLE_FORMAT;
  version: typeof EVIDENCE_BUNDLE_VERSION;
  caseId: string;
  /** The dossier's point: the case as at this revision. */
  revision: number;
  /** When the store recorded the last event of the dossier: the dossier's date. */
  recordedAt: string;
  hashChain: {
    algorithm: 'SHA-256';
    canonicalization: 'RFC 8785 (JCS)';
    /** How `hash` is made from the previous event's `prevHash` and `canonical`. */
    hash: string;
    genesis: string;
  };
  /** The engine's verdict on the chain of `caseEvents` when it issued the dossier. */
  verdict: IntegrityVerdict;
  caseEvents: BundledEvent[];
  accessCut: AccessCut;
  accessEvents: BundledEvent[];
  /** Null while the log had no checkpoint. */
  checkpoint: EvidenceCheckpoint | null;
  inclusionProofs: EvidenceInclusionProof[];
  publicKey: EvidencePublicKey | null;
}

/** What `hash` is, in words a verifier can implement. */
export const HASH_RULE = 'hex(SHA-256(UTF-8(prevHash) || UTF-8(canonical)))';

/** The bytes an event's hash is taken over (hash-chain.ts `eventHash`). */
export function canonicalOf(type: string, data: JsonObject, metadata: EventMetadata): string {
  const canonical = canonicalize({ type, data, metadata: hashableMetadata(metadata) });
  if (canonical === undefined) throw new Error(`Event ${type} has no canonical JSON form`);
  return canonical;
}

export function bundledEvent(event: RecordedEvent): BundledEvent {
  return {
    eventId: event.eventId,
    streamId: event.streamId,
    revision: event.revision,
    position: String(event.position),
    type: event.type,
    schemaVersion: event.schemaVersion,
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    metadata: event.metadata,
    canonical: canonicalOf(event.type, event.data, event.metadata),
  };
}

export interface BundleInput {
  caseId: string;
  revision: number;
  caseEvents: readonly RecordedEvent[];
  verdict: IntegrityVerdict;
  accessCut: AccessCut;
  accessEvents: readonly RecordedEvent[];
  evidence: DossierEvidence | null;
}

export function evidenceBundle(input: BundleInput): EvidenceBundle {
  const last = input.caseEvents.at(-1);
  return {
    format: EVIDENCE_BUNDLE_FORMAT,
    version: EVIDENCE_BUNDLE_VERSION,
    caseId: input.caseId,
    revision: input.revision,
    recordedAt: last === undefined ? '' : last.recordedAt.toISOString(),
    hashChain: {
      algorithm: 'SHA-256',
      canonicalization: 'RFC 8785 (JCS)',
      hash: HASH_RULE,
      genesis: GENESIS_HASH,
    },
    verdict: input.verdict,
    caseEvents: input.caseEvents.map(bundledEvent),
    accessCut: input.accessCut,
    accessEvents: input.accessEvents.map(bundledEvent),
    checkpoint: input.evidence?.checkpoint ?? null,
    inclusionProofs: input.evidence?.inclusionProofs ?? [],
    publicKey: input.evidence?.publicKey ?? null,
  };
}

/** The bundle's bytes: the same bundle always gives the same bytes (keys in construction order). */
export function evidenceBundleBytes(bundle: EvidenceBundle): Buffer {
  return Buffer.from(`${JSON.stringify(bundle, null, 2)}\n`, 'utf8');
}
