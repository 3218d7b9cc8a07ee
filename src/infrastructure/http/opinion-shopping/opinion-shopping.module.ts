import { Module } from '@nestjs/common';
import { FlagReviewAggregate } from '../../../application/opinion-shopping/flag-review.aggregate.js';
import { KNOWN_SHOPPING_FLAGS } from '../../../application/opinion-shopping/known-shopping-flags.port.js';
import { ReviewShoppingFlagHandler } from '../../../application/opinion-shopping/review-shopping-flag.handler.js';
import { CaseAggregate } from '../../../application/case/case.aggregate.js';
import {
  OpinionShoppingProjection,
  SHOPPING_POLICY,
} from '../../../projections/opinion-shopping/opinion-shopping.projection.js';
import { OpinionShoppingQueries } from '../../../projections/opinion-shopping/opinion-shopping.queries.js';
import {
  OpinionShoppingTimer,
  SHOPPING_REEVALUATION_INTERVAL_MS,
} from '../../../projections/opinion-shopping/opinion-shopping.timer.js';
import {
  loadOpinionShoppingConfig,
  type OpinionShoppingConfig,
} from '../../config/opinion-shopping-config.js';
import { CaseModule } from '../case/case.module.js';
import { OpinionShoppingController } from './opinion-shopping.controller.js';

const SHOPPING_CONFIG = Symbol('OpinionShoppingConfig');

/**
 * Opinion-shopping detection: the `opinion-shopping` projection (registered with the runner through
 * @RegisteredProjection), its OS-3 timer, the flag queries and the committee's review command.
 * Thresholds come from the environment (opinion-shopping-config.ts); significance of findings from
 * the case policy. CommandPath comes from CaseModule; PROJECTION_SCHEMAS and AccessRecorder from
 * the global ProjectionsModule.
 */
@Module({
  imports: [CaseModule],
  controllers: [OpinionShoppingController],
  providers: [
    {
      provide: SHOPPING_CONFIG,
      inject: [CaseAggregate],
      useFactory: (cases: CaseAggregate): OpinionShoppingConfig =>
        loadOpinionShoppingConfig(process.env, cases.policy.findingVocabulary),
    },
    {
      provide: SHOPPING_POLICY,
      inject: [SHOPPING_CONFIG],
      useFactory: (config: OpinionShoppingConfig) => config.policy,
    },
    {
      provide: SHOPPING_REEVALUATION_INTERVAL_MS,
      inject: [SHOPPING_CONFIG],
      useFactory: (config: OpinionShoppingConfig) => config.reevaluationIntervalMs,
    },
    OpinionShoppingProjection,
    OpinionShoppingQueries,
    OpinionShoppingTimer,
    { provide: KNOWN_SHOPPING_FLAGS, useExisting: OpinionShoppingQueries },
    FlagReviewAggregate,
    ReviewShoppingFlagHandler,
  ],
  exports: [OpinionShoppingQueries, OpinionShoppingTimer],
})
export class OpinionShoppingModule {}
