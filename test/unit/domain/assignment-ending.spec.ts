import { describe, expect, it } from '@jest/globals';
import { caseViewFor, type CaseEvent, type Role } from '../../../src/domain/index.js';
import {
  PRIOR,
  adjudicate,
  adjudicated,
  assigned,
  assignmentEnded,
  caseAfter,
  closeCase,
  closed,
  consensus,
  escalated,
  given,
  hasRead,
  present,
  reading,
  reopened,
  requested,
  unassigned,
  withdrawCase,
  withdrawn,
} from './case.builders.js';

/** rad-a signed; rad-b is still reading (blinded) when the coordinator escalates; rad-c adjudicates. */
const escalatedWithPendingRead: CaseEvent[] = [
  requested({ readsRequired: 2, priorReport: PRIOR }),
  ...hasRead('rad-a', [present('fracture')]),
  ...reading('rad-b'),
  escalated('adjudication', 'requester-appeal'),
  ...reading('rad-c', { role: 'adjudicator', blinded: false }),
];
const adjudicatedByC = adjudicated('rad-c', { selectedOpinionId: 'prior-report', findings: PRIOR.findings });
/** The consensus that adjudication records: the prior report confirmed. */
const confirmedByAdjudication = consensus({
  findings: PRIOR.findings,
  method: 'adjudication',
  basedOn: ['prior-report'],
  outcome: 'confirmed',
});

describe('the engine ends the assignments a case no longer needs', () => {
  it('ends an unsubmitted read when consensus is reached, in the same append', () => {
    const events = given(escalatedWithPendingRead)
      .when(adjudicate('rad-c', { selectedOpinionId: 'prior-report' }))
      .events();
    expect(events.map((event) => event.type)).toEqual([
      'AdjudicationDecided',
      'ConsensusReached',
      'AssignmentEnded',
    ]);
    expect(events.at(-1)).toEqual(assignmentEnded('rad-b', 'consensus-reached'));
  });

  it('ends nothing of the reads that were submitted or adjudicated', () => {
    const events = given(escalatedWithPendingRead)
      .when(adjudicate('rad-c', { findings: [present('fracture')] }))
      .events();
    expect(events.filter((event) => event.type === 'AssignmentEnded')).toEqual([
      assignmentEnded('rad-b', 'consensus-reached'),
    ]);
  });

  it('ends, at closure, a read left open by a consensus recorded before this rule existed', () => {
    given([...escalatedWithPendingRead, adjudicatedByC, confirmedByAdjudication])
      .when(closeCase())
      .then([closed('confirmed'), assignmentEnded('rad-b', 'case-closed')]);
  });

  it('ends unsubmitted reads at withdrawal (the adjudicator too), not the submitted ones', () => {
    given(escalatedWithPendingRead)
      .when(withdrawCase('Patient moved abroad'))
      .then([
        withdrawn('Patient moved abroad'),
        assignmentEnded('rad-b', 'case-withdrawn'),
        assignmentEnded('rad-c', 'case-withdrawn', { role: 'adjudicator' }),
      ]);
  });

  it('records the reason on the assignment', () => {
    const state = caseAfter([
      ...escalatedWithPendingRead,
      adjudicatedByC,
      assignmentEnded('rad-b', 'consensus-reached'),
    ]);
    expect(state.assignments.get('asg-rad-b')).toMatchObject({
      status: 'ended',
      endReason: 'consensus-reached',
    });
  });
});

/** Every way a read can end unsubmitted, and what its reader then sees, whatever roles its token carries. */
const afterConsensus = [
  ...escalatedWithPendingRead,
  adjudicatedByC,
  confirmedByAdjudication,
  assignmentEnded('rad-b', 'consensus-reached'),
];
const BLINDED_HISTORIES: Array<{ when: string; history: CaseEvent[]; visibility: 'reading' | 'blinded' }> = [
  { when: 'while its read is pending', history: escalatedWithPendingRead, visibility: 'reading' },
  { when: 'after consensus', history: afterConsensus, visibility: 'blinded' },
  { when: 'after closure', history: [...afterConsensus, closed('confirmed')], visibility: 'blinded' },
  {
    when: 'after reopening',
    history: [
      ...afterConsensus,
      closed('confirmed'),
      reopened(2),
      ...hasRead('rad-d', [present('fracture')], { round: 2 }),
    ],
    visibility: 'blinded',
  },
  {
    when: 'after withdrawal',
    history: [...escalatedWithPendingRead, withdrawn(), assignmentEnded('rad-b', 'case-withdrawn')],
    visibility: 'blinded',
  },
];
const TOKENS: Role[][] = [
  ['radiologist'],
  ['radiologist', 'quality-committee', 'medico-legal', 'coordinator', 'admin'],
];

describe('a reader who never submitted sees only what its own read showed', () => {
  it.each(BLINDED_HISTORIES.flatMap((row) => TOKENS.map((roles) => ({ ...row, roles }))))(
    '$when, with roles $roles',
    ({ history, visibility, roles }) => {
      const view = caseViewFor(caseAfter(history), { id: 'rad-b', roles });
      expect(view.visibility).toBe(visibility);
      const seen = JSON.stringify(view);
      // No prior report, no other opinion, no adjudication, no consensus or outcome.
      for (const secret of [PRIOR.author, 'op-rad-a', 'op-rad-d', 'Fracture line visible', 'confirmed'])
        expect(seen).not.toContain(secret);
      expect(view).toMatchObject({ assignment: { readerId: 'rad-b' } });
    },
  );

  it('an unassigned reader with other roles stays blinded too; a radiologist-only one sees nothing', () => {
    const history = [
      requested({ readsRequired: 2, priorReport: PRIOR }),
      ...hasRead('rad-a', [present('fracture')]),
      assigned('rad-u'),
      unassigned('rad-u'),
    ];
    expect(
      caseViewFor(caseAfter(history), { id: 'rad-u', roles: ['radiologist', 'coordinator'] }).visibility,
    ).toBe('blinded');
    expect(() => caseViewFor(caseAfter(history), { id: 'rad-u', roles: ['radiologist'] })).toThrow(
      expect.objectContaining({ code: 'not-your-assignment' }) as unknown as Error,
    );
  });

  it('a reader who submitted sees the whole case after consensus', () => {
    expect(caseViewFor(caseAfter(afterConsensus), { id: 'rad-a', roles: ['radiologist'] }).visibility).toBe(
      'full',
    );
  });
});
