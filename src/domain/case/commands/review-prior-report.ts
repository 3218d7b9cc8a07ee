import { caseError } from '../case.errors.js';
import type { CaseEvent, PriorReportReviewed } from '../case.events.js';
import type { ReviewPriorReport } from '../case.commands.js';
import { assertAccepts } from '../case.lifecycle.js';
import type { CasePolicy } from '../case.policy.js';
import { evolveCase, type Case } from '../case.state.js';
import { evaluatePrimaryRound } from '../consensus.js';
import { assertActsAs, assertOpen, requireAssignment, signatureOf } from './preconditions.js';
import { assertRadpeerScore } from './submit-opinion.js';

/**
 * Sequential unblinding: only once its own opinion is signed is a primary shown the prior report
 * to score it; the score may complete the round.
 */
export function reviewPriorReport(command: ReviewPriorReport, state: Case, policy: CasePolicy): CaseEvent[] {
  const { data, metadata } = command;
  const assignment = requireAssignment(state, data.assignmentId);
  const person = assertActsAs(metadata, assignment.readerId, `Assignment ${assignment.assignmentId}`);
  assertAccepts(state, 'ReviewPriorReport');
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
