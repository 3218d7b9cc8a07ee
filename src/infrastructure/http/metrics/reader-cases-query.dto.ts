import { ApiProperty } from '@nestjs/swagger';
import { RADPEER_SCORES, type RadpeerScore } from '../../../domain/case/case.values.js';
import {
  type Blinding,
  CASE_MEASURES,
  type CaseMeasure,
  type Codes,
  type Counted,
  DECIDING_ROLES,
  type DecidingRole,
  REFERENCES_COMPARED,
  type Reference,
} from '../../../domain/metrics/case-selector.js';
import type { ReaderCasePosition } from '../../../domain/metrics/reader-metrics.js';
import { isUuid } from '../../../domain/kernel/identifiers.js';
import {
  BooleanParameter,
  CursorParameter,
  LimitParameter,
  OneOfParameter,
  PatternParameter,
} from '../validation/query.validators.js';
import { ReaderMetricsQueryDto } from './reader-metrics-query.dto.js';

/** Opaque and URL-safe: base64url of the last unit's (requestedAt, caseId, unit). */
export function encodeReaderCasesCursor(position: ReaderCasePosition): string {
  return Buffer.from(JSON.stringify([position.requestedAt, position.caseId, position.unit]), 'utf8').toString(
    'base64url',
  );
}

export function decodeReaderCasesCursor(cursor: string): ReaderCasePosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,600}$/.test(cursor)) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 3) return undefined;
    const [requestedAt, caseId, unit] = decoded as unknown[];
    if (typeof requestedAt !== 'string' || !Number.isFinite(Date.parse(requestedAt))) return undefined;
    if (!isUuid(caseId) || typeof unit !== 'string' || unit.length === 0) return undefined;
    return { requestedAt, caseId, unit };
  } catch {
    return undefined;
  }
}

/** Printable text: no control characters (C0 and DEL). */
const INSTITUTION = /^[^\p{Cc}]{1,200}$/u;

/**
 * `GET /api/v1/metrics/readers/{readerId}/cases`: the count to list (its measure and the pool it
 * was counted in), the scope of the metrics query it came from, and the page. The `cases` links of
 * a metrics response are filled in with exactly these parameters.
 */
export class ReaderCasesQueryDto extends ReaderMetricsQueryDto {
  // Required: checked by the controller, since every query parameter of a DTO is optional.
  @ApiProperty({ required: true, enum: [...CASE_MEASURES] })
  @OneOfParameter(CASE_MEASURES, { description: 'The count to list (required)' })
  measure?: CaseMeasure;

  @OneOfParameter(REFERENCES_COMPARED, { description: 'What the pairs were compared against' })
  reference?: Reference;

  @OneOfParameter(['unblinded'], { description: "The unblinded opinions' figures (`unblinded`)" })
  blinding?: Blinding;

  @OneOfParameter(DECIDING_ROLES, { description: 'The figures `asAdjudicator` or `asPanelist`' })
  role?: DecidingRole;

  @OneOfParameter(['significant'], { description: 'Significant codes only' })
  codes?: Codes;

  @OneOfParameter(RADPEER_SCORES, { description: 'One RADPEER score' })
  score?: RadpeerScore;

  @PatternParameter(INSTITUTION, 'an institution name (1 to 200 characters)', {
    description: "A prior report's institution (`radpeer.received.byInstitution`)",
    // A Unicode property class is not an OpenAPI (flagless) pattern: the description says it.
    pattern: undefined,
  })
  institution?: string;

  @BooleanParameter({ description: 'true: prior reports that name no institution' })
  noInstitution?: boolean;

  @LimitParameter()
  limit?: number;

  @CursorParameter(decodeReaderCasesCursor)
  cursor?: ReaderCasePosition;
}

/** The count a query names, less its scope; undefined without a measure. */
export function countedOf(query: ReaderCasesQueryDto): Counted | undefined {
  const { measure, reference, blinding, role, codes, score, institution, noInstitution } = query;
  if (measure === undefined) return undefined;
  return {
    measure,
    ...(reference !== undefined && { reference }),
    ...(blinding !== undefined && { blinding }),
    ...(role !== undefined && { role }),
    ...(codes !== undefined && { codes }),
    ...(score !== undefined && { score }),
    ...(institution !== undefined && { institution }),
    ...(noInstitution === true && { institution: null }),
  };
}
