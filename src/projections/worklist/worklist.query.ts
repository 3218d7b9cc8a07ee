import type { CaseStatus, Outcome, Priority } from '../../domain/case/case.values.js';
import type { WorklistReader } from './worklist-row.js';

export interface WorklistFilter {
  status?: CaseStatus;
  priority?: Priority;
  readerId?: string;
  overdue?: boolean;
  /** Only cases this reader is assigned to (radiologists). */
  assignedTo?: string;
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
  if (filter.readerId)
    conditions.push(`readers @> ${parameter(JSON.stringify([{ readerId: filter.readerId }]))}::jsonb`);
  if (filter.assignedTo)
    conditions.push(`readers @> ${parameter(JSON.stringify([{ readerId: filter.assignedTo }]))}::jsonb`);
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
  const items = page.map((row) => ({
    caseId: row.case_id,
    status: row.status,
    priority: row.priority,
    dueAt: row.due_at?.toISOString() ?? null,
    overdue: row.overdue,
    readers: row.readers
      // A radiologist sees only itself among the readers: who else reads, and whether they are done, is not its business.
      .filter((reader) => !filter.assignedTo || reader.readerId === filter.assignedTo)
      .map(({ readerId, role, blinded, submitted }) => ({ readerId, role, blinded, submitted })),
    requestedAt: row.requested_at.toISOString(),
    ...(row.consensus_at && { consensusAt: row.consensus_at.toISOString() }),
    ...(row.outcome && { outcome: row.outcome }),
  }));
  const lastRow = rows.length > filter.limit ? page.at(-1) : undefined;
  return {
    items,
    ...(lastRow && { last: { requestedAt: lastRow.requested_at.toISOString(), caseId: lastRow.case_id } }),
  };
}
