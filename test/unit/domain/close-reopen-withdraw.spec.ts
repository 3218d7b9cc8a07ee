import { describe, expect, it } from '@jest/globals';
import { currentConsensus } from '../../../src/domain/index.js';
import {
  assignmentEnded,
  PRIOR,
  absent,
  assign,
  assigned,
  caseAfter,
  closeCase,
  closed,
  consensus,
  given,
  hasRead,
  present,
  reading,
  reopenCase,
  reopened,
  requested,
  startRead,
  submitOpinion,
  submitted,
  withdrawCase,
  withdrawn,
} from './case.builders.js';

const oneRead = requested({ readsRequired: 1, priorReport: PRIOR });
const roundOne = [
  oneRead,
  ...hasRead('rad-a', [absent('fracture')], { blinded: false, priorReportReview: { score: '1' } }),
  consensus({
    findings: [absent('fracture')],
    method: 'concordance',
    basedOn: ['op-rad-a'],
    outcome: 'confirmed',
  }),
];
const closedCase = [...roundOne, closed('confirmed')];

describe('CloseCase', () => {
  it("closes a case in consensus with the consensus's outcome", () => {
    given(roundOne)
      .when(closeCase())
      .then([closed('confirmed')]);
  });

  it('keeps the closing note', () => {
    given(roundOne)
      .when(closeCase('Reported back to the requester.'))
      .then([
        { type: 'CaseClosed', data: { outcome: 'confirmed', note: 'Reported back to the requester.' } },
      ]);
  });
});

describe('ReopenCase', () => {
  it('opens the next round', () => {
    given(closedCase)
      .when(reopenCase('New clinical history'))
      .then([reopened(2, 'New clinical history')]);
    given([...closedCase, reopened(2)])
      .when(startRead('rad-a'))
      .thenThrows('reader-not-assigned');
  });

  it("ends the earlier round's assignments, keeps its opinions and consensus in history", () => {
    const state = caseAfter([...closedCase, reopened(2)]);
    expect(state).toMatchObject({ status: 'in-review', round: 2 });
    expect(state.assignments.get('asg-rad-a')?.status).toBe('ended');
    expect(state.opinions.has('op-rad-a')).toBe(true);
    expect(state.rounds.map((round) => [round.round, round.consensus?.outcome])).toEqual([
      [1, 'confirmed'],
      [2, undefined],
    ]);
  });

  it('needs new primaries independent of every earlier reader, up to readsRequired', () => {
    const reopenedCase = [...closedCase, reopened(2)];
    given(reopenedCase).when(assign('rad-a')).thenThrows('reader-not-independent');
    given(reopenedCase)
      .when(assign('rad-b'))
      .then([assigned('rad-b', { round: 2 })]);
  });

  it("supersedes the earlier consensus with the new round's, which the case then closes with", () => {
    const roundTwo = [...closedCase, reopened(2), ...reading('rad-b', { round: 2, blinded: false })];
    const decided = given(roundTwo)
      .when(
        submitOpinion('rad-b', [absent('fracture'), absent('joint-effusion')], {
          priorReportReview: { score: '2a' },
        }),
      )
      .events();
    expect(decided.at(-1)).toEqual(
      consensus({
        round: 2,
        findings: [absent('fracture'), absent('joint-effusion')],
        impression: 'Impression of rad-b.',
        method: 'concordance',
        basedOn: ['op-rad-b'],
        outcome: 'amended',
      }),
    );
    const state = caseAfter([...roundTwo, ...decided]);
    expect(currentConsensus(state)).toMatchObject({ round: 2, outcome: 'amended' });
    given([...roundTwo, ...decided])
      .when(closeCase())
      .then([closed('amended')]);
  });

  it('reopens again into a third round', () => {
    const roundTwoClosed = [
      ...closedCase,
      reopened(2),
      ...hasRead('rad-b', [absent('fracture')], {
        round: 2,
        blinded: false,
        priorReportReview: { score: '1' },
      }),
      consensus({
        round: 2,
        findings: [absent('fracture')],
        method: 'concordance',
        basedOn: ['op-rad-b'],
        outcome: 'confirmed',
      }),
      closed('confirmed'),
    ];
    given(roundTwoClosed)
      .when(reopenCase())
      .then([reopened(3)]);
  });
});

describe('WithdrawCase', () => {
  it.each([
    { state: 'requested', history: [oneRead], ended: [] },
    {
      state: 'in-review',
      history: [oneRead, ...reading('rad-a')],
      // The read never submitted is ended by its own event, with the reason.
      ended: [assignmentEnded('rad-a', 'case-withdrawn')],
    },
  ])('withdraws a case $state', ({ history, ended }) => {
    given(history)
      .when(withdrawCase('Patient moved abroad'))
      .then([withdrawn('Patient moved abroad'), ...ended]);
  });

  it('ends every open assignment, and nothing is accepted afterwards', () => {
    const history = [
      requested({ readsRequired: 2 }),
      ...hasRead('rad-a', [present('fracture')]),
      ...reading('rad-b'),
      withdrawn(),
    ];
    const state = caseAfter(history);
    expect([...state.assignments.values()].map((assignment) => assignment.status)).toEqual([
      'ended',
      'ended',
    ]);
    given(history)
      .when(submitOpinion('rad-b', [present('fracture')]))
      .thenThrows('case-withdrawn');
  });

  it('keeps an opinion signed before the withdrawal', () => {
    const state = caseAfter([
      requested({ readsRequired: 2 }),
      ...reading('rad-a'),
      submitted('rad-a', []),
      withdrawn(),
    ]);
    expect(state.opinions.has('op-rad-a')).toBe(true);
  });
});
