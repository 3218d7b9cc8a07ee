import type { EscalationLevel, EscalationReason } from '../../../domain/case/case.values.js';
import { caseError } from '../../../domain/case/case.errors.js';
import type { CaseEscalated } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { assertAccepts, ESCALATION_LEVEL } from '../../../domain/case/case.lifecycle.js';
import type { Case } from '../../../domain/case/case.state.js';

export type EscalateCase = CaseCommandOf<
  'EscalateCase',
  { level: EscalationLevel; reason: EscalationReason }
>;

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
