import { Module } from '@nestjs/common';
import { CaseAggregate } from '../../../application/case/case.aggregate.js';
import { ReaderMetricsProjection } from '../../../projections/reader-metrics/reader-metrics.projection.js';
import { ReaderMetricsQueries } from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { CaseModule } from '../case/case.module.js';
import { QUERY_VOCABULARIES, type QueryVocabularies } from '../validation/query-validation.pipe.js';
import { BODY_REGIONS, FINDING_CODES } from './reader-metrics-query.dto.js';
import { ReaderMetricsController } from './reader-metrics.controller.js';

/**
 * Radiologist accuracy metrics: the `reader-metrics` projection (registered with the runner through
 * @RegisteredProjection), its queries and routes (the metrics, their drill-down and the funnel plot). The case policy (vocabulary, body regions) comes
 * from CaseModule; PROJECTION_SCHEMAS and AccessRecorder from the global ProjectionsModule.
 */
@Module({
  imports: [CaseModule],
  controllers: [ReaderMetricsController],
  providers: [
    ReaderMetricsProjection,
    ReaderMetricsQueries,
    {
      provide: QUERY_VOCABULARIES,
      useFactory: ({ policy }: CaseAggregate): QueryVocabularies => ({
        [BODY_REGIONS]: policy.bodyRegions,
        [FINDING_CODES]: policy.findingVocabulary.map(({ code }) => code),
      }),
      inject: [CaseAggregate],
    },
  ],
  exports: [ReaderMetricsQueries],
})
export class ReaderMetricsModule {}
