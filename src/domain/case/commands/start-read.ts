import { caseError } from '../case.errors.js';
import type { ReadStarted } from '../case.events.js';
import type { StartRead } from '../case.commands.js';
import { assertAccepts, READING_ROLES } from '../case.lifecycle.js';
import type { Assignment, Case } from '../case.state.js';
import { shownFor } from '../blinding.js';
import { assertActsAs, assertOpen, requireAssignment } from './preconditions.js';

/** Primaries may still finish while an adjudicator reads; once a panel sits, only panelists read. */
export function assertReadingRole(state: Case, assignment: Assignment): void {
  if (READING_ROLES[state.status]?.includes(assignment.role)) return;
  throw caseError(
    'invalid-state',
    `A ${assignment.role} cannot read or submit while case ${state.caseId} is ${state.status}.`,
    { status: state.status },
  );
}

/**
 * Records what the reader is shown, decided here from the assignment. A reader may start again
 * (reopening the viewer) until it submits; each ReadStarted records what that read showed.
 */
export function startRead(command: StartRead, state: Case): [ReadStarted] {
  const assignment = requireAssignment(state, command.data.assignmentId);
  assertActsAs(command.metadata, assignment.readerId, `Assignment ${assignment.assignmentId}`);
  assertAccepts(state, 'StartRead');
  assertOpen(assignment);
  assertReadingRole(state, assignment);
  if (assignment.opinionId) {
    throw caseError(
      'already-submitted',
      `Assignment ${assignment.assignmentId} already holds signed opinion ${assignment.opinionId}; the read is over (add an addendum to amend it).`,
    );
  }
  return [
    {
      type: 'ReadStarted',
      data: {
        assignmentId: assignment.assignmentId,
        readerId: assignment.readerId,
        shown: shownFor(assignment, state),
      },
    },
  ];
}
