import type { Decider, DomainEvent } from '../kernel/decider.js';
import { DomainError } from '../kernel/domain-error.js';

/**
 * A quality-committee review of an opinion-shopping flag (docs/projections.md): an event of its own,
 * `ShoppingFlagReviewed`, in the stream `flag-<flagId>`. A flag may be reviewed again (the
 * committee changes its mind, or follows up); it keeps every review, and its status and disposition
 * are its latest review's. Whether the flag exists is a fact of the read model, checked by the
 * application before it decides.
 */

export const FLAG_DISPOSITIONS = ['dismissed', 'confirmed', 'needs-follow-up'] as const;
export type FlagDisposition = (typeof FLAG_DISPOSITIONS)[number];

/**
 * Where a flag stands (docs/projections.md "Flag status"): `open` until its first review, then what
 * its latest review's disposition says. Any status may be reviewed again, so a resolved flag goes
 * back to the queue with a later `needs-follow-up`.
 */
export const FLAG_STATUSES = ['open', 'needs-follow-up', 'resolved'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/** The status each disposition leaves a flag in: only `needs-follow-up` keeps it in the queue. */
export const FLAG_STATUS_AFTER: Readonly<Record<FlagDisposition, Exclude<FlagStatus, 'open'>>> = {
  'needs-follow-up': 'needs-follow-up',
  dismissed: 'resolved',
  confirmed: 'resolved',
};

/** A flag's status from its latest review's disposition (none: never reviewed). */
export const flagStatus = (latest: FlagDisposition | undefined): FlagStatus =>
  latest === undefined ? 'open' : FLAG_STATUS_AFTER[latest];

/**
 * What a list can ask for: one status, or a view over several — `unresolved` is the committee's
 * queue (open or needs-follow-up), `reviewed` every flag reviewed at least once.
 */
export const FLAG_STATUS_FILTERS = [...FLAG_STATUSES, 'unresolved', 'reviewed'] as const;
export type FlagStatusFilter = (typeof FLAG_STATUS_FILTERS)[number];

/** The statuses each filter value stands for. */
export const STATUSES_OF: Readonly<Record<FlagStatusFilter, readonly FlagStatus[]>> = {
  open: ['open'],
  'needs-follow-up': ['needs-follow-up'],
  resolved: ['resolved'],
  unresolved: ['open', 'needs-follow-up'],
  reviewed: ['needs-follow-up', 'resolved'],
};

/** The dispositions a latest review may have for a flag to be in `status` (none for `open`). */
export const dispositionsLeavingIn = (status: FlagStatus): FlagDisposition[] =>
  FLAG_DISPOSITIONS.filter((disposition) => FLAG_STATUS_AFTER[disposition] === status);

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
  readonly status: FlagStatus;
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
  initialState: () => ({ reviews: 0, status: 'open' }),
  decide: (command) => reviewShoppingFlag(command),
  evolve: (state, event) => ({
    reviews: state.reviews + 1,
    disposition: event.data.disposition,
    status: flagStatus(event.data.disposition),
  }),
};
