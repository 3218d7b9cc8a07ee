import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventMetadata, RecordedEvent } from '../../application/ports/event-store.port.js';
import { CASE_DATA_ACCESSED } from '../access-log/case-data-accessed.event.js';
import { ACCESS_LOG_TABLE, accessLogRow, lastAccessSequences } from '../access-log/access-log.table.js';
import type { Projection } from '../runner/projection.js';
import { ProjectionTable } from '../runner/projection-table.js';
import { RegisteredProjection } from '../runner/registered-projection.js';
import { type AssignmentFacts, type SummaryContext, summarise } from './audit-summary.js';

export const AUDIT_TRAIL = 'audit-trail';

const CASE_STREAM_PREFIX = 'case-';

/** Who acted, as every event's metadata records it (`actor {id, role, onBehalfOf?}`). */
export interface EventActor {
  id: string | null;
  role: string | null;
  onBehalfOf: string | null;
}

export function actorOf(metadata: EventMetadata): EventActor {
  const actor = metadata.actor as { id?: unknown; role?: unknown; onBehalfOf?: unknown } | undefined;
  const behalf = actor?.onBehalfOf as string | { id?: unknown } | undefined;
  const onBehalfOf = typeof behalf === 'string' ? behalf : typeof behalf?.id === 'string' ? behalf.id : null;
  return {
    id: typeof actor?.id === 'string' ? actor.id : null,
    role: typeof actor?.role === 'string' ? actor.role : null,
    onBehalfOf,
  };
}

/** When it happened (metadata `occurredAt`), else when the store recorded it. */
export function occurredAtOf(event: RecordedEvent): string {
  const occurredAt = event.metadata.occurredAt;
  const time = typeof occurredAt === 'string' ? Date.parse(occurredAt) : Number.NaN;
  return Number.isFinite(time) ? new Date(time).toISOString() : event.recordedAt.toISOString();
}

