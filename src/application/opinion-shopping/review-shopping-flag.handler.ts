import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { flagStatus, flagStreamId } from '../../domain/opinion-shopping/flag-review.js';
import { DomainError } from '../../domain/kernel/domain-error.js';
import { CommandPath } from '../command-path/command-path.js';
import { FlagReviewAggregate } from './flag-review.aggregate.js';
import { KNOWN_SHOPPING_FLAGS, type KnownShoppingFlags } from './known-shopping-flags.port.js';
import { ReviewShoppingFlagCommand, type ShoppingFlagReviewOutcome } from './review-shopping-flag.command.js';

/**
 * A committee review: the flag must have been raised (read model, so an unknown flag is a 404
 * before anything is appended), then the generic command path appends `ShoppingFlagReviewed` to
 * `flag-<flagId>` with the expected revision (If-Match, retries, idempotent replays).
 */
@CommandHandler(ReviewShoppingFlagCommand)
export class ReviewShoppingFlagHandler implements ICommandHandler<
  ReviewShoppingFlagCommand,
  ShoppingFlagReviewOutcome
> {
  constructor(
    private readonly path: CommandPath,
    private readonly aggregate: FlagReviewAggregate,
    @Inject(KNOWN_SHOPPING_FLAGS) private readonly flags: KnownShoppingFlags,
  ) {}

  async execute({ data, context }: ReviewShoppingFlagCommand): Promise<ShoppingFlagReviewOutcome> {
    if (!(await this.flags.exists(data.flagId))) {
      throw new DomainError('not-found', `There is no opinion-shopping flag ${data.flagId}.`);
    }
    const result = await this.path.execute(this.aggregate, flagStreamId(data.flagId), context, () => ({
      type: 'ReviewShoppingFlag' as const,
      data,
      metadata: { actor: context.actor },
    }));
    const [review] = result.events;
    const disposition = review?.data.disposition ?? data.disposition;
    return {
      flagId: data.flagId,
      disposition,
      status: flagStatus(disposition),
      revision: result.revision,
      replayed: result.replayed,
    };
  }
}
