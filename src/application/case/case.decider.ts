import { endUnsubmittedAssignments } from '../../domain/case/assignment-ending.js';
import type { CaseEvent } from '../../domain/case/case.events.js';
import type { CasePolicy } from '../../domain/case/case.policy.js';
import { evolveCase, initialCaseState, type CaseState } from '../../domain/case/case.state.js';
import type { Decider } from '../../domain/kernel/decider.js';
import { type CaseCommand, sliceOf } from './case-commands.registry.js';

/**
 * The case decider: each command decided by its slice. `decide` returns every event of one append,
 * follow-ups included (an opinion, then its discordance, then the escalation or consensus, then
 * the end of every assignment the consensus left unsubmitted). The
 * policy is read while deciding only: `evolve` folds recorded facts and never consults
 * configuration, so a replay is the same under any later policy.
 */
export function createCaseDecider(policy: CasePolicy): Decider<CaseCommand, CaseEvent, CaseState> {
  return {
    decide: (command, state) => {
      const events = sliceOf(command.type).decide(command, state, policy);
      return [...events, ...endUnsubmittedAssignments(state, events)];
    },
    evolve: evolveCase,
    initialState: initialCaseState,
  };
}
