import { assertNever } from '../../domain/kernel/decider.js';
import type { CaseEvent, Requester } from '../../domain/case/case.events.js';
import type { CaseStatus, Outcome, Priority, ReaderRole } from '../../domain/case/case.values.js';

export interface WorklistReader {
  assignmentId: string;
  readerId: string;
  role: ReaderRole;
  blinded: boolean;
  submitted: boolean;
  round?: number;
  /**
   * Set when the assignment ended without a submission (unassigned, ended by the case): the reader
   * is no longer listed, but stays blinded on this case (isBlindedViewer).
   */
  ended?: true;
}

/** One row per case (docs/projections.md "Case worklist"). */
export interface WorklistRow {
  caseId: string;
  status: CaseStatus;
  /**
   * What the request names. Null only in rows an engine without these columns wrote, until the
   * worklist is rebuilt (docs/operations.md "Upgrades").
   */
  patientRef: string | null;
  studyInstanceUid: string | null;
  bodyRegion: string | null;
  requester: Requester | null;
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

/** A worklist row as its table holds it (`SELECT *`). */
export interface StoredWorklistRow {
  case_id: string;
  status: WorklistRow['status'];
  patient_ref: string | null;
  study_uid: string | null;
  body_region: string | null;
  requester: WorklistRow['requester'];
  priority: WorklistRow['priority'];
  due_at: Date | null;
  round: number;
  readers: WorklistRow['readers'];
  requested_at: Date;
  consensus_at: Date | null;
  outcome: WorklistRow['outcome'];
  sla_breached_at: Date | null;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

export function fromStoredWorklistRow(row: StoredWorklistRow): WorklistRow {
  return {
    caseId: row.case_id,
    status: row.status,
    patientRef: row.patient_ref,
    studyInstanceUid: row.study_uid,
    bodyRegion: row.body_region,
    requester: row.requester,
    priority: row.priority,
    dueAt: iso(row.due_at),
    round: row.round,
    readers: row.readers,
    requestedAt: row.requested_at.toISOString(),
    consensusAt: iso(row.consensus_at),
    outcome: row.outcome,
    slaBreachedAt: iso(row.sla_breached_at),
  };
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
    const { caseId, patientRef, study, requester, priority, dueAt } = event.data;
    return {
      caseId,
      status: 'requested',
      patientRef,
      studyInstanceUid: study.studyInstanceUid,
      bodyRegion: study.bodyRegion,
      requester,
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
        readers: [
          ...row.readers,
          { assignmentId, readerId, role, blinded, submitted: false, round: event.data.round },
        ],
      };
    }
    case 'ReaderUnassigned':
    case 'AssignmentEnded':
      return {
        ...row,
        readers: endReaders(row.readers, (reader) => reader.assignmentId === event.data.assignmentId),
      };
    case 'OpinionSubmitted':
      return {
        ...row,
        readers: submitted(
          row.readers,
          event.data.readerId,
          (reader) => reader.assignmentId === event.data.assignmentId,
        ),
      };
    case 'AdjudicationDecided':
      return {
        ...row,
        readers: submitted(
          row.readers,
          event.data.adjudicatorId,
          (reader) =>
            reader.role === 'adjudicator' && reader.readerId === event.data.adjudicatorId && !reader.ended,
        ),
      };
    case 'CaseEscalated': {
      const status = STATUS_AFTER_ESCALATION[event.data.level];
      // A panel takes over from the adjudicator, whose assignment ends.
      const readers =
        event.data.level === 'panel'
          ? endReaders(row.readers, (reader) => reader.role === 'adjudicator')
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
        readers: endReaders(row.readers, () => true).filter((reader) => !reader.submitted),
        consensusAt: null,
        outcome: null,
      };
    case 'CaseWithdrawn':
      return { ...row, status: 'withdrawn', readers: endReaders(row.readers, () => true) };
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

/** Ends the matching readers: the submitted ones leave the row, the others stay as ended (still blinded). */
function endReaders(readers: WorklistReader[], which: (reader: WorklistReader) => boolean): WorklistReader[] {
  return readers.flatMap((reader) => {
    if (!which(reader) || reader.ended) return [reader];
    return reader.submitted ? [] : [{ ...reader, ended: true as const }];
  });
}

/** Marks the submission; an ended unsubmitted entry of the same reader (unassigned, then assigned again) goes. */
function submitted(
  readers: WorklistReader[],
  readerId: string,
  which: (reader: WorklistReader) => boolean,
): WorklistReader[] {
  return readers
    .filter((reader) => !(reader.readerId === readerId && reader.ended && !reader.submitted))
    .map((reader) => (which(reader) ? { ...reader, submitted: true } : reader));
}
