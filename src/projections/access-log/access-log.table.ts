import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import type { InsertColumn } from '../runner/insert-rows.js';
import { quoteIdentifier } from '../runner/projection-control.js';

/**
 * The access log: one row per `CaseDataAccessed`, in the audit trail's schema (it is filled by the
 * audit-trail projection, with the same positions, so one rebuild reproduces both).
 */
export async function createAccessLogTable(manager: EntityManager, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await manager.query(`
    CREATE TABLE ${s}.access_log (
      position     bigint      PRIMARY KEY,
      event_id     text        NOT NULL UNIQUE,
      case_id      text,
      resource     text        NOT NULL,
      actor_id     text        NOT NULL,
      actor_role   text,
      on_behalf_of text,
      ip           text        NOT NULL,
      user_agent   text        NOT NULL,
      accessed_at  timestamptz NOT NULL
    )`);
  await manager.query(`CREATE INDEX ON ${s}.access_log (case_id, position)`);
  await manager.query(`CREATE INDEX ON ${s}.access_log (actor_id, position)`);
  await manager.query(`CREATE INDEX ON ${s}.access_log (accessed_at)`);
}

export const ACCESS_LOG_COLUMNS: InsertColumn[] = [
  { name: 'position', cast: '::bigint' },
  { name: 'event_id' },
  { name: 'case_id' },
  { name: 'resource' },
  { name: 'actor_id' },
  { name: 'actor_role' },
  { name: 'on_behalf_of' },
  { name: 'ip' },
  { name: 'user_agent' },
  { name: 'accessed_at', cast: '::timestamptz' },
];

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function accessLogRow(
  position: bigint,
  event: RecordedEvent,
  actor: { id: string | null; role: string | null; onBehalfOf: string | null },
  occurredAt: string,
): unknown[] {
  const { data } = event;
  return [
    position.toString(),
    event.eventId,
    text(data.caseId),
    text(data.resource) ?? 'unknown',
    text(data.actorId) ?? actor.id ?? 'unknown',
    actor.role,
    actor.onBehalfOf,
    text(data.ip) ?? '',
    text(data.userAgent) ?? '',
    occurredAt,
  ];
}
