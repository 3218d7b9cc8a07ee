import { assertNever } from '../../domain/shared/decider.js';
import type { CaseEvent } from '../../domain/case/case.events.js';
import type { CaseStatus, Outcome, Priority, ReaderRole } from '../../domain/case/case.values.js';

export interface WorklistReader {
  assignmentId: string;
  readerId: string;
  role: ReaderRole;
  blinded: boolean;
  submitted: boolean;
}

/** One row per case (docs/projections.md "Case worklist"). */
export interface WorklistRow {
  caseId: string;
  status: CaseStatus;
  priority: Priority;
  dueAt: string | null;
  round: number;
  /** The current round's readers that are still on the case. */
  readers: WorklistReader[];
  requestedAt: string;
  consensusAt: string | null;
  outcome: Outcome | null;
  slaBreachedAt: string | null;
}

const STATUS_AFTER_ESCALATION = { adjudication: 'awaiting-adjudication', panel: 'awaiting-panel' } as const;

/**
 * The worklist's fold: how each case event changes a case's row. `occurredAt` is the event's
 * metadata time (requests and consensus are listed by when they happened).
 */
export function applyToWorklistRow(
  row: WorklistRow | undefined,
  event: CaseEvent,
  occurredAt: string,
): WorklistRow | undefined {
  if (event.type === 'SecondOpinionRequested') {
    const { caseId, priority, dueAt } = event.data;
    return {
      caseId,
      status: 'requested',
      priority,
      dueAt,
      round: 1,
      readers: [],
      requestedAt: occurredAt,
      consensusAt: null,
      outcome: null,
      slaBreachedAt: null,
    };
  }
  if (!row) return undefined; // an event of a case whose request this generation has not seen cannot happen in log order
  switch (event.type) {
    case 'ReaderAssigned': {
      const { assignmentId, readerId, role, blinded } = event.data;
      return {
        ...row,
        status: row.status === 'requested' ? 'in-review' : row.status,
        readers: [...row.readers, { assignmentId, readerId, role, blinded, submitted: false }],
      };
    }
    case 'ReaderUnassigned':
      return {
        ...row,
        readers: row.readers.filter((reader) => reader.assignmentId !== event.data.assignmentId),
      };
    case 'OpinionSubmitted':
      return { ...row, readers: markSubmitted(row.readers, event.data.assignmentId) };
    case 'AdjudicationDecided':
      return {
        ...row,
        readers: row.readers.map((reader) =>
          reader.role === 'adjudicator' && reader.readerId === event.data.adjudicatorId
            ? { ...reader, submitted: true }
            : reader,
        ),
      };
    case 'CaseEscalated': {
      const status = STATUS_AFTER_ESCALATION[event.data.level];
      // A panel takes over from the adjudicator, whose assignment ends.
      const readers =
        event.data.level === 'panel'
          ? row.readers.filter((reader) => reader.role !== 'adjudicator')
          : row.readers;
      return { ...row, status, readers };
    }
    case 'ConsensusReached':
      return { ...row, status: 'consensus', consensusAt: occurredAt, outcome: event.data.outcome };
    case 'CaseClosed':
      return { ...row, status: 'closed', outcome: event.data.outcome };
    case 'CaseReopened':
      return {
        ...row,
        status: 'in-review',
        round: event.data.round,
        readers: [],
        consensusAt: null,
        outcome: null,
      };
    case 'CaseWithdrawn':
      return { ...row, status: 'withdrawn', readers: [] };
    case 'SlaBreached':
      return { ...row, slaBreachedAt: event.data.detectedAt };
    case 'ReadStarted':
    case 'PriorReportReviewed':
    case 'DiscordanceDetected':
    case 'AddendumAppended':
    case 'ReferenceStandardRecorded':
      return row;
    default:
      return assertNever(event, 'case event');
  }
}

function markSubmitted(readers: WorklistReader[], assignmentId: string): WorklistReader[] {
  return readers.map((reader) =>
    reader.assignmentId === assignmentId ? { ...reader, submitted: true } : reader,
  );
}
