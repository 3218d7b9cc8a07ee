import type { ReaderRef } from '../../domain/case/acting-for.js';
import type { CaseCommandType } from '../../domain/case/case.commands.js';
import { onExistingCase } from '../../domain/case/preconditions.js';
import { appendAddendum } from './append-addendum/append-addendum.decide.js';
import { appendAddendumRoute } from './append-addendum/append-addendum.route.js';
import { assignReader } from './assign-reader/assign-reader.decide.js';
import { assignReaderRoute } from './assign-reader/assign-reader.route.js';
import type { CaseCommandSlice } from './case-command.js';
import { closeCase } from './close-case/close-case.decide.js';
import { closeCaseRoute } from './close-case/close-case.route.js';
import { escalateCase } from './escalate-case/escalate-case.decide.js';
import { escalateCaseRoute } from './escalate-case/escalate-case.route.js';
import { recordReferenceStandard } from './record-reference-standard/record-reference-standard.decide.js';
import { recordReferenceStandardRoute } from './record-reference-standard/record-reference-standard.route.js';
import { recordSlaBreach } from './record-sla-breach/record-sla-breach.decide.js';
import { reopenCase } from './reopen-case/reopen-case.decide.js';
import { reopenCaseRoute } from './reopen-case/reopen-case.route.js';
import { requestSecondOpinion } from './request-second-opinion/request-second-opinion.decide.js';
import { requestSecondOpinionRoute } from './request-second-opinion/request-second-opinion.route.js';
import { reviewPriorReport } from './review-prior-report/review-prior-report.decide.js';
import { reviewPriorReportRoute } from './review-prior-report/review-prior-report.route.js';
import { startRead } from './start-read/start-read.decide.js';
import { startReadRoute } from './start-read/start-read.route.js';
import { submitAdjudication } from './submit-adjudication/submit-adjudication.decide.js';
import { submitAdjudicationRoute } from './submit-adjudication/submit-adjudication.route.js';
import { submitOpinion } from './submit-opinion/submit-opinion.decide.js';
import { submitOpinionRoute } from './submit-opinion/submit-opinion.route.js';
import { unassignReader } from './unassign-reader/unassign-reader.decide.js';
import { unassignReaderRoute } from './unassign-reader/unassign-reader.route.js';
import { withdrawCase } from './withdraw-case/withdraw-case.decide.js';
import { withdrawCaseRoute } from './withdraw-case/withdraw-case.route.js';

// Whom an integrator acts for when it names no one (see personActedFor).
const notAReadersCommand = (): null => null;
const readerOfAssignment = ({ assignmentId }: { assignmentId: string }): ReaderRef => ({ assignmentId });
const authorOfOpinion = ({ opinionId }: { opinionId: string }): ReaderRef => ({ opinionId });

/**
 * Every case command of the state table, each tied to its slice: decision, whom an integrator acts
 * for, the meaning of the signature it records (a signing command needs a recent sign-in), route. Routes, the endpoint list, the authorisation matrix, the README's role table and
 * `actor.onBehalfOf` are all derived from this table.
 */
export const CASE_COMMANDS = {
  RequestSecondOpinion: {
    decide: requestSecondOpinion,
    actsForReader: notAReadersCommand,
    signs: null,
    route: requestSecondOpinionRoute,
  },
  AssignReader: {
    decide: onExistingCase(assignReader),
    actsForReader: notAReadersCommand,
    signs: null,
    route: assignReaderRoute,
  },
  UnassignReader: {
    decide: onExistingCase(unassignReader),
    actsForReader: notAReadersCommand,
    signs: null,
    route: unassignReaderRoute,
  },
  StartRead: {
    decide: onExistingCase(startRead),
    actsForReader: readerOfAssignment,
    signs: null,
    route: startReadRoute,
  },
  SubmitOpinion: {
    decide: onExistingCase(submitOpinion),
    actsForReader: readerOfAssignment,
    signs: 'authorship',
    route: submitOpinionRoute,
  },
  ReviewPriorReport: {
    decide: onExistingCase(reviewPriorReport),
    actsForReader: readerOfAssignment,
    signs: 'authorship',
    route: reviewPriorReportRoute,
  },
  SubmitAdjudication: {
    decide: onExistingCase(submitAdjudication),
    actsForReader: readerOfAssignment,
    signs: 'approval',
    route: submitAdjudicationRoute,
  },
  EscalateCase: {
    decide: onExistingCase(escalateCase),
    actsForReader: notAReadersCommand,
    signs: null,
    route: escalateCaseRoute,
  },
  CloseCase: {
    decide: onExistingCase(closeCase),
    actsForReader: notAReadersCommand,
    signs: null,
    route: closeCaseRoute,
  },
  ReopenCase: {
    decide: onExistingCase(reopenCase),
    actsForReader: notAReadersCommand,
    signs: null,
    route: reopenCaseRoute,
  },
  WithdrawCase: {
    decide: onExistingCase(withdrawCase),
    actsForReader: notAReadersCommand,
    signs: null,
    route: withdrawCaseRoute,
  },
  AppendAddendum: {
    decide: onExistingCase(appendAddendum),
    actsForReader: authorOfOpinion,
    signs: 'authorship',
    route: appendAddendumRoute,
  },
  RecordReferenceStandard: {
    decide: onExistingCase(recordReferenceStandard),
    actsForReader: notAReadersCommand,
    signs: null,
    route: recordReferenceStandardRoute,
  },
  // The SLA process manager's command: no route.
  RecordSlaBreach: {
    decide: onExistingCase(recordSlaBreach),
    actsForReader: notAReadersCommand,
    signs: null,
    route: null,
  },
} as const satisfies { [Type in CaseCommandType]: CaseCommandSlice<Type, object, object> };

/** Any case command, as its slice's decide function takes it. */
export type CaseCommand = {
  [Type in CaseCommandType]: Parameters<(typeof CASE_COMMANDS)[Type]['decide']>[0];
}[CaseCommandType];

export type CaseCommandData<Type extends CaseCommandType> = Extract<CaseCommand, { type: Type }>['data'];

/** A slice seen through the command union (TypeScript cannot correlate the registry's keys). */
export const sliceOf = <Type extends CaseCommandType>(
  type: Type,
): CaseCommandSlice<Type, CaseCommandData<Type>, object> =>
  CASE_COMMANDS[type] as unknown as CaseCommandSlice<Type, CaseCommandData<Type>, object>;
