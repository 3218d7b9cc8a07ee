import { Module } from '@nestjs/common';
import {
  DOSSIER_EVIDENCE,
  type DossierEvidenceSource,
} from '../../../application/dossier/dossier-evidence.port.js';
import { INTEGRITY_LOG, type IntegrityLog } from '../../../application/integrity/integrity-log.port.js';
import { CaseDossiers } from '../../dossier/case-dossier.service.js';
import { IntegrityLogEvidence } from '../../dossier/integrity-log.evidence.js';
import { NoCheckpointEvidence } from '../../dossier/no-checkpoint.evidence.js';
import { CaseModule } from '../case/case.module.js';
import { DossierController } from './dossier.controller.js';

/**
 * The case dossier: its assembly, its evidence source and its route. CaseAggregate comes from
 * CaseModule; AccessRecorder from the global ProjectionsModule; the IntegrityLog, when the engine
 * runs the verifiable log, from the global IntegrityModule.
 */
@Module({
  imports: [CaseModule],
  controllers: [DossierController],
  providers: [
    CaseDossiers,
    {
      provide: DOSSIER_EVIDENCE,
      inject: [{ token: INTEGRITY_LOG, optional: true }],
      useFactory: (log?: IntegrityLog): DossierEvidenceSource =>
        log ? new IntegrityLogEvidence(log) : new NoCheckpointEvidence(),
    },
  ],
})
export class DossierModule {}
