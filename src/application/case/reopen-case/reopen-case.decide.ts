import type { CaseReopened } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { assertAccepts } from '../../../domain/case/case.lifecycle.js';
import type { Case } from '../../../domain/case/case.state.js';

export type ReopenCase = CaseCommandOf<'ReopenCase', { reason: string }>;

/** Starts a new round; the earlier round's open assignments end with this event (see evolveCase). */
export function reopenCase(command: ReopenCase, state: Case): [CaseReopened] {
  assertAccepts(state, 'ReopenCase');
  return [{ type: 'CaseReopened', data: { reason: command.data.reason, round: state.round + 1 } }];
}
