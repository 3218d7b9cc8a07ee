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
    const inclusionProofs: EvidenceInclusionProof[] = [];
    for (const eventId of eventIds) {
      try {
        const { leafIndex, leafHash, rootHash, proof } = await this.log.inclusionProof(
          eventId,
          checkpoint.treeSize,
        );
        inclusionProofs.push({
          eventId,
          leafIndex,
          treeSize: checkpoint.treeSize,
          leafHash,
          rootHash,
          proof,
        });
      } catch (error) {
        // Logged after this checkpoint, or not logged yet: the checkpoint does not cover it.
        if (!(error instanceof IntegrityLogError)) throw error;
      }
    }
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
