import { Injectable } from '@nestjs/common';
import {
  FLAG_REVIEWED_SCHEMA_VERSION,
  type FlagReviewState,
  flagReviewDecider,
  type ReviewShoppingFlag,
  SHOPPING_FLAG_REVIEWED,
  type ShoppingFlagReviewed,
} from '../../domain/opinion-shopping/flag-review.js';
import type { Decider } from '../../domain/kernel/decider.js';
import type { AggregateDefinition } from '../command-path/command-path.js';
import type { RecordedEvent } from '../ports/event-store.port.js';

/** How flag reviews are stored: stream `flag-<flagId>`, one `ShoppingFlagReviewed` per review. */
@Injectable()
export class FlagReviewAggregate implements AggregateDefinition<
  ReviewShoppingFlag,
  ShoppingFlagReviewed,
  FlagReviewState
> {
  readonly decider: Decider<ReviewShoppingFlag, ShoppingFlagReviewed, FlagReviewState> = flagReviewDecider;

  fromStored(event: RecordedEvent): ShoppingFlagReviewed {
    if (event.type !== SHOPPING_FLAG_REVIEWED) {
      throw new Error(`Stream ${event.streamId} holds a ${event.type}; a flag stream holds only reviews.`);
    }
    return { type: SHOPPING_FLAG_REVIEWED, data: event.data as ShoppingFlagReviewed['data'] };
  }

  schemaVersionOf(): number {
    return FLAG_REVIEWED_SCHEMA_VERSION;
  }
}
