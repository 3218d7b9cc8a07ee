import { Module } from '@nestjs/common';
import { DOSSIER_EVIDENCE } from '../../../application/dossier/dossier-evidence.port.js';
import { CaseDossiers } from '../../dossier/case-dossier.service.js';
import { NoCheckpointEvidence } from '../../dossier/no-checkpoint.evidence.js';
import { CaseModule } from '../case/case.module.js';
import { DossierController } from './dossier.controller.js';

/**
 * The case dossier: its assembly, its evidence source and its route. CaseAggregate comes from
 * CaseModule; AccessRecorder from the global ProjectionsModule.
 */
@Module({
  imports: [CaseModule],
  controllers: [DossierController],
  providers: [CaseDossiers, { provide: DOSSIER_EVIDENCE, useClass: NoCheckpointEvidence }],
})
export class DossierModule {}
