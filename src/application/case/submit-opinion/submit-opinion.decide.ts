import type { Finding } from '../../../domain/case/findings.js';
import { caseError } from '../../../domain/case/case.errors.js';
import type { CaseEvent, OpinionSubmitted, PriorReportScore } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import type { CasePolicy } from '../../../domain/case/case.policy.js';
import { evolveCase, type Assignment, type Case } from '../../../domain/case/case.state.js';
import { evaluatePanel, evaluatePrimaryRound } from '../../../domain/case/consensus.js';
import { assertKnownFindings } from '../../../domain/case/findings.js';
import {
  assertOpen,
  assertRadpeerScore,
  assertReadingRole,
  readerAssignment,
  requireNewId,
  signatureOf,
} from '../../../domain/case/preconditions.js';

export type SubmitOpinion = CaseCommandOf<
  'SubmitOpinion',
  {
    assignmentId: string;
    findings: Finding[];
    impression: string;
    confidence: number;
    priorReportReview?: PriorReportScore;
  }
>;

/** Only an unblinded primary who was shown the prior report can have scored it in its opinion. */
function assertMayScorePriorReport(state: Case, assignment: Assignment, review: PriorReportScore): void {
  if (!state.request.priorReport) {
    throw caseError(
      'no-prior-report',
      `Case ${state.caseId} has no prior report to score; leave priorReportReview out.`,
    );
  }
  if (assignment.role !== 'primary') {
    throw caseError(
      'invalid-assignment-role',
      `Only a primary reader scores the prior report; leave priorReportReview out of this ${assignment.role}'s opinion.`,
    );
  }
  if (!assignment.shown.includes('prior-report')) {
    throw caseError(
      'blinding-violation',
      `Assignment ${assignment.assignmentId} is a blinded read and was never shown the prior report; submit the opinion without priorReportReview, then score the prior report with ReviewPriorReport.`,
    );
  }
  assertRadpeerScore(review.score);
}

export function submitOpinion(command: SubmitOpinion, state: Case, policy: CasePolicy): CaseEvent[] {
  const { data, metadata } = command;
  const { assignment, person } = readerAssignment(state, command, 'SubmitOpinion');
  if (assignment.role === 'adjudicator') {
    throw caseError(
      'invalid-assignment-role',
      `Assignment ${assignment.assignmentId} is an adjudicator's; an adjudicator decides with SubmitAdjudication, not an opinion.`,
    );
  }
  assertOpen(assignment);
  assertReadingRole(state, assignment);
  if (assignment.opinionId) {
    throw caseError(
      'already-submitted',
      `Assignment ${assignment.assignmentId} already holds signed opinion ${assignment.opinionId}; amend it with an addendum.`,
    );
  }
  if (!assignment.readStarted) {
    throw caseError(
      'read-not-started',
      `Assignment ${assignment.assignmentId} has no started read; start it (StartRead) before submitting an opinion.`,
    );
  }
  if (!Number.isInteger(data.confidence) || data.confidence < 1 || data.confidence > 5) {
    throw caseError(
      'invalid-confidence',
      `Confidence is ${data.confidence}; give a whole number from 1 to 5.`,
    );
  }
  assertKnownFindings(data.findings, policy.findingVocabulary, 'The opinion');
  if (data.priorReportReview) assertMayScorePriorReport(state, assignment, data.priorReportReview);

  const submitted: OpinionSubmitted = {
    type: 'OpinionSubmitted',
    data: {
      opinionId: requireNewId(metadata, 'opinionId'),
      assignmentId: assignment.assignmentId,
      round: assignment.round,
      readerId: assignment.readerId,
      role: assignment.role,
      findings: data.findings,
      impression: data.impression,
      confidence: data.confidence,
      ...(data.priorReportReview && { priorReportReview: data.priorReportReview }),
      signature: signatureOf(person, 'authorship', metadata),
    },
  };
  const after = evolveCase(state, submitted);
  const evaluate = assignment.role === 'primary' ? evaluatePrimaryRound : evaluatePanel;
  return [submitted, ...evaluate(after, policy)];
}
