import type { Requester } from '../../domain/case/case.events.js';
import type { CaseStatus, Outcome, Priority, RequesterKind } from '../../domain/case/case.values.js';
import { isBlindedViewer } from '../../domain/case/case-view.js';
import { fromStoredWorklistRow, type StoredWorklistRow, type WorklistReader } from './worklist-row.js';

export interface WorklistFilter {
  status?: CaseStatus;
  priority?: Priority;
  readerId?: string;
  overdue?: boolean;
  patientRef?: string;
  studyInstanceUid?: string;
  requesterId?: string;
  requesterKind?: RequesterKind;
  /** `requestedAt` range, both ends included (ISO instants). */
  requestedFrom?: string;
  requestedTo?: string;
  outcome?: Outcome;
  /** Only cases this reader is assigned to (radiologists). */
  assignedTo?: string;
  /** Who asks: where it is a blinded reader (isBlindedViewer), its row shows nothing of the others. */
  viewerId?: string;
  limit: number;
  after?: { requestedAt: string; caseId: string };
}

/** A row of GET /api/v1/cases (docs/api.md). */
export interface WorklistItem {
  caseId: string;
  status: CaseStatus;
  /** Null only in rows written before the worklist had these columns, until it is rebuilt. */
  patientRef: string | null;
  studyInstanceUid: string | null;
  bodyRegion: string | null;
  /** Left out for a blinded viewer, whose case view does not name the requester either. */
  requester?: Requester;
  priority: Priority;
  dueAt: string | null;
  overdue: boolean;
  readers: Array<Omit<WorklistReader, 'assignmentId'>>;
  requestedAt: string;
  consensusAt?: string;
  outcome?: Outcome;
}

type ListedRow = StoredWorklistRow & { overdue: boolean };

/**
 * isBlindedViewer in SQL, over a row's readers: `viewer` holds an unsubmitted entry and submitted
 * nothing in that entry's round.
 */
const blindedSql = (viewer: string): string => `EXISTS (
  SELECT 1 FROM jsonb_array_elements(readers) AS mine
   WHERE mine ->> 'readerId' = ${viewer}::text AND mine -> 'submitted' = 'false'::jsonb
     AND NOT EXISTS (
       SELECT 1 FROM jsonb_array_elements(readers) AS done
        WHERE done ->> 'readerId' = ${viewer}::text AND done -> 'submitted' = 'true'::jsonb
          AND done -> 'round' IS NOT DISTINCT FROM mine -> 'round'))`;

