import { caseError } from '../case.errors.js';
import type { CaseEvent, ReaderUnassigned } from '../case.events.js';
import type { UnassignReader } from '../case.commands.js';
import { assertAccepts } from '../case.lifecycle.js';
import type { CasePolicy } from '../case.policy.js';
import { evolveCase, type Case } from '../case.state.js';
import { evaluatePanel } from '../consensus.js';
import { assertOpen, requireAssignment } from './preconditions.js';

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
