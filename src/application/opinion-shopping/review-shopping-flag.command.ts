import { Command } from '@nestjs/cqrs';
import type { FlagStatus, ReviewShoppingFlag } from '../../domain/opinion-shopping/flag-review.js';
import type { CommandContext } from '../command-path/command-path.js';

export interface ShoppingFlagReviewOutcome {
  flagId: string;
  disposition: ReviewShoppingFlag['data']['disposition'];
  /** Where the review leaves the flag. */
  status: FlagStatus;
  /** Revision of the flag stream after the review (the ETag). */
  revision: number;
  replayed: boolean;
}

export class ReviewShoppingFlagCommand extends Command<ShoppingFlagReviewOutcome> {
  constructor(
    readonly data: ReviewShoppingFlag['data'],
    readonly context: CommandContext,
  ) {
    super();
  }
}
