import type { CaseClosed } from '../case.events.js';
import type { CloseCase } from '../case.commands.js';
import { assertAccepts } from '../case.lifecycle.js';
import { currentRound, type Case } from '../case.state.js';

export function closeCase(command: CloseCase, state: Case): [CaseClosed] {
  assertAccepts(state, 'CloseCase');
  // The state table admits CloseCase only in `consensus`, so the round has one.
  const { outcome } = currentRound(state).consensus!;
  const { note } = command.data;
  return [{ type: 'CaseClosed', data: { outcome, ...(note !== undefined && { note }) } }];
}
