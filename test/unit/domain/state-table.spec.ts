import { describe, expect, it } from '@jest/globals';
import {
  ACCEPTED_COMMANDS,
  ASSIGNABLE_ROLE,
  CASE_STATUSES,
  ESCALATION_LEVEL,
  type CaseCommandType,
  type CaseEvent,
  type CaseStatus,
} from '../../../src/domain/index.js';
import type { CaseCommand } from '../../../src/application/case/case-commands.registry.js';
import {
  PRIOR,
  absent,
  adjudicate,
  adjudicated,
  appendAddendum,
  assign,
  assignmentIdOf,
  caseAfter,
  closeCase,
  closed,
  consensus,
  escalate,
  escalated,
  given,
  hasRead,
  opinionIdOf,
  present,
  reading,
  recordReferenceStandard,
  recordSlaBreach,
  reopenCase,
  requested,
  reviewPriorReport,
  startRead,
  submitOpinion,
  unassign,
  withdrawCase,
  withdrawn,
} from './case.builders.js';

/**
 * One history per state of domain.md's table: rad-a has signed an opinion (except in `requested`)
 * and one reader is still reading, so that every command the state accepts can succeed.
 */
const inReview = [requested({ priorReport: PRIOR }), ...hasRead('rad-a', [present('fracture')])];
const bothReading = [...inReview, ...reading('rad-b')];
const awaitingAdjudication = [...bothReading, escalated('adjudication', 'clinical-concern')];
const withAdjudicator = [
  ...awaitingAdjudication,
  ...reading('rad-adj', { role: 'adjudicator', blinded: false }),
];
const awaitingPanel = [
  ...withAdjudicator,
  escalated('panel', 'quality-review'),
  ...reading('rad-p1', { role: 'panelist', blinded: false }),
];
const reachedConsensus = [
  ...withAdjudicator,
  adjudicated('rad-adj', { selectedOpinionId: opinionIdOf('rad-a'), findings: [present('fracture')] }),
  consensus({ findings: [present('fracture')], method: 'adjudication', outcome: 'overturned' }),
];

const HISTORIES: Record<CaseStatus, CaseEvent[]> = {
  requested: [requested({ priorReport: PRIOR })],
  'in-review': bothReading,
  'awaiting-adjudication': withAdjudicator,
  'awaiting-panel': awaitingPanel,
  consensus: reachedConsensus,
  closed: [...reachedConsensus, closed('overturned')],
  withdrawn: [...bothReading, withdrawn()],
};

/** Room for one more reader: no second primary yet, no adjudicator yet. */
const ASSIGNMENT_HISTORIES: Partial<Record<CaseStatus, CaseEvent[]>> = {
  'in-review': inReview,
  'awaiting-adjudication': awaitingAdjudication,
};

const historyFor = (type: CaseCommandType, status: CaseStatus): CaseEvent[] =>
  (type === 'AssignReader' && ASSIGNMENT_HISTORIES[status]) || HISTORIES[status];

/** The command of each type that the state's own rules would take (its reader, role, escalation level). */
function commandFor(type: CaseCommandType, status: CaseStatus): CaseCommand {
  const reader = status === 'awaiting-panel' ? 'rad-p1' : 'rad-b';
  switch (type) {
    case 'RequestSecondOpinion':
      throw new Error('RequestSecondOpinion is decided on a case that does not exist yet.');
    case 'AssignReader':
      return assign('rad-new', { role: ASSIGNABLE_ROLE[status] ?? 'primary' });
    case 'UnassignReader':
      return unassign(assignmentIdOf(reader));
    case 'StartRead':
      return startRead(reader);
    case 'SubmitOpinion':
      return submitOpinion(reader, [absent('fracture')]);
    case 'ReviewPriorReport':
      return reviewPriorReport('rad-a', '1');
    case 'SubmitAdjudication': {
      // Before escalation there is no adjudicator: the primary's assignment reaches the state check as well.
      const hasAdjudicator = caseAfter(historyFor(type, status)).assignments.has(assignmentIdOf('rad-adj'));
      return adjudicate(hasAdjudicator ? 'rad-adj' : 'rad-a', { selectedOpinionId: opinionIdOf('rad-a') });
    }
    case 'EscalateCase':
      return escalate(ESCALATION_LEVEL[status] ?? 'adjudication');
    case 'CloseCase':
      return closeCase();
    case 'ReopenCase':
      return reopenCase();
    case 'WithdrawCase':
      return withdrawCase();
    case 'AppendAddendum':
      return appendAddendum('rad-a');
    case 'RecordReferenceStandard':
      return recordReferenceStandard('pathology', [present('fracture')]);
    case 'RecordSlaBreach':
      return recordSlaBreach('2025-04-01T00:00:00.000Z');
  }
}

