import { describe, expect, it } from '@jest/globals';
import type { ReaderRole } from '../../../domain/index.js';
import {
  PRIOR_AUTHOR,
  assign,
  assigned,
  caseAfter,
  escalated,
  expectGeneratedIdNeeded,
  given,
  hasRead,
  oneRead,
  present,
  reading,
  reopenedAfterOneRead,
  twoReads,
  unassigned,
} from '../case-spec.support.js';

const agreed = [present('fracture')];
const roundTwo = reopenedAfterOneRead(oneRead, agreed, 'overturned');
const awaitingAdjudication = [
  twoReads,
  ...hasRead('rad-a', agreed),
  escalated('adjudication', 'clinical-concern'),
];

describe('AssignReader', () => {
  describe('blinding', () => {
    it('assigns a primary blinded by default and puts the case in review', () => {
      given([twoReads])
        .when(assign('rad-a'))
        .then([assigned('rad-a', { blinded: true })]);
      expect(given([twoReads]).when(assign('rad-a')).state()).toMatchObject({ status: 'in-review' });
    });

    it('assigns an unblinded primary when asked', () => {
      given([twoReads])
        .when(assign('rad-a', { blinded: false }))
        .then([assigned('rad-a', { blinded: false })]);
    });

    it.each([
      { role: 'adjudicator' as const, history: awaitingAdjudication },
      {
        role: 'panelist' as const,
        history: [
          ...awaitingAdjudication,
          assigned('rad-c', { role: 'adjudicator' }),
          escalated('panel', 'quality-review'),
        ],
      },
    ])('never blinds an $role', ({ role, history }) => {
      given(history)
        .when(assign('rad-x', { role }))
        .then([assigned('rad-x', { role, blinded: false })]);
      given(history)
        .when(assign('rad-x', { role, blinded: false }))
        .then([assigned('rad-x', { role, blinded: false })]);
      given(history)
        .when(assign('rad-x', { role, blinded: true }))
        .thenThrows('invalid-blinding');
    });
  });

  describe('the role each state assigns', () => {
    it.each([
      { state: 'requested', history: [twoReads], role: 'adjudicator' as const },
      { state: 'in-review', history: [twoReads, assigned('rad-a')], role: 'adjudicator' as const },
      { state: 'in-review', history: [twoReads, assigned('rad-a')], role: 'panelist' as const },
      { state: 'awaiting-adjudication', history: awaitingAdjudication, role: 'primary' as const },
      { state: 'awaiting-adjudication', history: awaitingAdjudication, role: 'panelist' as const },
    ])('refuses an $role while $state', ({ history, role }) => {
      given(history).when(assign('rad-x', { role })).thenThrows('invalid-state');
    });
  });

  describe('independence', () => {
    it('refuses the author of the prior report', () => {
      given([twoReads]).when(assign(PRIOR_AUTHOR)).thenThrows('reader-not-independent');
    });

    it.each([
      { held: 'an open assignment', history: [twoReads, assigned('rad-a')] },
      { held: 'a submitted assignment', history: [twoReads, ...hasRead('rad-a', agreed)] },
      {
        held: 'an assignment unassigned after its read started',
        history: [twoReads, ...reading('rad-a'), unassigned('rad-a')],
      },
      {
        held: 'a primary assignment, as adjudicator',
        history: awaitingAdjudication,
        role: 'adjudicator' as const,
      },
      {
        held: 'an ended adjudicator assignment, as panelist',
        history: [
          ...awaitingAdjudication,
          ...reading('rad-c', { role: 'adjudicator', blinded: false }),
          escalated('panel', 'quality-review'),
        ],
        reader: 'rad-c',
        role: 'panelist' as const,
      },
      { held: 'a reading in an earlier round', history: roundTwo },
    ])('refuses a reader who held $held', ({ history, reader = 'rad-a', role = 'primary' as ReaderRole }) => {
      given(history)
        .when(assign(reader, { role }, 'asg-again'))
        .thenThrows('reader-not-independent');
    });

    // A reader unassigned before starting was shown nothing, so it is still independent.
    it('assigns again a reader unassigned before its read started', () => {
      given([twoReads, assigned('rad-a'), unassigned('rad-a')])
        .when(assign('rad-a', {}, 'asg-again'))
        .then([assigned('rad-a', { assignmentId: 'asg-again' })]);
    });

    it('assigns a new reader in a reopened round', () => {
      given(roundTwo)
        .when(assign('rad-b'))
        .then([assigned('rad-b', { round: 2 })]);
    });
  });

  describe('how many readers', () => {
    it.each([
      { policy: '1 read', history: [oneRead, assigned('rad-a')] },
      { policy: '1 read', history: [oneRead, ...hasRead('rad-a', agreed)] },
      { policy: '2 reads', history: [twoReads, assigned('rad-a'), assigned('rad-b')] },
      { policy: '2 reads', history: [twoReads, ...hasRead('rad-a', agreed), assigned('rad-b')] },
      {
        policy: '1 read, reopened',
        history: [...roundTwo, assigned('rad-b', { round: 2 })],
      },
    ])('refuses a primary beyond the $policy policy', ({ history }) => {
      given(history).when(assign('rad-z')).thenThrows('too-many-readers');
    });

    it.each([
      { policy: '2 reads, one assigned', history: [twoReads, assigned('rad-a')] },
      { policy: '1 read, the one unassigned', history: [oneRead, assigned('rad-a'), unassigned('rad-a')] },
      { policy: '1 read, in a new round', history: roundTwo },
    ])('assigns a primary within the policy ($policy)', ({ history }) => {
      expect(given(history).when(assign('rad-z')).events()).toHaveLength(1);
    });

    it('has one adjudicator at a time', () => {
      const withAdjudicator = [...awaitingAdjudication, assigned('rad-c', { role: 'adjudicator' })];
      given(withAdjudicator)
        .when(assign('rad-d', { role: 'adjudicator' }))
        .thenThrows('too-many-readers');
      given([...withAdjudicator, unassigned('rad-c')])
        .when(assign('rad-d', { role: 'adjudicator' }))
        .then([assigned('rad-d', { role: 'adjudicator' })]);
    });
  });

  it('needs the assignmentId the application generated (a bug, not a client error)', () => {
    expectGeneratedIdNeeded([twoReads], assign('rad-a'));
  });

  it('keeps the assignment in the folded state', () => {
    const state = caseAfter([twoReads, assigned('rad-a', { blinded: false })]);
    expect(state.assignments.get('asg-rad-a')).toEqual({
      assignmentId: 'asg-rad-a',
      round: 1,
      readerId: 'rad-a',
      role: 'primary',
      blinded: false,
      status: 'open',
      readStarted: false,
      shown: [],
    });
  });
});
