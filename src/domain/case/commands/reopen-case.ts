import type { CaseReopened } from '../case.events.js';
import type { ReopenCase } from '../case.commands.js';
import { assertAccepts } from '../case.lifecycle.js';
import type { Case } from '../case.state.js';

/** Starts a new round; the earlier round's open assignments end with this event (see evolveCase). */
export function reopenCase(command: ReopenCase, state: Case): [CaseReopened] {
  assertAccepts(state, 'ReopenCase');
  return [{ type: 'CaseReopened', data: { reason: command.data.reason, round: state.round + 1 } }];
}
