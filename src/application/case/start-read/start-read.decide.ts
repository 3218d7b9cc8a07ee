import { caseError } from '../../../domain/case/case.errors.js';
import type { ReadStarted } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import type { Case } from '../../../domain/case/case.state.js';
import { shownFor } from '../../../domain/case/blinding.js';
import { assertOpen, assertReadingRole, readerAssignment } from '../../../domain/case/preconditions.js';

export type StartRead = CaseCommandOf<'StartRead', { assignmentId: string }>;

/**
 * Records what the reader is shown, decided here from the assignment. A reader may start again
 * (reopening the viewer) until it submits; each ReadStarted records what that read showed.
 */
export function startRead(command: StartRead, state: Case): [ReadStarted] {
  const { assignment } = readerAssignment(state, command, 'StartRead');
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