/** The case an event belongs to: its case stream, or the `caseId` it names (access, flags). */
export function caseIdOf(event: RecordedEvent): string | null {
  if (event.streamId.startsWith(CASE_STREAM_PREFIX)) return event.streamId.slice(CASE_STREAM_PREFIX.length);
  return typeof event.data.caseId === 'string' ? event.data.caseId : null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const AUDIT_TRAIL_TABLE = new ProjectionTable(
  'audit_trail',
  {
    position: 'bigint PRIMARY KEY',
    case_id: 'text',
    stream_id: 'text NOT NULL',
    revision: 'bigint',
    access_sequence: 'bigint',
    event_id: 'text NOT NULL UNIQUE',
    type: 'text NOT NULL',
    occurred_at: 'timestamptz NOT NULL',
    recorded_at: 'timestamptz NOT NULL',
    actor_id: 'text',
    actor_role: 'text',
    on_behalf_of: 'text',
    correlation_id: 'text',
    causation_id: 'text',
    hash: 'text',
    summary: 'text NOT NULL',
    data: 'jsonb NOT NULL',
    log_position: 'text NOT NULL',
  },
  {
    indexes: [
      '(case_id, position)',
      '(actor_id, position)',
      '(on_behalf_of, position) WHERE on_behalf_of IS NOT NULL',
      '(type, position)',
      '(occurred_at)',
    ],
  },
);

const ASSIGNMENTS_TABLE = new ProjectionTable('assignments', {
  assignment_id: 'text PRIMARY KEY',
  reader_id: 'text NOT NULL',
  role: 'text NOT NULL',
  blinded: 'boolean NOT NULL',
  round: 'integer NOT NULL',
});
const OPINIONS_TABLE = new ProjectionTable('opinions', {
  opinion_id: 'text PRIMARY KEY',
  reader_id: 'text NOT NULL',
});

/** Ids an event refers to, so that its summary can name readers. */
function referencedIds(event: RecordedEvent): { assignments: string[]; opinions: string[] } {
  const data = event.data as {
    assignmentId?: unknown;
    opinionId?: unknown;
    selectedOpinionId?: unknown;
    findings?: Array<{ values?: Array<{ opinionId?: unknown }> }>;
  };
  const opinions = [data.opinionId, data.selectedOpinionId];
  if (event.type === 'DiscordanceDetected' && Array.isArray(data.findings)) {
    for (const disagreement of data.findings) {
      for (const value of disagreement.values ?? []) opinions.push(value.opinionId);
    }
  }
  return {
    assignments: [data.assignmentId].filter((id): id is string => typeof id === 'string'),
    opinions: opinions.filter((id): id is string => typeof id === 'string'),
  };
}

/**
 * The audit trail (docs/projections.md): one row per event, never updated, numbered by `position` in
 * log order, with a one-line summary. It also fills the access log from `CaseDataAccessed`, with
 * the same positions, so one rebuild reproduces both. An access row carries its access sequence
 * instead of a revision: the access stream's revisions would repeat the case's. Two small tables
 * remember who holds each assignment and wrote each opinion, for the summaries.
 */
@Injectable()
@RegisteredProjection()
export class AuditTrailProjection implements Projection {
  readonly name = AUDIT_TRAIL;

  async createTables(manager: EntityManager, schema: string): Promise<void> {
    for (const table of [AUDIT_TRAIL_TABLE, ASSIGNMENTS_TABLE, OPINIONS_TABLE, ACCESS_LOG_TABLE]) {
      await table.create(manager, schema);
    }
  }

  async apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void> {
    const [{ last }] = (await manager.query(
      `SELECT COALESCE(max(position), 0)::text AS last FROM ${AUDIT_TRAIL_TABLE.in(schema)}`,
    )) as Array<{ last: string }>;
    const { assignments, opinions } = await this.loadReferences(manager, schema, events);
    const accessed = new Set(events.filter((event) => event.type === CASE_DATA_ACCESSED).map(caseIdOf));
    const accessSequences =
      accessed.size === 0
        ? new Map<string | null, bigint>()
        : await lastAccessSequences(manager, schema, accessed);

    let position = BigInt(last);
    const auditRows: unknown[][] = [];
    const accessRows: unknown[][] = [];
    const assignmentRows: unknown[][] = [];
    const opinionRows: unknown[][] = [];
    for (const event of events) {
      position += 1n;
      const { metadata, data } = event;
      const actor = actorOf(metadata);
      const correlationId = text(metadata.$correlationId);
      const causationId = text(metadata.$causationId);
      const context: SummaryContext = {
        actorId: actor.id,
        onBehalfOf: actor.onBehalfOf,
        consequence: causationId !== null && causationId !== correlationId,
        assignment: (id) => assignments.get(id),
        opinionAuthor: (id) => opinions.get(id),
      };
      const occurredAt = occurredAtOf(event);
      const caseId = caseIdOf(event);
      let accessSequence: bigint | null = null;
      if (event.type === CASE_DATA_ACCESSED) {
        accessSequence = (accessSequences.get(caseId) ?? 0n) + 1n;
        accessSequences.set(caseId, accessSequence);
        accessRows.push(accessLogRow(position, accessSequence, event, actor, occurredAt));
      }
      auditRows.push([
        position.toString(),
        caseId,
        event.streamId,
        accessSequence === null ? event.revision : null,
        accessSequence?.toString() ?? null,
        event.eventId,
        event.type,
        occurredAt,
        event.recordedAt.toISOString(),
        actor.id,
        actor.role,
        actor.onBehalfOf,
        correlationId,
        causationId,
        text(metadata.hash),
        summarise(event.type, data, context),
        JSON.stringify(data),
        event.position,
      ]);
      if (event.type === 'ReaderAssigned') {
        const facts: AssignmentFacts = {
          readerId: String(data.readerId),
          role: String(data.role),
          blinded: data.blinded === true,
          round: typeof data.round === 'number' ? data.round : 1,
        };
        assignments.set(String(data.assignmentId), facts);
        assignmentRows.push([data.assignmentId, facts.readerId, facts.role, facts.blinded, facts.round]);
      }
      if (event.type === 'OpinionSubmitted') {
        opinions.set(String(data.opinionId), String(data.readerId));
        opinionRows.push([data.opinionId, data.readerId]);
      }
    }
    await AUDIT_TRAIL_TABLE.insert(manager, schema, auditRows);
    await ACCESS_LOG_TABLE.insert(manager, schema, accessRows);
    await ASSIGNMENTS_TABLE.insertNew(manager, schema, assignmentRows);
    await OPINIONS_TABLE.insertNew(manager, schema, opinionRows);
  }

  private async loadReferences(
    manager: EntityManager,
    schema: string,
    events: readonly RecordedEvent[],
  ): Promise<{ assignments: Map<string, AssignmentFacts>; opinions: Map<string, string> }> {
    const assignmentIds = new Set<string>();
    const opinionIds = new Set<string>();
    for (const event of events) {
      const ids = referencedIds(event);
      ids.assignments.forEach((id) => assignmentIds.add(id));
      ids.opinions.forEach((id) => opinionIds.add(id));
    }
    const assignments = new Map<string, AssignmentFacts>();
    const opinions = new Map<string, string>();
    if (assignmentIds.size > 0) {
      const rows = (await manager.query(
        `SELECT assignment_id, reader_id, role, blinded, round FROM ${ASSIGNMENTS_TABLE.in(schema)} WHERE assignment_id = ANY($1::text[])`,
        [[...assignmentIds]],
      )) as Array<{
        assignment_id: string;
        reader_id: string;
        role: string;
        blinded: boolean;
        round: number;
      }>;
      for (const row of rows) {
        assignments.set(row.assignment_id, {
          readerId: row.reader_id,
          role: row.role,
          blinded: row.blinded,
          round: row.round,
        });
      }
    }
    if (opinionIds.size > 0) {
      const rows = (await manager.query(
        `SELECT opinion_id, reader_id FROM ${OPINIONS_TABLE.in(schema)} WHERE opinion_id = ANY($1::text[])`,
        [[...opinionIds]],
      )) as Array<{ opinion_id: string; reader_id: string }>;
      for (const row of rows) opinions.set(row.opinion_id, row.reader_id);
    }
    return { assignments, opinions };
  }
}
