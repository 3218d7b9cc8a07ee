import type { AccessLogFilter } from '../../../projections/access-log/access-log.queries.js';
import type { AuditTrailFilter } from '../../../projections/audit-trail/audit-trail.queries.js';
import {
  ActorIdParameter,
  BooleanParameter,
  CursorParameter,
  DEFAULT_LIMIT,
  EndOfDayParameter,
  LimitParameter,
  MAX_LIMIT,
  NotBefore,
  PatternParameter,
  StartOfDayParameter,
  UuidParameter,
} from '../validation/query.validators.js';

const POSITION = /^[1-9]\d{0,17}$/;
const CURSOR_PREFIX = 'after:';

/** Opaque and URL-safe: base64url of the last position of the page. */
export function encodeCursor(position: bigint): string {
  return Buffer.from(`${CURSOR_PREFIX}${position}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): bigint | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX)) return undefined;
  const position = decoded.slice(CURSOR_PREFIX.length);
  return POSITION.test(position) ? BigInt(position) : undefined;
}

/**
 * `?actorId=&from=&to=&limit=&cursor=`: what every audit list takes, described for its rows: who
 * `acted`, the `time` column the period filters, and how `limit` reads where it differs.
 */
function AuditListQuery(rows: { acted: string; time: string; limit?: string }) {
  class AuditListQueryDto {
    @ActorIdParameter({ description: rows.acted })
    actorId?: string;

    @StartOfDayParameter({ description: `${rows.time} ≥ from` })
    from?: Date;

    @EndOfDayParameter({ description: `${rows.time} ≤ to` })
    @NotBefore('from')
    to?: Date;

    @LimitParameter(rows.limit === undefined ? {} : { description: rows.limit })
    limit?: number;

    @CursorParameter(decodeCursor)
    cursor?: bigint;
  }
  return AuditListQueryDto;
}

/** One case's audit trail: the case is in the path. */
export class CaseAuditTrailQueryDto
  extends AuditListQuery({
    acted: 'Who acted, or for whom an integrator acted',
    time: 'occurredAt',
    limit: `Default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}; a CSV export without it takes every row`,
  })
  implements AuditTrailFilter
{
  @PatternParameter(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'an event type name, e.g. OpinionSubmitted', {
    example: 'OpinionSubmitted',
  })
  type?: string;

  @BooleanParameter({
    description:
      'CSV export only: true gives every cell exactly as stored, for tools; by default a cell that a ' +
      "spreadsheet would run as a formula (one beginning with =, +, -, @, tab or carriage return) gets a leading '",
  })
  raw?: boolean;
}

/** The audit trail across cases. */
export class AuditTrailQueryDto extends CaseAuditTrailQueryDto {
  @UuidParameter()
  caseId?: string;
}

/** The access log: reads, with no event type. */
export class AccessLogQueryDto
  extends AuditListQuery({ acted: 'Who read, or for whom an integrator read', time: 'accessedAt' })
  implements AccessLogFilter
{
  @UuidParameter()
  caseId?: string;
}
