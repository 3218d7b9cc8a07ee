import { caseError } from '../case.errors.js';
import type { CaseEscalated } from '../case.events.js';
import type { EscalateCase } from '../case.commands.js';
import { assertAccepts, ESCALATION_LEVEL } from '../case.lifecycle.js';
import type { Case } from '../case.state.js';

/** One step up; escalating to a panel ends the adjudicator's assignment (see evolveCase). */
export function escalateCase(command: EscalateCase, state: Case): [CaseEscalated] {
  assertAccepts(state, 'EscalateCase');
  const { level, reason } = command.data;
  const next = ESCALATION_LEVEL[state.status];
  if (level !== next) {
    throw caseError(
      'invalid-state',
      `Case ${state.caseId} is ${state.status}, so it can be escalated to ${next} only, not to ${level}.`,
      { status: state.status },
    );
  }
  return [{ type: 'CaseEscalated', data: { level, reason } }];
}
