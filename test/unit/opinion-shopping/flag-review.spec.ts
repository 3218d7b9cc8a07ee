import { describe, expect, it } from '@jest/globals';
import {
  FLAG_STATUS_FILTERS,
  flagReviewDecider,
  flagStatus,
  flagStreamId,
  STATUSES_OF,
  type ReviewShoppingFlag,
  type ShoppingFlagReviewed,
} from '../../../src/domain/opinion-shopping/flag-review.js';
import { flagIdFor } from '../../../src/projections/opinion-shopping/flag-id.js';
import { deciderSpecification } from '../domain/decider-specification.js';

const { given, fold } = deciderSpecification(flagReviewDecider);
const FLAG = flagIdFor('OS-2', 'pt-1', 'wrist', 'evt-5');

const review = (data: Partial<ReviewShoppingFlag['data']> = {}, actor = 'qc-1'): ReviewShoppingFlag => ({
  type: 'ReviewShoppingFlag',
  data: { flagId: FLAG, disposition: 'confirmed', note: 'Five requests in a month.', ...data },
  metadata: { actor: { id: actor } },
});
const reviewed = (data: Partial<ShoppingFlagReviewed['data']> = {}): ShoppingFlagReviewed => ({
  type: 'ShoppingFlagReviewed',
  data: {
    flagId: FLAG,
    disposition: 'confirmed',
    note: 'Five requests in a month.',
    reviewedBy: 'qc-1',
    ...data,
  },
});

describe('ReviewShoppingFlag', () => {
  it('records the review with who reviewed, in the stream flag-<flagId>', () => {
    given([]).when(review()).then([reviewed()]);
    expect(flagStreamId(FLAG)).toBe(`flag-${FLAG}`);
  });

  it('may review again: the latest disposition is the flag’s', () => {
    const state = given([reviewed({ disposition: 'needs-follow-up' })])
      .when(review({ disposition: 'dismissed', note: 'Explained by the surgeon.' }, 'qc-2'))
      .state();
    expect(state).toEqual({ reviews: 2, disposition: 'dismissed', status: 'resolved' });
  });

  it('keeps a flag in the queue while its latest review asks for follow-up', () => {
    expect(fold([])).toEqual({ reviews: 0, status: 'open' });
    expect(
      fold([reviewed({ disposition: 'confirmed' }), reviewed({ disposition: 'needs-follow-up' })]),
    ).toEqual({ reviews: 2, disposition: 'needs-follow-up', status: 'needs-follow-up' });
    expect(flagStatus(undefined)).toBe('open');
    expect(flagStatus('needs-follow-up')).toBe('needs-follow-up');
    expect(flagStatus('dismissed')).toBe('resolved');
    expect(flagStatus('confirmed')).toBe('resolved');
  });

  it('names the statuses each list filter stands for', () => {
    expect(Object.keys(STATUSES_OF).sort()).toEqual([...FLAG_STATUS_FILTERS].sort());
    expect(STATUSES_OF.unresolved).toEqual(['open', 'needs-follow-up']);
    expect(STATUSES_OF.reviewed).toEqual(['needs-follow-up', 'resolved']);
  });

  it('refuses a disposition outside dismissed / confirmed / needs-follow-up', () => {
    given([])
      .when(review({ disposition: 'ignored' as never }))
      .thenThrows('invalid-disposition');
  });

  it('refuses a review without a note', () => {
    given([])
      .when(review({ note: ' \n ' }))
      .thenThrows('note-required');
  });

  it('treats an id that no rule makes as a flag that does not exist', () => {
    given([])
      .when(review({ flagId: 'os9-nothing' }))
      .thenThrows('not-found');
  });
});
