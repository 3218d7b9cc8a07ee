import { assertNever, type Decider } from '../shared/decider.js';
import { caseError } from './case.errors.js';
import type { CaseCommand } from './case.commands.js';
import type { CaseEvent } from './case.events.js';
import type { CasePolicy } from './case.policy.js';
import { evolveCase, initialCaseState, type Case, type CaseState } from './case.state.js';
import { appendAddendum } from './commands/append-addendum.js';
import { assignReader } from './commands/assign-reader.js';
import { closeCase } from './commands/close-case.js';
import { escalateCase } from './commands/escalate-case.js';
import { recordReferenceStandard } from './commands/record-reference-standard.js';
import { recordSlaBreach } from './commands/record-sla-breach.js';
import { reopenCase } from './commands/reopen-case.js';
import { requestSecondOpinion } from './commands/request-second-opinion.js';
import { reviewPriorReport } from './commands/review-prior-report.js';
import { startRead } from './commands/start-read.js';
import { submitAdjudication } from './commands/submit-adjudication.js';
import { submitOpinion } from './commands/submit-opinion.js';
import { unassignReader } from './commands/unassign-reader.js';
import { withdrawCase } from './commands/withdraw-case.js';

export const caseStreamId = (caseId: string): string => `case-${caseId}`;

function existing(state: CaseState): Case {
  if (state.exists) return state;
  throw caseError(
    'not-found',
    'The case does not exist; check the caseId, or open the case with RequestSecondOpinion.',
  );
}

/**
 * The case decider. `decide` returns every event of one append, follow-ups included (an opinion,
 * then its discordance, then the escalation or consensus). The policy is read while deciding only:
 * `evolve` folds recorded facts and never consults configuration, so a replay is the same under
 * any later policy.
 */
export function createCaseDecider(policy: CasePolicy): Decider<CaseCommand, CaseEvent, CaseState> {
  const decide = (command: CaseCommand, state: CaseState): CaseEvent[] => {
    switch (command.type) {
      case 'RequestSecondOpinion':
        return requestSecondOpinion(command, state, policy);
      case 'AssignReader':
        return assignReader(command, existing(state));
      case 'UnassignReader':
        return unassignReader(command, existing(state), policy);
      case 'StartRead':
        return startRead(command, existing(state));
      case 'SubmitOpinion':
        return submitOpinion(command, existing(state), policy);
      case 'ReviewPriorReport':
        return reviewPriorReport(command, existing(state), policy);
      case 'SubmitAdjudication':
        return submitAdjudication(command, existing(state), policy);
      case 'EscalateCase':
        return escalateCase(command, existing(state));
      case 'CloseCase':
        return closeCase(command, existing(state));
      case 'ReopenCase':
        return reopenCase(command, existing(state));
      case 'WithdrawCase':
        return withdrawCase(command, existing(state));
      case 'AppendAddendum':
        return appendAddendum(command, existing(state));
      case 'RecordReferenceStandard':
        return recordReferenceStandard(command, existing(state), policy);
      case 'RecordSlaBreach':
        return recordSlaBreach(command, existing(state), policy);
      default:
        return assertNever(command, 'case command');
    }
  };
  return { decide, evolve: evolveCase, initialState: initialCaseState };
}
