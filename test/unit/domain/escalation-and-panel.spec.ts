import { describe, expect, it } from '@jest/globals';
import { defaultCasePolicy, type CaseEvent, type Finding, type Outcome } from '../../../src/domain/index.js';
import {
  PRIOR,
  absent,
  assign,
  assigned,
  caseAfter,
  consensus,
  escalate,
  escalated,
  given,
  hasRead,
  present,
  reading,
  requested,
  specification,
  startRead,
  submitOpinion,
  submitted,
  unassign,
  unassigned,
  uncertain,
} from './case.builders.js';

const inReview = [
  requested({ readsRequired: 2, priorReport: PRIOR }),
  ...hasRead('rad-a', [present('fracture')]),
];
const awaitingAdjudication = [
  ...inReview,
  ...hasRead('rad-b', [absent('fracture')]),
  escalated('adjudication', 'reader-discordance'),
  ...reading('rad-c', { role: 'adjudicator', blinded: false }),
];
const awaitingPanel = [...awaitingAdjudication, escalated('panel', 'quality-review')];
const panelist = (readerId: string) => reading(readerId, { role: 'panelist', blinded: false });
const vote = (readerId: string, findings: Finding[]) => submitted(readerId, findings, { role: 'panelist' });

describe('EscalateCase', () => {
  it.each([
    { level: 'adjudication' as const, from: 'in-review', history: inReview },
    { level: 'panel' as const, from: 'awaiting-adjudication', history: awaitingAdjudication },
  ])('escalates to $level from $from', ({ level, history }) => {
    given(history)
      .when(escalate(level, 'requester-appeal'))
      .then([escalated(level, 'requester-appeal')]);
  });

  it.each([
    { level: 'panel' as const, from: 'in-review', history: inReview },
    { level: 'adjudication' as const, from: 'awaiting-adjudication', history: awaitingAdjudication },
  ])('refuses $level from $from', ({ level, history }) => {
    given(history).when(escalate(level)).thenThrows('invalid-state');
  });

  it('ends the adjudicator assignment when a panel takes over', () => {
    const state = caseAfter(awaitingPanel);
    expect(state.status).toBe('awaiting-panel');
    expect(state.assignments.get('asg-rad-c')?.status).toBe('ended');
    expect(state.assignments.get('asg-rad-a')?.status).toBe('open');
    given(awaitingPanel).when(startRead('rad-c')).thenThrows('reader-not-assigned');
  });
});

