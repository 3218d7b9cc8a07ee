/**
 * What the case dossier needs from the verifiable log (docs/api.md "Case dossier"): a signed
 * checkpoint of the global log, an inclusion proof for each of the dossier's events it covers, and
 * the public key that checks the checkpoint's signature. The dossier renders and embeds these as
 * given; the offline verifier checks them.
 */

/** A signed checkpoint: a tree size and root hash of the global log, signed by the engine's key. */
export interface EvidenceCheckpoint {
  /** The log's name, the checkpoint's first line. */
  origin: string;
  treeSize: number;
  /** Root hash, base64 as the checkpoint writes it. */
  rootHash: string;
  /** When it was signed. */
  signedAt: string;
  /** The C2SP signed note exactly as signed (tlog-checkpoint body, blank line, signature lines). */
  note: string;
}

/** Proof that one event is leaf `leafIndex` of the tree of `treeSize` leaves (RFC 9162 §2.1.3). */
export interface EvidenceInclusionProof {
  eventId: string;
  leafIndex: number;
  treeSize: number;
  /** The event's RFC 9162 leaf hash, base64. */
  leafHash: string;
  /** The root the proof leads to, base64: the checkpoint's. */
  rootHash: string;
  /** The audit path, leaf to root, each hash base64. */
  proof: string[];
}

export interface EvidencePublicKey {
  /** The signed-note key name, which is also the checkpoints' origin. */
  keyName: string;
  /** The signed-note key ID (hex). */
  keyId: string;
  /** C2SP verifier key: `<name>+<key ID>+<base64 key>`. */
  verifierKey: string;
  /** SubjectPublicKeyInfo PEM of the Ed25519 key. */
  pem: string;
}

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
