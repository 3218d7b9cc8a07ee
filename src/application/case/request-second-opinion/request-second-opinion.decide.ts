import { caseError } from '../../../domain/case/case.errors.js';
import type { SecondOpinionRequested } from '../../../domain/case/case.events.js';
import type { CaseCommandOf } from '../../../domain/case/case.commands.js';
import type { CasePolicy } from '../../../domain/case/case.policy.js';
import type { CaseState } from '../../../domain/case/case.state.js';
import { isOneOf, PRIORITIES, READS_REQUIRED, type Priority } from '../../../domain/case/case.values.js';
import { assertKnownFindings } from '../../../domain/case/findings.js';

/** What SecondOpinionRequested records, less what the engine decides (due time; reads by policy when absent). */
export type RequestSecondOpinion = CaseCommandOf<
  'RequestSecondOpinion',
  Omit<SecondOpinionRequested['data'], 'dueAt' | 'readsRequired'> & { readsRequired?: number }
>;

const HOUR_MS = 3_600_000;

/**
 * occurredAt + the priority's SLA; null when the request is imported history (it occurred more
 * than the policy's threshold before the server's time), which has no SLA.
 */
export function dueAtFor(
  priority: Priority,
  occurredAt: string,
  now: string,
  policy: CasePolicy,
): string | null {
  const occurred = Date.parse(occurredAt);
  if (Date.parse(now) - occurred > policy.importedHistoryThresholdHours * HOUR_MS) return null;
  return new Date(occurred + policy.slaHours[priority] * HOUR_MS).toISOString();
}

export function requestSecondOpinion(
  command: RequestSecondOpinion,
  state: CaseState,
  policy: CasePolicy,
): [SecondOpinionRequested] {
  const { data, metadata } = command;
  if (state.exists) {
    throw caseError(
      'case-exists',
      `Case ${state.caseId} already exists; send further commands to it, or leave caseId out to open a new case.`,
      { caseId: state.caseId },
    );
  }
  if (!policy.bodyRegions.includes(data.study.bodyRegion)) {
    throw caseError(
      'unknown-body-region',
      `Body region "${data.study.bodyRegion}" is not configured; use one of: ${policy.bodyRegions.join(', ')}.`,
    );
  }
  if (!isOneOf(PRIORITIES, data.priority)) {
    throw caseError(
      'invalid-priority',
      `Priority "${String(data.priority)}" is unknown; use ${PRIORITIES.join(', ')}.`,
    );
  }
  const readsRequired = data.readsRequired ?? policy.defaultReadsRequired;
  if (!isOneOf(READS_REQUIRED, readsRequired)) {
    throw caseError(
      'invalid-reads-required',
      `readsRequired is ${readsRequired}; a case needs 1 (single second read) or 2 (double independent read).`,
    );
  }
  if (data.priorReport)
    assertKnownFindings(data.priorReport.findings, policy.findingVocabulary, 'The prior report');

  return [
    {
      type: 'SecondOpinionRequested',
      data: {
        caseId: data.caseId,
        patientRef: data.patientRef,
        study: data.study,
        clinicalQuestion: data.clinicalQuestion,
        requester: data.requester,
        priority: data.priority,
        dueAt: dueAtFor(data.priority, metadata.occurredAt, metadata.now, policy),
        readsRequired,
        ...(data.priorReport && { priorReport: data.priorReport }),
      },
    },
  ];
}