/** Reads worklist rows of a generation's schema with the filters of docs/api.md, in keyset pages. */
export async function listWorklist(
  query: (sql: string, parameters: unknown[]) => Promise<ListedRow[]>,
  schema: string,
  filter: WorklistFilter,
): Promise<{ items: WorklistItem[]; last?: { requestedAt: string; caseId: string } }> {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const parameter = (value: unknown): string => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
  if (filter.status) conditions.push(`status = ${parameter(filter.status)}`);
  if (filter.priority) conditions.push(`priority = ${parameter(filter.priority)}`);
  if (filter.patientRef) conditions.push(`patient_ref = ${parameter(filter.patientRef)}`);
  if (filter.studyInstanceUid) conditions.push(`study_uid = ${parameter(filter.studyInstanceUid)}`);
  if (filter.requestedFrom) {
    conditions.push(`requested_at >= ${parameter(filter.requestedFrom)}::timestamptz`);
  }
  if (filter.requestedTo) conditions.push(`requested_at <= ${parameter(filter.requestedTo)}::timestamptz`);
  // What a blinded viewer's row hides, its filters may not reveal either: such rows never match them.
  const hidden: string[] = [];
  if (filter.requesterId) hidden.push(`requester ->> 'id' = ${parameter(filter.requesterId)}`);
  if (filter.requesterKind) hidden.push(`requester ->> 'kind' = ${parameter(filter.requesterKind)}`);
  if (filter.outcome) hidden.push(`outcome = ${parameter(filter.outcome)}`);
  if (hidden.length > 0 && filter.viewerId !== undefined) {
    hidden.push(`NOT ${blindedSql(parameter(filter.viewerId))}`);
  }
  conditions.push(...hidden);
  // A reader whose assignment ended unsubmitted stays in the row (for blinding) but is no longer on the case.
  const onCase = (readerId: string): string =>
    `jsonb_path_exists(readers, '$[*] ? (@.readerId == $r && !exists(@.ended))', jsonb_build_object('r', ${parameter(readerId)}::text))`;
  if (filter.readerId) conditions.push(onCase(filter.readerId));
  if (filter.assignedTo) conditions.push(onCase(filter.assignedTo));
  const overdue = `(due_at IS NOT NULL AND due_at < now() AND status NOT IN ('consensus', 'closed', 'withdrawn'))`;
  if (filter.overdue !== undefined) conditions.push(filter.overdue ? overdue : `NOT ${overdue}`);
  if (filter.after) {
    conditions.push(
      `(requested_at, case_id) > (${parameter(filter.after.requestedAt)}::timestamptz, ${parameter(filter.after.caseId)}::uuid)`,
    );
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = await query(
    `SELECT *, ${overdue} AS overdue
       FROM "${schema}".worklist ${where}
      ORDER BY requested_at, case_id
      LIMIT ${parameter(filter.limit + 1)}`,
    parameters,
  );
  const page = rows.slice(0, filter.limit);
  const items = page.map((row): WorklistItem => {
    const {
      requester,
      readers,
      consensusAt,
      outcome,
      round: _round,
      slaBreachedAt: _sla,
      ...listed
    } = fromStoredWorklistRow(row);
    const blinded = filter.viewerId !== undefined && isBlindedViewer(readers, filter.viewerId);
    // A radiologist, or a blinded reader, sees only itself among the readers.
    const only = blinded ? filter.viewerId : filter.assignedTo;
    return {
      ...listed,
      // Who asked for the opinion is no part of a blinded read (caseViewFor leaves it out too).
      ...(!blinded && requester && { requester }),
      overdue: row.overdue,
      readers: readers
        .filter((reader) => !reader.ended && (!only || reader.readerId === only))
        .map(({ readerId, role, blinded, submitted }) => ({ readerId, role, blinded, submitted })),
      // What the case came to is hidden from a reader that never submitted its read.
      ...(!blinded && consensusAt && { consensusAt }),
      ...(!blinded && outcome && { outcome }),
    };
  });
  const lastRow = rows.length > filter.limit ? page.at(-1) : undefined;
  return {
    items,
    ...(lastRow && { last: { requestedAt: lastRow.requested_at.toISOString(), caseId: lastRow.case_id } }),
  };
}

/** A case as the worklist has it, for lists that name cases (opinion-shopping evidence). */
export interface WorklistCase {
  caseId: string;
  status: CaseStatus;
  requestedAt: string;
  consensusAt: string | null;
  outcome: Outcome | null;
}

/** The worklist rows of `caseIds` (those it has seen), by caseId. */
export async function worklistCases(
  query: (sql: string, parameters: unknown[]) => Promise<unknown[]>,
  schema: string,
  caseIds: readonly string[],
): Promise<Map<string, WorklistCase>> {
  if (caseIds.length === 0) return new Map();
  const rows = (await query(
    `SELECT case_id, status, requested_at, consensus_at, outcome FROM "${schema}".worklist
      WHERE case_id = ANY($1::uuid[])`,
    [caseIds],
  )) as Array<Pick<ListedRow, 'case_id' | 'status' | 'requested_at' | 'consensus_at' | 'outcome'>>;
  return new Map(
    rows.map((row) => [
      row.case_id,
      {
        caseId: row.case_id,
        status: row.status,
        requestedAt: row.requested_at.toISOString(),
        consensusAt: row.consensus_at?.toISOString() ?? null,
        outcome: row.outcome,
      },
    ]),
  );
}
