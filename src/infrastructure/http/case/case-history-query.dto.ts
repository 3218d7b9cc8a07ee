import type { HistoryPoint } from '../../../application/case/queries/get-case-history.query.js';
import { AloneAmong, EndOfDayParameter, WholeNumberParameter } from '../validation/query.validators.js';

const POINTS = ['revision', 'asOf', 'asOccurredBy'];

/** `?revision=`, `?asOf=` or `?asOccurredBy=`: the point of the history to replay, at most one. */
export class CaseHistoryQueryDto {
  @WholeNumberParameter({ description: 'Replay up to this revision (inclusive)' })
  @AloneAmong(POINTS)
  revision?: number;

  @EndOfDayParameter({
    description: 'What the record said at that time (recordedAt ≤ T)',
    example: '2026-11-20T10:00:00Z',
  })
  @AloneAmong(POINTS)
  asOf?: Date;

  @EndOfDayParameter({ description: 'What had happened by that time (occurredAt ≤ T), for imported history' })
  @AloneAmong(POINTS)
  asOccurredBy?: Date;
}

export function historyPoint({ revision, asOf, asOccurredBy }: CaseHistoryQueryDto): HistoryPoint {
  if (revision !== undefined) return { kind: 'revision', revision };
  if (asOf !== undefined) return { kind: 'as-of', time: asOf };
  if (asOccurredBy !== undefined) return { kind: 'as-occurred-by', time: asOccurredBy };
  return { kind: 'latest' };
}
