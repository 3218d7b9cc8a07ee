import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../runner/projection.js';
import { quoteIdentifier } from '../runner/projection-control.js';
import { AUDIT_TRAIL } from './audit-trail.projection.js';

export interface AuditTrailFilter {
  caseId?: string;
  /** Who acted, or for whom an integrator acted. */
  actorId?: string;
  type?: string;
  /** occurredAt ≥ from. */
  from?: Date;
  /** occurredAt ≤ to. */
  to?: Date;
}

export interface PageRequest {
  /** Rows after this position (exclusive). */
  after?: bigint;
  limit: number;
}

export interface Page<Item> {
  items: Item[];
  /** Position of the last item, when more rows follow. */
  nextAfter?: bigint;
}

/** A row of the audit trail (docs/projections.md), in ascending global order. */
export interface AuditTrailItem {
  position: number;
  caseId?: string;
  /** The event's revision in its case (or flag) stream; absent on access rows. */
  revision?: number;
  /** On access rows only: the n-th access to the case (or across cases), apart from its revisions. */
  accessSequence?: number;
  eventId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actorId?: string;
  actorRole?: string;
  onBehalfOf?: string;
  correlationId?: string;
  causationId?: string;
  hash?: string;
  summary: string;
  data: Record<string, unknown>;
}

interface StoredAuditRow {
  position: string;
  case_id: string | null;
  revision: string | null;
  access_sequence: string | null;
  event_id: string;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
  actor_id: string | null;
  actor_role: string | null;
  on_behalf_of: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  hash: string | null;
  summary: string;
  data: Record<string, unknown>;
}

/** Absent rather than null: optional fields are left out of the response. */
function optional<Key extends string>(key: Key, value: string | null): Partial<Record<Key, string>> {
  return value === null ? {} : ({ [key]: value } as Record<Key, string>);
}

function toItem(row: StoredAuditRow): AuditTrailItem {
  return {
    position: Number(row.position),
    ...optional('caseId', row.case_id),
    ...(row.revision === null ? {} : { revision: Number(row.revision) }),
    ...(row.access_sequence === null ? {} : { accessSequence: Number(row.access_sequence) }),
    eventId: row.event_id,
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    ...optional('actorId', row.actor_id),
    ...optional('actorRole', row.actor_role),
    ...optional('onBehalfOf', row.on_behalf_of),
    ...optional('correlationId', row.correlation_id),
    ...optional('causationId', row.causation_id),
    ...optional('hash', row.hash),
    summary: row.summary,
    data: row.data,
  };
}

export interface CaseActorTimeFilter {
  caseId?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
}

const AUDIT_ROWS: PositionSource<StoredAuditRow, AuditTrailItem> = {
  table: 'audit_trail',
  columns: `position, case_id, revision, access_sequence, event_id, type, occurred_at, recorded_at, actor_id,
            actor_role, on_behalf_of, correlation_id, causation_id, hash, summary, data`,
  toItem,
};

/** WHERE clauses shared by the audit trail and the access log. */
export class Conditions {
  readonly clauses: string[] = [];
  readonly parameters: unknown[] = [];

  add(clause: (placeholder: string) => string, value: unknown): void {
    this.parameters.push(value);
    this.clauses.push(clause(`$${this.parameters.length}`));
  }

  /** The filters both logs take: a case, an actor (or whom it acted for), a time range on `timeColumn`. */
  static ofCaseActorTime(filter: CaseActorTimeFilter, timeColumn: 'occurred_at' | 'accessed_at'): Conditions {
    const conditions = new Conditions();
    if (filter.caseId !== undefined) conditions.add((p) => `case_id = ${p}`, filter.caseId);
    if (filter.actorId !== undefined)
      conditions.add((p) => `(actor_id = ${p} OR on_behalf_of = ${p})`, filter.actorId);
    if (filter.from !== undefined) conditions.add((p) => `${timeColumn} >= ${p}`, filter.from.toISOString());
    if (filter.to !== undefined) conditions.add((p) => `${timeColumn} <= ${p}`, filter.to.toISOString());
    return conditions;
  }

  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

export interface PositionSource<Row, Item> {
  table: 'audit_trail' | 'access_log';
  columns: string;
  toItem: (row: Row) => Item;
}

/**
 * Reads the audit trail's serving generation page by page in position order: the audit trail and
 * the access log, which lives beside it.
 */
@Injectable()
export abstract class PositionPageReader {
  constructor(
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
    private readonly dataSource: DataSource,
  ) {}

  protected async readPage<Row extends { position: string }, Item>(
    source: PositionSource<Row, Item>,
    conditions: Conditions,
    page: PageRequest,
  ): Promise<Page<Item>> {
    if (page.after !== undefined) conditions.add((p) => `position > ${p}::bigint`, page.after.toString());
    conditions.parameters.push(page.limit + 1);
    const limit = `$${conditions.parameters.length}`;
    const rows = await this.schemas.withActiveSchema(
      AUDIT_TRAIL,
      (schema) =>
        this.dataSource.query(
          `SELECT ${source.columns} FROM ${quoteIdentifier(schema)}.${source.table} ${conditions.where()}
           ORDER BY position LIMIT ${limit}`,
          conditions.parameters,
        ) as Promise<Row[]>,
    );
    const stored = rows.slice(0, page.limit);
    const items = stored.map(source.toItem);
    return rows.length > page.limit ? { items, nextAfter: BigInt(stored.at(-1)!.position) } : { items };
  }
}

/** Reads the serving generation of the audit trail. */
@Injectable()
export class AuditTrailQueries extends PositionPageReader {
  list(filter: AuditTrailFilter, page: PageRequest): Promise<Page<AuditTrailItem>> {
    const conditions = Conditions.ofCaseActorTime(filter, 'occurred_at');
    if (filter.type !== undefined) conditions.add((p) => `type = ${p}`, filter.type);
    return this.readPage(AUDIT_ROWS, conditions, page);
  }
}
