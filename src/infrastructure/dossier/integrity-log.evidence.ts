import type {
  DossierEvidence,
  DossierEvidenceSource,
  EvidenceInclusionProof,
} from '../../application/dossier/dossier-evidence.port.js';
import { type IntegrityLog, IntegrityLogError } from '../../application/integrity/integrity-log.port.js';
import { DomainError } from '../../domain/kernel/domain-error.js';

/**
 * The dossier's evidence from the verifiable log (docs/integrity.md): the checkpoint asked for, or
 * the latest one this engine's key signed, and an inclusion proof in it for each event it covers.
 */
export class IntegrityLogEvidence implements DossierEvidenceSource {
  constructor(private readonly log: IntegrityLog) {}

  async evidenceFor(eventIds: readonly string[], treeSize?: number): Promise<DossierEvidence | null> {
    const checkpoint =
      treeSize === undefined ? await this.log.latestCheckpoint() : await this.log.checkpoint(treeSize);
    if (checkpoint === null) {
      if (treeSize === undefined) return null;
      throw new DomainError(
        'not-found',
        `The log has no checkpoint of tree size ${treeSize} signed by this engine; GET /api/v1/integrity/checkpoints/latest names the latest.`,
      );
    }
    const inclusionProofs = await this.log
      .inclusionProofs(eventIds, checkpoint.treeSize)
      // A checkpoint over more leaves than are stored (they were removed) covers none of them.
      .catch((error: unknown): EvidenceInclusionProof[] => {
        if (error instanceof IntegrityLogError) return [];
        throw error;
      });
    const { keyName, keyId, verifierKey, pem } = this.log.publicKey();
    return {
      checkpoint: {
        origin: checkpoint.origin,
        treeSize: checkpoint.treeSize,
        rootHash: checkpoint.rootHash,
        signedAt: checkpoint.signedAt,
        note: checkpoint.note,
      },
      inclusionProofs,
      publicKey: { keyName, keyId, verifierKey, pem },
    };
  }
}
