import type { AssignmentEnded, CaseEvent } from './case.events.js';
import { evolveCase, type Assignment, type Case, type CaseState } from './case.state.js';
import type { AssignmentEndReason } from './case.values.js';

/** Events after which an unsubmitted assignment has nothing left to do, and why. */
const ENDING: Partial<Record<CaseEvent['type'], AssignmentEndReason>> = {
  ConsensusReached: 'consensus-reached',
  CaseClosed: 'case-closed',
  CaseWithdrawn: 'case-withdrawn',
};

/** Whether the assignment's reader delivered what it was assigned for (an opinion, or the adjudication). */
export function hasSubmitted(state: Case, assignment: Assignment): boolean {
  if (assignment.role !== 'adjudicator') return assignment.opinionId !== undefined;
  return state.rounds[assignment.round - 1]?.adjudication?.adjudicatorId === assignment.readerId;
}

/**
 * The follow-ups a decision's events call for: when they bring the case to consensus, closure or
 * withdrawal, every assignment still open without a submission is ended by its own event. An
 * assignment open in a stream recorded before this rule (consensus without AssignmentEnded) is
 * ended by the next closure.
 */
export function endUnsubmittedAssignments(state: CaseState, events: readonly CaseEvent[]): AssignmentEnded[] {
  // Most decisions end nothing: no fold for them on the command path.
  if (!events.some((event) => ENDING[event.type] !== undefined)) return [];
  let folded = state;
  let reason: AssignmentEndReason | undefined;
  let openBefore: Assignment[] = [];
  for (const event of events) {
    const ending = ENDING[event.type];
    // Withdrawal ends assignments in the fold itself: take them as they stood just before.
    if (ending && folded.exists) {
      reason = ending;
      openBefore = unsubmittedOpen(folded);
    }
    folded = evolveCase(folded, event);
  }
  if (reason === undefined) return [];
  const why = reason;
  return openBefore.map(({ assignmentId, readerId, role, round }) => ({
    type: 'AssignmentEnded',
    data: { assignmentId, readerId, role, round, reason: why },
  }));
}

const unsubmittedOpen = (state: Case): Assignment[] =>
  [...state.assignments.values()].filter(
    (assignment) => assignment.status === 'open' && !hasSubmitted(state, assignment),
  );
