import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import { ProjectionTable } from '../runner/projection-table.js';
import { upcastCaseDataAccessed } from './case-data-accessed.event.js';

/**
 * The access log: one row per `CaseDataAccessed`, in the audit trail's schema (it is filled by the
 * audit-trail projection, with the same positions, so one rebuild reproduces both).
 * `access_sequence` numbers the accesses of one case (1, 2, 3 …; those across cases have their own
 * count), apart from the case's event revisions.
 */
export const ACCESS_LOG_TABLE = new ProjectionTable(
  'access_log',
  {
    position: 'bigint PRIMARY KEY',
    event_id: 'text NOT NULL UNIQUE',
    case_id: 'text',
    access_sequence: 'bigint NOT NULL',
    resource: 'text NOT NULL',
    actor_id: 'text NOT NULL',
    actor_role: 'text',
    on_behalf_of: 'text',
    ip: 'text NOT NULL',
    user_agent: 'text NOT NULL',
    accessed_at: 'timestamptz NOT NULL',
    status: 'integer NOT NULL',
    problem_code: 'text',
    point: 'jsonb',
  },
  { indexes: ['(case_id, position)', '(case_id, access_sequence)', '(actor_id, position)', '(accessed_at)'] },
);

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The last access sequence of each case named (`null`: accesses across cases), before this batch. */
export async function lastAccessSequences(
  manager: EntityManager,
  schema: string,
  caseIds: ReadonlySet<string | null>,
): Promise<Map<string | null, bigint>> {
  const table = ACCESS_LOG_TABLE.in(schema);
  const named = [...caseIds].filter((id): id is string => id !== null);
  const rows = (await manager.query(
    `SELECT k.case_id, (SELECT max(a.access_sequence) FROM ${table} a WHERE a.case_id = k.case_id)::text AS last
       FROM unnest($1::text[]) AS k(case_id)
     UNION ALL
     SELECT NULL, (SELECT max(access_sequence) FROM ${table} WHERE case_id IS NULL)::text`,
    [named],
  )) as Array<{ case_id: string | null; last: string | null }>;
  return new Map(rows.map((row) => [row.case_id, BigInt(row.last ?? '0')]));
}

export function accessLogRow(
  position: bigint,
  accessSequence: bigint,
  event: RecordedEvent,
  actor: { id: string | null; role: string | null; onBehalfOf: string | null },
  occurredAt: string,
): unknown[] {
  const data = upcastCaseDataAccessed(event.schemaVersion, event.data);
  return [
    position.toString(),
    event.eventId,
    text(data.caseId),
    accessSequence.toString(),
    text(data.resource) ?? 'unknown',
    text(data.actorId) ?? actor.id ?? 'unknown',
    actor.role,
    actor.onBehalfOf,
    text(data.ip) ?? '',
    text(data.userAgent) ?? '',
    occurredAt,
    Number.isInteger(data.status) ? data.status : 0,
    text(data.problemCode),
    typeof data.point === 'object' && data.point !== null ? JSON.stringify(data.point) : null,
  ];
}
