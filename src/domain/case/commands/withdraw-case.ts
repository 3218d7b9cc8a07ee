import type { CaseWithdrawn } from '../case.events.js';
import type { WithdrawCase } from '../case.commands.js';
import { assertAccepts } from '../case.lifecycle.js';
import type { Case } from '../case.state.js';

/** Before consensus only; every open assignment ends with this event (see evolveCase). */
export function withdrawCase(command: WithdrawCase, state: Case): [CaseWithdrawn] {
  assertAccepts(state, 'WithdrawCase');
  return [{ type: 'CaseWithdrawn', data: { reason: command.data.reason } }];
}
