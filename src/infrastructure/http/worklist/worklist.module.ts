import { Module } from '@nestjs/common';
import { SLA_WATCH_INTERVAL_MS, SlaWatchProcess } from '../../../projections/sla-watch/sla-watch.process.js';
import { SlaWatchProjection } from '../../../projections/sla-watch/sla-watch.projection.js';
import { WorklistProjection } from '../../../projections/worklist/worklist.projection.js';
import { WorklistUpgrade } from '../../../projections/worklist/worklist.upgrade.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { runsBackgroundWork } from '../../runtime/engine-role.js';
import { CaseModule } from '../case/case.module.js';
import { WorklistController } from './worklist.controller.js';

/** The worklist read model (and the start-up upgrade of its older generations) with GET /api/v1/cases, and the SLA process manager. */
@Module({
  imports: [CaseModule],
  controllers: [WorklistController],
  providers: [
    WorklistProjection,
    WorklistUpgrade,
    SlaWatchProjection,
    SlaWatchProcess,
    {
      provide: SLA_WATCH_INTERVAL_MS,
      // An API-role process leaves the watch to the projector (0: off).
      useFactory: (config: RuntimeConfig) =>
        runsBackgroundWork(config.role) ? config.slaWatchIntervalMs : 0,
      inject: [RUNTIME_CONFIG],
    },
  ],
  exports: [SlaWatchProcess],
})
export class WorklistModule {}
