import { caseError } from '../../../domain/case/case.errors.js';
import type { CaseEvent, ReaderUnassigned } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { assertAccepts } from '../../../domain/case/case.lifecycle.js';
import type { CasePolicy } from '../../../domain/case/case.policy.js';
import { evolveCase, type Case } from '../../../domain/case/case.state.js';
import { evaluatePanel } from '../../../domain/case/consensus.js';
import { assertOpen, requireAssignment } from '../../../domain/case/preconditions.js';

export type UnassignReader = CaseCommandOf<'UnassignReader', { assignmentId: string; reason: string }>;

export function unassignReader(command: UnassignReader, state: Case, policy: CasePolicy): CaseEvent[] {
  const assignment = requireAssignment(state, command.data.assignmentId);
  assertAccepts(state, 'UnassignReader');
  assertOpen(assignment);
  if (assignment.opinionId) {
    throw caseError(
      'already-submitted',
      `Assignment ${assignment.assignmentId} already holds signed opinion ${assignment.opinionId}; a reader cannot be unassigned after submitting.`,
    );
  }
  const unassigned: ReaderUnassigned = {
    type: 'ReaderUnassigned',
    data: { assignmentId: assignment.assignmentId, reason: command.data.reason },
  };
  // Without this panelist, everyone left on the panel may already have voted.
  const after = evolveCase(state, unassigned);
  return [unassigned, ...(assignment.role === 'panelist' ? evaluatePanel(after, policy) : [])];
}
