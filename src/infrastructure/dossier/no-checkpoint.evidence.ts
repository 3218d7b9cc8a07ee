import { Injectable } from '@nestjs/common';
import type {
  DossierEvidence,
  DossierEvidenceSource,
} from '../../application/dossier/dossier-evidence.port.js';

/** The evidence source of a log without signed checkpoints: the dossier rests on the hash chain alone. */
@Injectable()
export class NoCheckpointEvidence implements DossierEvidenceSource {
  evidenceFor(): Promise<DossierEvidence | null> {
    return Promise.resolve(null);
  }
}