describe('the panel', () => {
  it('assigns panelists, never blinded', () => {
    given(awaitingPanel)
      .when(assign('rad-p1', { role: 'panelist' }))
      .then([assigned('rad-p1', { role: 'panelist', blinded: false })]);
  });

  it('records votes until every assigned panelist has voted', () => {
    const history = [...awaitingPanel, ...panelist('rad-p1'), ...panelist('rad-p2'), ...panelist('rad-p3')];
    given(history)
      .when(submitOpinion('rad-p1', [present('fracture')]))
      .then([vote('rad-p1', [present('fracture')])]);
  });

  const threeVotes = (p1: Finding[], p2: Finding[], p3: Finding[]): [CaseEvent[], Finding[]] => [
    [
      ...awaitingPanel,
      ...panelist('rad-p1'),
      ...panelist('rad-p2'),
      ...panelist('rad-p3'),
      vote('rad-p1', p1),
      vote('rad-p2', p2),
    ],
    p3,
  ];
  const votes = ['op-rad-p1', 'op-rad-p2', 'op-rad-p3'];

  it.each<{
    case: string;
    p1: Finding[];
    p2: Finding[];
    p3: Finding[];
    findings: Finding[];
    dissent: { code: string; opinionIds: string[] }[];
    outcome: Outcome;
  }>([
    {
      case: 'a strict majority decides',
      p1: [present('fracture')],
      p2: [present('fracture')],
      p3: [absent('fracture')],
      findings: [present('fracture')],
      dissent: [],
      outcome: 'overturned',
    },
    {
      case: 'an uncertain vote counts as cast',
      p1: [present('fracture')],
      p2: [present('fracture')],
      p3: [uncertain('fracture')],
      findings: [present('fracture')],
      dissent: [],
      outcome: 'overturned',
    },
    {
      case: 'no majority: uncertain, every vote in dissent',
      p1: [present('fracture')],
      p2: [absent('fracture')],
      p3: [uncertain('fracture')],
      findings: [uncertain('fracture')],
      dissent: [{ code: 'fracture', opinionIds: votes }],
      outcome: 'confirmed',
    },
    {
      case: 'a tie among the votes cast on a code: uncertain',
      p1: [present('fracture'), present('joint-effusion')],
      p2: [absent('fracture')],
      p3: [present('fracture'), absent('joint-effusion')],
      findings: [present('fracture'), uncertain('joint-effusion')],
      dissent: [{ code: 'joint-effusion', opinionIds: ['op-rad-p1', 'op-rad-p3'] }],
      outcome: 'overturned',
    },
    {
      case: 'a code one panelist assessed: its single vote is the majority',
      p1: [present('fracture')],
      p2: [present('fracture')],
      p3: [present('fracture'), absent('dislocation')],
      findings: [present('fracture'), absent('dislocation')],
      dissent: [],
      outcome: 'overturned',
    },
  ])('$case', ({ p1, p2, p3, findings, dissent, outcome }) => {
    const [history, last] = threeVotes(p1, p2, p3);
    given(history)
      .when(submitOpinion('rad-p3', last))
      .then([
        vote('rad-p3', last),
        consensus({
          findings,
          method: 'panel-majority',
          basedOn: votes,
          dissent,
          outcome,
        }),
      ]);
  });

  it('breaks a four-way tie into uncertain', () => {
    const history = [
      ...awaitingPanel,
      ...['rad-p1', 'rad-p2', 'rad-p3', 'rad-p4'].flatMap(panelist),
      vote('rad-p1', [present('fracture')]),
      vote('rad-p2', [present('fracture')]),
      vote('rad-p3', [absent('fracture')]),
    ];
    const [, reached] = given(history)
      .when(submitOpinion('rad-p4', [absent('fracture')]))
      .events();
    expect(reached).toMatchObject({
      type: 'ConsensusReached',
      data: {
        findings: [uncertain('fracture')],
        dissent: [{ code: 'fracture', opinionIds: ['op-rad-p1', 'op-rad-p2', 'op-rad-p3', 'op-rad-p4'] }],
      },
    });
  });

  describe('needs at least the policy minimum (3)', () => {
    const twoPanelists = [
      ...awaitingPanel,
      ...panelist('rad-p1'),
      ...panelist('rad-p2'),
      vote('rad-p1', [present('fracture')]),
    ];

    it('does not decide with two panelists who have both voted', () => {
      given(twoPanelists)
        .when(submitOpinion('rad-p2', [present('fracture')]))
        .then([vote('rad-p2', [present('fracture')])]);
    });

    it('decides with two when the policy allows it', () => {
      const events = specification({ ...defaultCasePolicy, panelMinSize: 2 })
        .given(twoPanelists)
        .when(submitOpinion('rad-p2', [present('fracture')]))
        .events();
      expect(events.map((event) => event.type)).toEqual(['OpinionSubmitted', 'ConsensusReached']);
    });
  });

  it('decides when the one panelist yet to vote is unassigned', () => {
    const history = [
      ...awaitingPanel,
      ...['rad-p1', 'rad-p2', 'rad-p3'].flatMap(panelist),
      assigned('rad-p4', { role: 'panelist' }),
      vote('rad-p1', [present('fracture')]),
      vote('rad-p2', [present('fracture')]),
      vote('rad-p3', [present('fracture')]),
    ];
    given(history)
      .when(unassign('asg-rad-p4'))
      .then([
        unassigned('rad-p4'),
        consensus({
          findings: [present('fracture')],
          method: 'panel-majority',
          basedOn: votes,
          outcome: 'overturned',
        }),
      ]);
  });

  it('refuses a prior-report score from a panelist', () => {
    given([...awaitingPanel, ...panelist('rad-p1')])
      .when(submitOpinion('rad-p1', [present('fracture')], { priorReportReview: { score: '1' } }))
      .thenThrows('invalid-assignment-role');
  });
});
