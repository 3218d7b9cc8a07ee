import type { CaseWithdrawn } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { assertAccepts } from '../../../domain/case/case.lifecycle.js';
import type { Case } from '../../../domain/case/case.state.js';

export type WithdrawCase = CaseCommandOf<'WithdrawCase', { reason: string }>;

/** Before consensus only; every open assignment ends with this event (see evolveCase). */
export function withdrawCase(command: WithdrawCase, state: Case): [CaseWithdrawn] {
  assertAccepts(state, 'WithdrawCase');
  return [{ type: 'CaseWithdrawn', data: { reason: command.data.reason } }];
}
