import { describe, expect, it } from '@jest/globals';
import { materialsFor } from '../../../domain/index.js';
import {
  PRIOR,
  absent,
  assigned,
  caseAfter,
  escalated,
  given,
  hasRead,
  integrator,
  notTheReader,
  present,
  reading,
  requested,
  reviewed,
  reviewPriorReport,
  signature,
  twoReads,
  unassigned,
} from '../case-spec.support.js';

const findings = [absent('fracture')];
const afterOpinion = [twoReads, ...hasRead('rad-a', findings)];

describe('ReviewPriorReport (sequential unblinding)', () => {
  it('shows the prior report to a primary that has submitted, and records its signed score', () => {
    given(afterOpinion)
      .when(reviewPriorReport('rad-a', '2b', 'Missed scaphoid fracture.'))
      .then([reviewed('rad-a', '2b', 'Missed scaphoid fracture.')]);
  });

  it('signs for the person an integrator acts for', () => {
    const [event] = given(afterOpinion)
      .when(reviewPriorReport('rad-a', '1', undefined, integrator({ id: 'rad-a', name: 'Dr Ada Byron' })))
      .events();
    expect(event).toMatchObject({ data: { signature: signature('Dr Ada Byron') } });
  });

  it('adds the prior report to what the reader was shown, and to its materials', () => {
    const state = caseAfter([...afterOpinion, reviewed('rad-a', '1')]);
    expect(state.assignments.get('asg-rad-a')?.shown).toEqual([
      'images',
      'clinical-question',
      'prior-report',
    ]);
    expect(materialsFor(state, 'asg-rad-a').priorReport).toEqual(PRIOR);
  });

  it.each([
    { why: 'before the opinion', history: [twoReads, ...reading('rad-a')], code: 'opinion-not-submitted' },
    { why: 'a second time', history: [...afterOpinion, reviewed('rad-a', '1')], code: 'already-reviewed' },
    {
      why: 'after scoring in the opinion',
      history: [
        twoReads,
        ...hasRead('rad-a', findings, { blinded: false, priorReportReview: { score: '1' } }),
      ],
      code: 'already-reviewed',
    },
    {
      why: 'without a prior report',
      history: [requested(), ...hasRead('rad-a', findings)],
      code: 'no-prior-report',
    },
    {
      why: 'for an unknown assignment',
      history: [twoReads, ...hasRead('rad-b', findings)],
      code: 'not-found',
    },
    {
      why: 'for an unassigned reader',
      history: [twoReads, ...reading('rad-a'), unassigned('rad-a')],
      code: 'reader-not-assigned',
    },
    {
      why: 'from an adjudicator',
      history: [
        twoReads,
        ...hasRead('rad-b', [present('fracture')]),
        escalated('adjudication', 'clinical-concern'),
        assigned('rad-a', { role: 'adjudicator' }),
      ],
      code: 'invalid-assignment-role',
    },
  ])('is refused $why ($code)', ({ history, code }) => {
    given(history).when(reviewPriorReport('rad-a', '1')).thenThrows(code);
  });

  it.each(notTheReader('rad-b'))('is refused to $actor', ({ as }) => {
    given(afterOpinion)
      .when(reviewPriorReport('rad-a', '1', undefined, as))
      .thenThrows('not-your-assignment');
  });

  it('must be a RADPEER score', () => {
    given(afterOpinion)
      .when(reviewPriorReport('rad-a', '3c' as '3a'))
      .thenThrows('invalid-radpeer-score');
  });
});
