import type { RadpeerScore } from '../../../domain/case/case.values.js';
import { caseError } from '../../../domain/case/case.errors.js';
import type { CaseEvent, PriorReportReviewed } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import type { CasePolicy } from '../../../domain/case/case.policy.js';
import { evolveCase, type Case } from '../../../domain/case/case.state.js';
import { evaluatePrimaryRound } from '../../../domain/case/consensus.js';
import {
  assertOpen,
  assertRadpeerScore,
  readerAssignment,
  signatureOf,
} from '../../../domain/case/preconditions.js';

export type ReviewPriorReport = CaseCommandOf<
  'ReviewPriorReport',
  { assignmentId: string; score: RadpeerScore; comment?: string }
>;

/**
 * Sequential unblinding: only once its own opinion is signed is a primary shown the prior report
 * to score it; the score may complete the round.
 */
export function reviewPriorReport(command: ReviewPriorReport, state: Case, policy: CasePolicy): CaseEvent[] {
  const { data, metadata } = command;
  const { assignment, person } = readerAssignment(state, command, 'ReviewPriorReport');
  if (assignment.role !== 'primary') {
    throw caseError(
      'invalid-assignment-role',
      `Only a primary reader scores the prior report; assignment ${assignment.assignmentId} is a ${assignment.role}'s.`,
    );
  }
  assertOpen(assignment);
  if (!state.request.priorReport) {
    throw caseError('no-prior-report', `Case ${state.caseId} has no prior report to review.`);
  }
  if (!assignment.opinionId) {
    throw caseError(
      'opinion-not-submitted',
      `Assignment ${assignment.assignmentId} has not submitted its opinion; submit it first, then review the prior report.`,
    );
  }
  if (assignment.priorReportReview) {
    throw caseError(
      'already-reviewed',
      `Assignment ${assignment.assignmentId} already scored the prior report (${assignment.priorReportReview.score}); a score is given once.`,
    );
  }
  assertRadpeerScore(data.score);

  const reviewed: PriorReportReviewed = {
    type: 'PriorReportReviewed',
    data: {
      assignmentId: assignment.assignmentId,
      readerId: assignment.readerId,
      score: data.score,
      ...(data.comment !== undefined && { comment: data.comment }),
      shown: ['prior-report'],
      signature: signatureOf(person, 'authorship', metadata),
    },
  };
  return [reviewed, ...evaluatePrimaryRound(evolveCase(state, reviewed), policy)];
}