const COMMAND_TYPES = [
  'AssignReader',
  'UnassignReader',
  'StartRead',
  'SubmitOpinion',
  'ReviewPriorReport',
  'SubmitAdjudication',
  'EscalateCase',
  'CloseCase',
  'ReopenCase',
  'WithdrawCase',
  'AppendAddendum',
  'RecordReferenceStandard',
  'RecordSlaBreach',
] as const satisfies readonly CaseCommandType[];

const refusalCode = (status: CaseStatus): string =>
  status === 'closed' ? 'case-closed' : status === 'withdrawn' ? 'case-withdrawn' : 'invalid-state';

/** In `requested` no assignment or opinion exists yet, so a command naming one is a 404 first (api.md's order). */
const NAMES_AN_ASSIGNMENT_OR_OPINION: readonly CaseCommandType[] = [
  'UnassignReader',
  'StartRead',
  'SubmitOpinion',
  'ReviewPriorReport',
  'SubmitAdjudication',
  'AppendAddendum',
];

const cells = CASE_STATUSES.flatMap((status) =>
  COMMAND_TYPES.map((type) => ({ status, type, accepted: ACCEPTED_COMMANDS[status].includes(type) })),
);

describe('the state table', () => {
  it('matches domain.md, row by row', () => {
    expect(ACCEPTED_COMMANDS).toEqual({
      requested: ['AssignReader', 'WithdrawCase', 'RecordReferenceStandard', 'RecordSlaBreach'],
      'in-review': [
        'AssignReader',
        'UnassignReader',
        'StartRead',
        'SubmitOpinion',
        'ReviewPriorReport',
        'WithdrawCase',
        'EscalateCase',
        'RecordReferenceStandard',
        'AppendAddendum',
        'RecordSlaBreach',
      ],
      'awaiting-adjudication': [
        'AssignReader',
        'UnassignReader',
        'StartRead',
        'SubmitOpinion',
        'ReviewPriorReport',
        'SubmitAdjudication',
        'EscalateCase',
        'WithdrawCase',
        'RecordReferenceStandard',
        'AppendAddendum',
        'RecordSlaBreach',
      ],
      'awaiting-panel': [
        'AssignReader',
        'UnassignReader',
        'StartRead',
        'SubmitOpinion',
        'WithdrawCase',
        'RecordReferenceStandard',
        'AppendAddendum',
        'RecordSlaBreach',
      ],
      consensus: ['CloseCase', 'RecordReferenceStandard', 'AppendAddendum'],
      closed: ['ReopenCase', 'RecordReferenceStandard', 'AppendAddendum'],
      withdrawn: [],
    });
  });

  it.each(CASE_STATUSES)('the %s history is in that state', (status) => {
    expect(caseAfter(HISTORIES[status]).status).toBe(status);
  });

  const refused = cells.filter((cell) => !cell.accepted);
  it.each(refused)('$status refuses $type', ({ status, type }) => {
    const expected =
      status === 'requested' && NAMES_AN_ASSIGNMENT_OR_OPINION.includes(type)
        ? 'not-found'
        : refusalCode(status);
    given(historyFor(type, status)).when(commandFor(type, status)).thenThrows(expected);
  });

  const accepted = cells.filter((cell) => cell.accepted);
  it.each(accepted)('$status accepts $type', ({ status, type }) => {
    expect(given(historyFor(type, status)).when(commandFor(type, status)).events().length).toBeGreaterThan(0);
  });

  it('refuses every command on a case that does not exist', () => {
    for (const type of COMMAND_TYPES) given([]).when(commandFor(type, 'in-review')).thenThrows('not-found');
  });
});
