import { Module } from '@nestjs/common';
import { ReaderMetricsProjection } from '../../../projections/reader-metrics/reader-metrics.projection.js';
import { ReaderMetricsQueries } from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { CaseModule } from '../case/case.module.js';
import { ReaderMetricsController } from './reader-metrics.controller.js';

/**
 * Radiologist accuracy metrics: the `reader-metrics` projection (registered with the runner through
 * @RegisteredProjection), its queries and routes. The case policy (vocabulary, body regions) comes
 * from CaseModule; PROJECTION_SCHEMAS and AccessRecorder from the global ProjectionsModule.
 */
@Module({
  imports: [CaseModule],
  controllers: [ReaderMetricsController],
  providers: [ReaderMetricsProjection, ReaderMetricsQueries],
  exports: [ReaderMetricsQueries],
})
export class ReaderMetricsModule {}
