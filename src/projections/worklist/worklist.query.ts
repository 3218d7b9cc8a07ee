import type { CaseStatus, Outcome, Priority } from '../../domain/case/case.values.js';
import { isBlindedViewer } from '../../domain/case/case-view.js';
import type { WorklistReader } from './worklist-row.js';

export interface WorklistFilter {
  status?: CaseStatus;
  priority?: Priority;
  readerId?: string;
  overdue?: boolean;
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
  priority: Priority;
  dueAt: string | null;
  overdue: boolean;
  readers: Array<Omit<WorklistReader, 'assignmentId'>>;
  requestedAt: string;
  consensusAt?: string;
  outcome?: Outcome;
}

interface ListedRow {
  case_id: string;
  status: CaseStatus;
  priority: Priority;
  due_at: Date | null;
  overdue: boolean;
  readers: WorklistReader[];
  requested_at: Date;
  consensus_at: Date | null;
  outcome: Outcome | null;
}

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
    `SELECT case_id, status, priority, due_at, ${overdue} AS overdue, readers, requested_at, consensus_at, outcome
       FROM "${schema}".worklist ${where}
      ORDER BY requested_at, case_id
      LIMIT ${parameter(filter.limit + 1)}`,
    parameters,
  );
  const page = rows.slice(0, filter.limit);
  const items = page.map((row) => {
    const blinded = filter.viewerId !== undefined && isBlindedViewer(row.readers, filter.viewerId);
    // A radiologist, or a blinded reader, sees only itself among the readers.
    const only = blinded ? filter.viewerId : filter.assignedTo;
    return {
      caseId: row.case_id,
      status: row.status,
      priority: row.priority,
      dueAt: row.due_at?.toISOString() ?? null,
      overdue: row.overdue,
      readers: row.readers
        .filter((reader) => !reader.ended && (!only || reader.readerId === only))
        .map(({ readerId, role, blinded, submitted }) => ({ readerId, role, blinded, submitted })),
      requestedAt: row.requested_at.toISOString(),
      // What the case came to is hidden from a reader that never submitted its read.
      ...(!blinded && row.consensus_at && { consensusAt: row.consensus_at.toISOString() }),
      ...(!blinded && row.outcome && { outcome: row.outcome }),
    };
  });
  const lastRow = rows.length > filter.limit ? page.at(-1) : undefined;
  return {
    items,
    ...(lastRow && { last: { requestedAt: lastRow.requested_at.toISOString(), caseId: lastRow.case_id } }),
  };
}
