/**
 * What the case dossier needs from the verifiable log (docs/api.md "Case dossier"): a signed
 * checkpoint of the global log, an inclusion proof for each of the dossier's events it covers, and
 * the public key that checks the checkpoint's signature. The dossier renders and embeds these as
 * given; the offline verifier checks them.
 */
import type { InclusionProof, IntegrityPublicKey, LogCheckpoint } from '../integrity/integrity-log.port.js';

/** A signed checkpoint of the global log, as the verifiable log gives it. */
export type EvidenceCheckpoint = LogCheckpoint;

/** Proof that one event is a leaf of the checkpoint's tree (RFC 9162 §2.1.3). */
export type EvidenceInclusionProof = InclusionProof;

/** The key that checks the checkpoint's signature; the dossier prints it and embeds it. */
export type EvidencePublicKey = Omit<IntegrityPublicKey, 'jwk'>;

export interface DossierEvidence {
  checkpoint: EvidenceCheckpoint;
  /** One per event the checkpoint covers, in the order asked. */
  inclusionProofs: EvidenceInclusionProof[];
  publicKey: EvidencePublicKey;
}

export interface DossierEvidenceSource {
  /**
   * The checkpoint of `treeSize` (the latest one when absent) and an inclusion proof for each of
   * `eventIds` it covers; null while the log has no checkpoint at all.
   */
  evidenceFor(eventIds: readonly string[], treeSize?: number): Promise<DossierEvidence | null>;
}

/** Nest token of the DossierEvidenceSource. */
export const DOSSIER_EVIDENCE = Symbol('DossierEvidenceSource');
