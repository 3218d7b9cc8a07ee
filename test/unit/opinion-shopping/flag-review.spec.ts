import { describe, expect, it } from '@jest/globals';
import {
  flagReviewDecider,
  flagStreamId,
  type ReviewShoppingFlag,
  type ShoppingFlagReviewed,
} from '../../../src/domain/opinion-shopping/flag-review.js';
import { flagIdFor } from '../../../src/projections/opinion-shopping/flag-id.js';
import { deciderSpecification } from '../domain/decider-specification.js';

const { given } = deciderSpecification(flagReviewDecider);
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
    expect(state).toEqual({ reviews: 2, disposition: 'dismissed' });
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
