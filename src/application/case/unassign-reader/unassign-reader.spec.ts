import { describe, expect, it } from '@jest/globals';
import {
  absent,
  assigned,
  caseAfter,
  given,
  hasRead,
  reading,
  twoReads,
  unassign,
  unassigned,
  withdrawn,
} from '../case-spec.support.js';

describe('UnassignReader', () => {
  it.each([
    { read: 'not started', history: [twoReads, assigned('rad-a')] },
    { read: 'in progress', history: [twoReads, ...reading('rad-a')] },
  ])('unassigns a reader whose read is $read, with the reason', ({ history }) => {
    given(history)
      .when(unassign('asg-rad-a', 'Conflict of interest'))
      .then([unassigned('rad-a', 'asg-rad-a', 'Conflict of interest')]);
  });

  it('frees the place for another reader and keeps the reason', () => {
    const state = caseAfter([
      twoReads,
      assigned('rad-a'),
      unassigned('rad-a', 'asg-rad-a', 'Conflict of interest'),
    ]);
    expect(state.assignments.get('asg-rad-a')).toMatchObject({
      status: 'unassigned',
      unassignReason: 'Conflict of interest',
    });
  });

  it.each([
    {
      why: 'after the opinion',
      history: [twoReads, ...hasRead('rad-a', [absent('fracture')])],
      code: 'already-submitted',
    },
    {
      why: 'twice',
      history: [twoReads, assigned('rad-a'), unassigned('rad-a')],
      code: 'reader-not-assigned',
    },
    { why: 'for an unknown assignment', history: [twoReads, assigned('rad-b')], code: 'not-found' },
    {
      why: 'on a withdrawn case',
      history: [twoReads, assigned('rad-a'), withdrawn()],
      code: 'case-withdrawn',
    },
  ])('is refused $why ($code)', ({ history, code }) => {
    given(history).when(unassign('asg-rad-a')).thenThrows(code);
  });
});
