import type { CaseEvent } from '../case/case.events.js';
import type { ReaderRole } from '../case/case.values.js';
import { assertNever } from '../kernel/decider.js';
import type { MetricsCase } from './reader-metrics.js';

/**
 * Folds a case's events into the facts reader metrics need. Everything is plain JSON, so a
 * projection can keep one record per case in a row and evolve it event by event; a rebuild that
 * folds the same events gives the same record.
 */

export interface MetricsAssignment {
  readonly readerId: string;
  readonly role: ReaderRole;
  readonly round: number;
  readonly blinded: boolean;
  readonly assignedAt: string;
  /** recordedAt of the ReaderAssigned: with assignedAt, tells live from backfilled history. */
  readonly assignedRecordedAt?: string;
}

export interface MetricsCaseRecord {
  readonly metricsCase: MetricsCase;
  /** The current round: escalations and adjudications belong to it. */
  readonly round: number;
  readonly assignments: Readonly<Record<string, MetricsAssignment>>;
}

/** A case event with the occurredAt of its metadata and, from a store, when it was recorded. */
export interface TimedCaseEvent {
  readonly event: CaseEvent;
  readonly occurredAt: string;
  readonly recordedAt?: string;
}

function assignmentOf(record: MetricsCaseRecord, assignmentId: string): MetricsAssignment {
  const assignment = record.assignments[assignmentId];
  // Events are facts: an opinion on an assignment never made means a corrupt stream, not a rule broken.
  if (!assignment) throw new Error(`Case stream is corrupt: assignment ${assignmentId} was never assigned.`);
  return assignment;
}

const withCase = (record: MetricsCaseRecord, change: Partial<MetricsCase>): MetricsCaseRecord => ({
  ...record,
  metricsCase: { ...record.metricsCase, ...change },
});

/** The adjudicator's assignment a decision was made on: its latest of the round (the decision names no assignment). */
function adjudicatorAssignment(
  record: MetricsCaseRecord,
  adjudicatorId: string,
): MetricsAssignment | undefined {
  return Object.values(record.assignments)
    .filter(
      ({ readerId, role, round }) =>
        readerId === adjudicatorId && role === 'adjudicator' && round === record.round,
    )
    .at(-1);
}

/**
 * `recordedAt` (the store's commit time) is kept beside each time the metrics measure spans with,
 * so that a query can tell imported history from live events; without it (a fold of bare events)
 * the times are taken as live.
 */
export function evolveMetricsCase(
  record: MetricsCaseRecord | undefined,
  event: CaseEvent,
  occurredAt: string,
  recordedAt?: string,
): MetricsCaseRecord {
  if (event.type === 'SecondOpinionRequested') {
    const { caseId, study, priorReport } = event.data;
    return {
      metricsCase: {
        caseId,
        bodyRegion: study.bodyRegion,
        occurredAt,
        opinions: [],
        wentToAdjudication: [],
        adjudications: [],
        ...(priorReport && {
          priorReport: {
            author: priorReport.author,
            ...(priorReport.institution !== undefined && { institution: priorReport.institution }),
          },
        }),
        priorReportScores: [],
      },
      round: 1,
      assignments: {},
    };
  }
  if (!record) throw new Error(`Case stream is corrupt: ${event.type} before SecondOpinionRequested.`);
  const { metricsCase } = record;
  switch (event.type) {
    case 'ReaderAssigned': {
      const { assignmentId, readerId, role, round, blinded } = event.data;
      return {
        ...record,
        assignments: {
          ...record.assignments,
          [assignmentId]: {
            readerId,
            role,
            round,
            blinded,
            assignedAt: occurredAt,
            ...(recordedAt !== undefined && { assignedRecordedAt: recordedAt }),
          },
        },
      };
    }
    case 'OpinionSubmitted': {
      const { opinionId, assignmentId, readerId, role, round, findings, priorReportReview } = event.data;
      const assignment = assignmentOf(record, assignmentId);
      return withCase(record, {
        opinions: [
          ...metricsCase.opinions,
          {
            opinionId,
            readerId,
            role,
            round,
            blinded: assignment.blinded,
            findings,
            assignedAt: assignment.assignedAt,
            ...(assignment.assignedRecordedAt !== undefined && {
              assignedRecordedAt: assignment.assignedRecordedAt,
            }),
            submittedAt: occurredAt,
            ...(recordedAt !== undefined && { submittedRecordedAt: recordedAt }),
          },
        ],
        priorReportScores: priorReportReview
          ? [...metricsCase.priorReportScores, { readerId, round, score: priorReportReview.score }]
          : metricsCase.priorReportScores,
      });
    }
    case 'PriorReportReviewed': {
      const { assignmentId, readerId, score } = event.data;
      const { round } = assignmentOf(record, assignmentId);
      return withCase(record, {
        priorReportScores: [...metricsCase.priorReportScores, { readerId, round, score }],
      });
    }
    case 'CaseEscalated':
      if (event.data.level !== 'adjudication' || metricsCase.wentToAdjudication.includes(record.round)) {
        return record;
      }
      return withCase(record, { wentToAdjudication: [...metricsCase.wentToAdjudication, record.round] });
    case 'AdjudicationDecided': {
      const { adjudicatorId, selectedOpinionId, findings } = event.data;
      const assignment = adjudicatorAssignment(record, adjudicatorId);
      return withCase(record, {
        adjudications: [
          ...metricsCase.adjudications,
          {
            round: record.round,
            adjudicatorId,
            ...(selectedOpinionId !== undefined && { selectedOpinionId }),
            findings,
            ...(assignment && { assignedAt: assignment.assignedAt }),
            ...(assignment?.assignedRecordedAt !== undefined && {
              assignedRecordedAt: assignment.assignedRecordedAt,
            }),
            decidedAt: occurredAt,
            ...(recordedAt !== undefined && { decidedRecordedAt: recordedAt }),
          },
        ],
      });
    }
    case 'ConsensusReached': {
      const { round, findings, method, basedOn } = event.data;
      return withCase(record, { consensus: { round, findings, method, basedOn } });
    }
    case 'CaseReopened':
      return { ...record, round: event.data.round };
    case 'ReferenceStandardRecorded': {
      const { findings, source } = event.data;
      return withCase(record, { referenceStandard: { findings, source } });
    }
    case 'ReaderUnassigned':
    case 'ReadStarted':
    case 'DiscordanceDetected':
    case 'CaseClosed':
    case 'CaseWithdrawn':
    case 'AddendumAppended':
    case 'SlaBreached':
    case 'AssignmentEnded':
      return record;
    default:
      return assertNever(event, 'case event');
  }
}

/** The facts of one case from its whole stream, in order; undefined for an empty stream. */
export function metricsCaseFrom(events: readonly TimedCaseEvent[]): MetricsCase | undefined {
  let record: MetricsCaseRecord | undefined;
  for (const { event, occurredAt, recordedAt } of events) {
    record = evolveMetricsCase(record, event, occurredAt, recordedAt);
  }
  return record?.metricsCase;
}
