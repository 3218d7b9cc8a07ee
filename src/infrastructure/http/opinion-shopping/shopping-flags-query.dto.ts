import { PATIENT_REF_PATTERN } from '../../../domain/kernel/identifiers.js';
import {
  FLAG_DISPOSITIONS,
  FLAG_ID_PATTERN,
  FLAG_STATUS_FILTERS,
  type FlagDisposition,
  type FlagStatusFilter,
} from '../../../domain/opinion-shopping/flag-review.js';
import {
  SHOPPING_RULES,
  type ShoppingRule,
} from '../../../domain/opinion-shopping/opinion-shopping.policy.js';
import type {
  FlagFilter,
  FlagPosition,
} from '../../../projections/opinion-shopping/opinion-shopping.queries.js';
import {
  CursorParameter,
  LimitParameter,
  OneOfParameter,
  PatternParameter,
} from '../validation/query.validators.js';

/** Opaque and URL-safe: base64url of the last item's (raisedAt, flagId). */
export function encodeFlagCursor(position: FlagPosition): string {
  return Buffer.from(JSON.stringify([position.raisedAt, position.flagId]), 'utf8').toString('base64url');
}

export function decodeFlagCursor(cursor: string): FlagPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [raisedAt, flagId] = decoded as unknown[];
    if (typeof raisedAt !== 'string' || typeof flagId !== 'string' || !FLAG_ID_PATTERN.test(flagId))
      return undefined;
    const time = Date.parse(raisedAt);
    return Number.isFinite(time) ? { raisedAt: new Date(time).toISOString(), flagId } : undefined;
  } catch {
    return undefined;
  }
}

/** `GET /api/v1/opinion-shopping/flags`: filters and page. */
export class ShoppingFlagsQueryDto implements FlagFilter {
  @OneOfParameter(FLAG_STATUS_FILTERS, {
    description:
      'open: never reviewed; needs-follow-up / resolved: what the latest review left it in; unresolved: the queue (open or needs-follow-up); reviewed: needs-follow-up or resolved',
  })
  status?: FlagStatusFilter;

  @OneOfParameter(FLAG_DISPOSITIONS, { description: "The latest review's disposition" })
  disposition?: FlagDisposition;

  @PatternParameter(PATIENT_REF_PATTERN, `a patient reference (${PATIENT_REF_PATTERN.source})`, {
    description: 'A pseudonymous patient reference (never logged)',
  })
  patientRef?: string;

  @OneOfParameter(SHOPPING_RULES)
  rule?: ShoppingRule;

  @LimitParameter()
  limit?: number;

  @CursorParameter(decodeFlagCursor)
  cursor?: FlagPosition;
}
