import { Injectable } from '@nestjs/common';
import type { AskedHistoryPoint } from './case-data-accessed.event.js';
import {
  Conditions,
  type Page,
  type PageRequest,
  PositionPageReader,
  type PositionSource,
} from '../audit-trail/audit-trail.queries.js';

export interface AccessLogFilter {
  caseId?: string;
  /** Who read, or for whom an integrator read. */
  actorId?: string;
  from?: Date;
  to?: Date;
}

/** Who read, or tried to read, which case data, when, from where (docs/api.md `GET /api/v1/access-log`). */
export interface AccessLogItem {
  position: number;
  caseId?: string;
  /** The n-th access to the case (or across cases). */
  accessSequence: number;
  resource: string;
  actorId: string;
  actorRole?: string;
  onBehalfOf?: string;
  ip: string;
  userAgent: string;
  accessedAt: string;
  /** 200 for a read; 401, 403 or 404 for a refused attempt. */
  status: number;
  /** The problem code a refused attempt was answered with. */
  problemCode?: string;
  /** For a history read: the revision or time asked for. */
  point?: AskedHistoryPoint;
}

interface StoredAccessRow {
  position: string;
  case_id: string | null;
  access_sequence: string;
  resource: string;
  actor_id: string;
  actor_role: string | null;
  on_behalf_of: string | null;
  ip: string;
  user_agent: string;
  accessed_at: Date;
  status: number;
  problem_code: string | null;
  point: AskedHistoryPoint | null;
}

function toItem(row: StoredAccessRow): AccessLogItem {
  return {
    position: Number(row.position),
    ...(row.case_id === null ? {} : { caseId: row.case_id }),
    accessSequence: Number(row.access_sequence),
    resource: row.resource,
    actorId: row.actor_id,
    ...(row.actor_role === null ? {} : { actorRole: row.actor_role }),
    ...(row.on_behalf_of === null ? {} : { onBehalfOf: row.on_behalf_of }),
    ip: row.ip,
    userAgent: row.user_agent,
    accessedAt: row.accessed_at.toISOString(),
    status: row.status,
    ...(row.problem_code === null ? {} : { problemCode: row.problem_code }),
    ...(row.point === null ? {} : { point: row.point }),
  };
}

const ACCESS_ROWS: PositionSource<StoredAccessRow, AccessLogItem> = {
  table: 'access_log',
  columns: `position, case_id, access_sequence, resource, actor_id, actor_role, on_behalf_of, ip, user_agent,
            accessed_at, status, problem_code, point`,
  toItem,
};

/** Reads the access log, which lives in the audit trail's serving generation. */
@Injectable()
export class AccessLogQueries extends PositionPageReader {
  list(filter: AccessLogFilter, page: PageRequest): Promise<Page<AccessLogItem>> {
    return this.readPage(ACCESS_ROWS, Conditions.ofCaseActorTime(filter, 'accessed_at'), page);
  }
}
