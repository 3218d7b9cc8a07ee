import { caseError } from '../../../domain/case/case.errors.js';
import type { CaseEvent } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import { assertAccepts, ESCALATION_LEVEL } from '../../../domain/case/case.lifecycle.js';
import type { CasePolicy } from '../../../domain/case/case.policy.js';
import type { Case } from '../../../domain/case/case.state.js';

/** Sent by the SLA process manager (actor role `system`); the breach time is `metadata.now`. */
export type RecordSlaBreach = CaseCommandOf<'RecordSlaBreach', Record<string, never>>;

/**
 * The SLA process manager's command. Refused with a code (`no-sla`, `sla-not-due`,
 * `sla-already-breached`, or the state's) rather than answered with no events, so that the process
 * manager can tell "nothing to do" apart and log why. Escalates too when the policy says so and the
 * case is still in review.
 */
export function recordSlaBreach(command: RecordSlaBreach, state: Case, policy: CasePolicy): CaseEvent[] {
  assertAccepts(state, 'RecordSlaBreach');
  const { dueAt } = state.request;
  const { now } = command.metadata;
  if (dueAt === null) {
    throw caseError('no-sla', `Case ${state.caseId} was imported as history and has no due time to breach.`);
  }
  if (state.slaBreach) {
    throw caseError(
      'sla-already-breached',
      `Case ${state.caseId} already recorded its SLA breach at ${state.slaBreach.detectedAt}; a breach is recorded once.`,
    );
  }
  if (Date.parse(now) <= Date.parse(dueAt)) {
    throw caseError(
      'sla-not-due',
      `Case ${state.caseId} is due at ${dueAt}, which has not passed at ${now}.`,
    );
  }
  const breached: CaseEvent = { type: 'SlaBreached', data: { dueAt, detectedAt: now } };
  if (!policy.slaBreachEscalates || ESCALATION_LEVEL[state.status] !== 'adjudication') return [breached];
  return [breached, { type: 'CaseEscalated', data: { level: 'adjudication', reason: 'sla-breach' } }];
}
