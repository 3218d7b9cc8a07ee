import { Module } from '@nestjs/common';
import { FlagReviewAggregate } from '../../../application/opinion-shopping/flag-review.aggregate.js';
import { KNOWN_SHOPPING_FLAGS } from '../../../application/opinion-shopping/known-shopping-flags.port.js';
import { ReviewShoppingFlagHandler } from '../../../application/opinion-shopping/review-shopping-flag.handler.js';
import {
  OpinionShoppingProjection,
  SHOPPING_POLICY,
} from '../../../projections/opinion-shopping/opinion-shopping.projection.js';
import { OpinionShoppingQueries } from '../../../projections/opinion-shopping/opinion-shopping.queries.js';
import {
  OpinionShoppingTimer,
  SHOPPING_REEVALUATION_INTERVAL_MS,
} from '../../../projections/opinion-shopping/opinion-shopping.timer.js';
import { OpinionShoppingUpgrade } from '../../../projections/opinion-shopping/opinion-shopping.upgrade.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { runsBackgroundWork } from '../../runtime/engine-role.js';
import { CaseModule } from '../case/case.module.js';
import { OpinionShoppingController } from './opinion-shopping.controller.js';

/**
 * Opinion-shopping detection: the `opinion-shopping` projection (registered with the runner through
 * @RegisteredProjection), the start-up upgrade of its older generations, its OS-3 timer, the flag queries and the committee's review command.
 * Thresholds and the timer's interval come from the runtime configuration (OPINION_SHOPPING_*, with
 * the significance of findings from the case policy). CommandPath comes from CaseModule;
 * PROJECTION_SCHEMAS and AccessRecorder from the global ProjectionsModule.
 */
@Module({
  imports: [CaseModule],
  controllers: [OpinionShoppingController],
  providers: [
    {
      provide: SHOPPING_POLICY,
      inject: [RUNTIME_CONFIG],
      useFactory: (config: RuntimeConfig) => config.opinionShopping.policy,
    },
    {
      provide: SHOPPING_REEVALUATION_INTERVAL_MS,
      inject: [RUNTIME_CONFIG],
      // An API-role process leaves the timer to the projector (0: off).
      useFactory: (config: RuntimeConfig) =>
        runsBackgroundWork(config.role) ? config.opinionShopping.reevaluationIntervalMs : 0,
    },
    OpinionShoppingProjection,
    OpinionShoppingUpgrade,
    OpinionShoppingQueries,
    OpinionShoppingTimer,
    { provide: KNOWN_SHOPPING_FLAGS, useExisting: OpinionShoppingQueries },
    FlagReviewAggregate,
    ReviewShoppingFlagHandler,
  ],
  exports: [OpinionShoppingQueries, OpinionShoppingTimer],
})
export class OpinionShoppingModule {}
