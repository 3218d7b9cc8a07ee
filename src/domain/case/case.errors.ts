import { DomainError } from '../kernel/domain-error.js';

/**
 * Every code `decide` throws, with its meaning. The HTTP layer maps `not-found` to 404,
 * `not-your-assignment` to 403, `case-exists` to 409 and every other code to 422.
 */
export const CASE_ERROR_CODES = {
  'case-exists': 'A case with this caseId already exists.',
  'not-found': 'The case, or the assignment or opinion the command names, does not exist.',
  'not-your-assignment':
    'The person acting is not the reader of this assignment (or the author of this opinion).',
  'invalid-state': 'The case is in a state that does not accept this command (see the state table).',
  'case-closed':
    'The case is closed; only ReopenCase, RecordReferenceStandard and AppendAddendum are accepted.',
  'case-withdrawn': 'The case is withdrawn and accepts no command.',
  'reader-not-independent':
    'The reader wrote the prior report or has already held an assignment on this case, in any round.',
  'too-many-readers': 'The round already has as many primary readers as it requires, or an open adjudicator.',
  'invalid-blinding': 'Only a primary read can be blinded; adjudicators and panelists always see the case.',
  'reader-not-assigned': 'The assignment was unassigned or has ended.',
  'read-not-started': 'The reader has not started the read (StartRead) on this assignment.',
  'already-submitted': 'The assignment already holds a signed opinion.',
  'invalid-assignment-role':
    "The assignment's role cannot do this (e.g. an adjudicator submitting an opinion).",
  'blinding-violation': 'A blinded reader cannot score a prior report it was never shown.',
  'no-prior-report': 'The case has no prior report to show, score or select.',
  'opinion-not-submitted':
    'The prior report is shown for scoring only after the reader has submitted an opinion.',
  'already-reviewed': 'This assignment has already scored the prior report.',
  'not-the-adjudicator': 'The assignment is not an adjudicator assignment.',
  'invalid-adjudication':
    'An adjudication selects one primary opinion of the current round or the prior report, or records findings: exactly one.',
  'unknown-finding-code': 'A finding code is not in the configured vocabulary.',
  'duplicate-finding-code': 'A finding code appears more than once in one set of findings.',
  'unknown-body-region': 'The body region is not in the configured list.',
  'invalid-priority': 'The priority has no configured SLA.',
  'invalid-reads-required': 'readsRequired must be 1 or 2.',
  'invalid-confidence': 'Confidence must be a whole number from 1 to 5.',
  'invalid-radpeer-score': 'A RADPEER score is one of 1, 2a, 2b, 3a, 3b.',
  'no-sla': 'The case has no due time (imported history), so it cannot breach an SLA.',
  'sla-not-due': 'The case is not overdue yet.',
  'sla-already-breached': 'The SLA breach of this case is already recorded.',
} as const satisfies Record<string, string>;

export type CaseErrorCode = keyof typeof CASE_ERROR_CODES;

export const caseError = (
  code: CaseErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): DomainError<CaseErrorCode> => new DomainError(code, message, details);
