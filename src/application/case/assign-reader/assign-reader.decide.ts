import { caseError } from '../../../domain/case/case.errors.js';
import type { ReaderAssigned } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { ASSIGNABLE_ROLE, assertAccepts } from '../../../domain/case/case.lifecycle.js';
import { roundAssignments, type Assignment, type Case } from '../../../domain/case/case.state.js';
import type { ReaderRole } from '../../../domain/case/case.values.js';
import { requireNewId } from '../../../domain/case/preconditions.js';

export type AssignReader = CaseCommandOf<
  'AssignReader',
  { readerId: string; role: ReaderRole; blinded?: boolean }
>;

/**
 * An assignment costs a reader its independence once it could have seen anything: every assignment
 * in any round and role counts, except one unassigned before its read started (that reader saw
 * nothing, so may still be assigned). Earlier-round readers are therefore always excluded.
 */
const compromisesIndependence = (assignment: Assignment): boolean =>
  assignment.status !== 'unassigned' || assignment.readStarted;

function assertIndependent(state: Case, readerId: string): void {
  if (state.request.priorReport?.author === readerId) {
    throw caseError(
      'reader-not-independent',
      `Reader ${readerId} wrote the prior report and cannot give the second opinion on it; assign another reader.`,
      { readerId },
    );
  }
  const earlier = [...state.assignments.values()].find(
    (assignment) => assignment.readerId === readerId && compromisesIndependence(assignment),
  );
  if (earlier) {
    throw caseError(
      'reader-not-independent',
      `Reader ${readerId} already held assignment ${earlier.assignmentId} (${earlier.role}, round ${earlier.round}) on this case and is no longer independent; assign another reader.`,
      { readerId, assignmentId: earlier.assignmentId },
    );
  }
}

/** A reader still reading or already submitted takes a place; one unassigned (never after submitting) does not. */
const holdsPlace = (assignment: Assignment): boolean => assignment.status !== 'unassigned';

function assertRoomFor(state: Case, role: ReaderRole): void {
  const current = roundAssignments(state).filter(
    (assignment) => assignment.role === role && holdsPlace(assignment),
  );
  if (role === 'primary' && current.length >= state.request.readsRequired) {
    throw caseError(
      'too-many-readers',
      `Round ${state.round} already has ${current.length} of the ${state.request.readsRequired} primary reader(s) it requires; unassign one who has not submitted before assigning another.`,
    );
  }
  // The 2+1 model has one adjudicator; a replacement comes after an unassignment.
  if (role === 'adjudicator' && current.length > 0) {
    throw caseError(
      'too-many-readers',
      `Round ${state.round} already has an adjudicator; unassign it before assigning another.`,
    );
  }
}

export function assignReader(command: AssignReader, state: Case): [ReaderAssigned] {
  const { readerId, role, blinded } = command.data;
  assertAccepts(state, 'AssignReader');
  const assignable = ASSIGNABLE_ROLE[state.status];
  if (role !== assignable) {
    throw caseError(
      'invalid-state',
      `While case ${state.caseId} is ${state.status}, only a reader with role ${assignable} can be assigned, not a ${role}.`,
      { status: state.status },
    );
  }
  if (role !== 'primary' && blinded === true) {
    throw caseError(
      'invalid-blinding',
      'Adjudicators and panelists review the case with everything available and cannot be blinded; leave blinded out or set it to false.',
    );
  }
  assertIndependent(state, readerId);
  assertRoomFor(state, role);
  return [
    {
      type: 'ReaderAssigned',
      data: {
        assignmentId: requireNewId(command.metadata, 'assignmentId'),
        round: state.round,
        readerId,
        role,
        blinded: role === 'primary' ? (blinded ?? true) : false,
      },
    },
  ];
}
