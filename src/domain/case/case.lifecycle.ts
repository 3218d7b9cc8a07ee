import { caseError } from './case.errors.js';
import type { Case } from './case.state.js';
import { CASE_STATUSES, type CaseStatus, type EscalationLevel, type ReaderRole } from './case.values.js';

/**
 * The state table (docs/domain.md), as data: which commands each status accepts. Besides
 * RequestSecondOpinion, which opens a case, a command is named here or does not exist. `RecordSlaBreach` (the process
 * manager's command) is accepted wherever the case can still be late: before consensus.
 */
const STATE_TABLE = {
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
} as const satisfies Record<CaseStatus, readonly string[]>;

/** Every case command's name: RequestSecondOpinion, which opens a case, and the table's. */
export type CaseCommandType = 'RequestSecondOpinion' | (typeof STATE_TABLE)[CaseStatus][number];

export const ACCEPTED_COMMANDS: Readonly<Record<CaseStatus, readonly CaseCommandType[]>> = STATE_TABLE;

/** The table's parentheses: which reader role each state assigns. */
export const ASSIGNABLE_ROLE: Readonly<Partial<Record<CaseStatus, ReaderRole>>> = {
  requested: 'primary',
  'in-review': 'primary',
  'awaiting-adjudication': 'adjudicator',
  'awaiting-panel': 'panelist',
};

/**
 * Who may read and submit in each state: primaries still reading may finish while awaiting
 * adjudication; once a panel sits, StartRead and SubmitOpinion are the panelists' only (a primary
 * gets `invalid-state`, and its unsubmitted read is ended by the consensus).
 */
export const READING_ROLES: Readonly<Partial<Record<CaseStatus, readonly ReaderRole[]>>> = {
  'in-review': ['primary'],
  'awaiting-adjudication': ['primary', 'adjudicator'],
  'awaiting-panel': ['panelist'],
};

/** Escalation goes one step up: to adjudication from review, to a panel from adjudication. */
export const ESCALATION_LEVEL: Readonly<Partial<Record<CaseStatus, EscalationLevel>>> = {
  'in-review': 'adjudication',
  'awaiting-adjudication': 'panel',
};

export const statusesAccepting = (type: CaseCommandType): CaseStatus[] =>
  CASE_STATUSES.filter((status) => ACCEPTED_COMMANDS[status].includes(type));

/** Throws `case-withdrawn`, `case-closed` or `invalid-state` when the case's state refuses `type`. */
export function assertAccepts(state: Case, type: CaseCommandType): void {
  if (ACCEPTED_COMMANDS[state.status].includes(type)) return;
  switch (state.status) {
    case 'withdrawn':
      throw caseError('case-withdrawn', `Case ${state.caseId} was withdrawn and accepts no ${type}.`);
    case 'closed':
      throw caseError(
        'case-closed',
        `Case ${state.caseId} is closed and does not accept ${type}; a closed case accepts only ${ACCEPTED_COMMANDS.closed.join(', ')}.`,
      );
    default:
      throw caseError(
        'invalid-state',
        `${type} is not accepted while case ${state.caseId} is ${state.status}; it is accepted when the case is ${statusesAccepting(type).join(' or ')}.`,
        { status: state.status },
      );
  }
}
