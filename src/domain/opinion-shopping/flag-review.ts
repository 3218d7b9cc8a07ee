import type { Decider, DomainEvent } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';

/**
 * A quality-committee review of an opinion-shopping flag (docs/projections.md): an event of its own,
 * `ShoppingFlagReviewed`, in the stream `flag-<flagId>`. A flag may be reviewed again (the
 * committee changes its mind, or follows up); the flag shows its latest disposition. Whether the
 * flag exists is a fact of the read model, checked by the application before it decides.
 */

export const FLAG_DISPOSITIONS = ['dismissed', 'confirmed', 'needs-follow-up'] as const;
export type FlagDisposition = (typeof FLAG_DISPOSITIONS)[number];

/** `os<n>-` and 32 hex digits, as `flagIds` makes them. */
export const FLAG_ID_PATTERN = /^os[1-5]-[0-9a-f]{32}$/;

export const FLAG_STREAM_PREFIX = 'flag-';
export const flagStreamId = (flagId: string): string => `${FLAG_STREAM_PREFIX}${flagId}`;

export const SHOPPING_FLAG_REVIEWED = 'ShoppingFlagReviewed';

export type ShoppingFlagReviewed = DomainEvent<
  typeof SHOPPING_FLAG_REVIEWED,
  { flagId: string; disposition: FlagDisposition; note: string; reviewedBy: string }
>;

export interface ReviewShoppingFlag {
  readonly type: 'ReviewShoppingFlag';
  readonly data: { flagId: string; disposition: FlagDisposition; note: string };
  readonly metadata: { actor: { id: string } };
}

export interface FlagReviewState {
  readonly reviews: number;
  readonly disposition?: FlagDisposition;
}

export const FLAG_REVIEWED_SCHEMA_VERSION = 1;

const isDisposition = (value: unknown): value is FlagDisposition =>
  (FLAG_DISPOSITIONS as readonly unknown[]).includes(value);

export function reviewShoppingFlag(command: ReviewShoppingFlag): [ShoppingFlagReviewed] {
  const { flagId, disposition, note } = command.data;
  if (!FLAG_ID_PATTERN.test(flagId)) {
    throw new DomainError('not-found', `There is no opinion-shopping flag ${flagId.slice(0, 64)}.`);
  }
  if (!isDisposition(disposition)) {
    throw new DomainError(
      'invalid-disposition',
      `Disposition "${String(disposition)}" is unknown; use ${FLAG_DISPOSITIONS.join(', ')}.`,
    );
  }
  if (note.trim() === '') {
    throw new DomainError('note-required', 'A review needs a note saying why the committee decided so.');
  }
  return [
    {
      type: SHOPPING_FLAG_REVIEWED,
      data: { flagId, disposition, note, reviewedBy: command.metadata.actor.id },
    },
  ];
}

export const flagReviewDecider: Decider<ReviewShoppingFlag, ShoppingFlagReviewed, FlagReviewState> = {
  initialState: () => ({ reviews: 0 }),
  decide: (command) => reviewShoppingFlag(command),
  evolve: (state, event) => ({ reviews: state.reviews + 1, disposition: event.data.disposition }),
};
