import { Injectable } from '@nestjs/common';
import type {
  DossierEvidence,
  DossierEvidenceSource,
} from '../../application/dossier/dossier-evidence.port.js';
import { DomainError } from '../../domain/kernel/domain-error.js';

/** The evidence source of an engine without the verifiable log: the dossier rests on the hash chain alone. */
@Injectable()
export class NoCheckpointEvidence implements DossierEvidenceSource {
  evidenceFor(_eventIds: readonly string[], treeSize?: number): Promise<DossierEvidence | null> {
    if (treeSize !== undefined) {
      return Promise.reject(
        new DomainError('not-found', `The log has no checkpoint of tree size ${treeSize}: it signs none.`),
      );
    }
    return Promise.resolve(null);
  }
}
