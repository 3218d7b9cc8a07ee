import { CASE_STATUSES, PRIORITIES } from '../../../domain/case/case.values.js';
import type { CaseStatus, Priority } from '../../../domain/case/case.values.js';
import { isUuid } from '../../../domain/shared/identifiers.js';
import type { WorklistFilter } from '../../../projections/worklist/worklist.query.js';
import {
  ActorIdParameter,
  BooleanParameter,
  CursorParameter,
  LimitParameter,
  OneOfParameter,
} from '../validation/query.validators.js';

type WorklistPosition = NonNullable<WorklistFilter['after']>;

/** Opaque and URL-safe: base64url of the last row's (requestedAt, caseId). */
export function encodeWorklistCursor(after: WorklistPosition): string {
  return Buffer.from(`${after.requestedAt}|${after.caseId}`, 'utf8').toString('base64url');
}

export function decodeWorklistCursor(cursor: string): WorklistPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|(.+)$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match || !Number.isFinite(Date.parse(match[1]!)) || !isUuid(match[2])) return undefined;
  return { requestedAt: match[1]!, caseId: match[2]! };
}

/** `GET /api/v1/cases`: the worklist's filters and page. */
export class WorklistQueryDto {
  @OneOfParameter(CASE_STATUSES)
  status?: CaseStatus;

  @OneOfParameter(PRIORITIES)
  priority?: Priority;

  @ActorIdParameter({ description: 'Cases this reader is assigned to' })
  readerId?: string;

  @BooleanParameter({ description: 'Only cases past (true) or within (false) their due time' })
  overdue?: boolean;

  @LimitParameter()
  limit?: number;

  @CursorParameter(decodeWorklistCursor)
  cursor?: WorklistPosition;
}
