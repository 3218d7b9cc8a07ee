import type { CaseClosed } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { assertAccepts } from '../../../domain/case/case.lifecycle.js';
import { currentRound, type Case } from '../../../domain/case/case.state.js';

export type CloseCase = CaseCommandOf<'CloseCase', { note?: string }>;

export function closeCase(command: CloseCase, state: Case): [CaseClosed] {
  assertAccepts(state, 'CloseCase');
  // The state table admits CloseCase only in `consensus`, so the round has one.
  const { outcome } = currentRound(state).consensus!;
  const { note } = command.data;
  return [{ type: 'CaseClosed', data: { outcome, ...(note !== undefined && { note }) } }];
}
