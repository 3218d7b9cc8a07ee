import type { FieldError } from '../problem/problem-details.js';
import { ProblemException } from '../problem/problem-exception.js';

/** Query parameters of the audit-trail and access-log lists (api.md "Conventions": lists). */
export interface ListQuery {
  caseId?: string;
  actorId?: string;
  type?: string;
  from?: Date;
  to?: Date;
  /** Absent when the client gave no limit (a CSV export then takes every row). */
  limit?: number;
  after?: bigint;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTOR_ID = /^[A-Za-z0-9._:@-]{1,64}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const LIMIT = /^[1-9]\d{0,2}$/;
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

function isoTime(value: string): Date | undefined {
  const time = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && Number.isFinite(time) ? new Date(time) : undefined;
}

type Parameter = keyof Omit<ListQuery, 'after'> | 'cursor';

const CHECKS: Record<Parameter, { message: string; parse: (value: string) => unknown }> = {
  caseId: {
    message: 'caseId must be a UUID',
    parse: (value) => (UUID.test(value) ? value.toLowerCase() : undefined),
  },
  actorId: {
    message: 'actorId must be an actor id (^[A-Za-z0-9._:@-]{1,64}$)',
    parse: (value) => (ACTOR_ID.test(value) ? value : undefined),
  },
  type: {
    message: 'type must be an event type name, e.g. OpinionSubmitted',
    parse: (value) => (EVENT_TYPE.test(value) ? value : undefined),
  },
  from: { message: 'from must be an ISO 8601 date-time', parse: isoTime },
  to: { message: 'to must be an ISO 8601 date-time', parse: isoTime },
  limit: {
    message: `limit must be a whole number from 1 to ${MAX_LIMIT}`,
    parse: (value) => (LIMIT.test(value) && Number(value) <= MAX_LIMIT ? Number(value) : undefined),
  },
  cursor: { message: 'cursor must be a nextCursor this API returned', parse: decodeCursor },
};

/** Validates the query string against the parameters a route accepts; anything else is a 400. */
export function parseListQuery(query: Record<string, unknown>, accepted: readonly Parameter[]): ListQuery {
  const errors: FieldError[] = [];
  const result: ListQuery = {};
  for (const [name, value] of Object.entries(query)) {
    if (!(accepted as readonly string[]).includes(name)) {
      errors.push({
        field: name,
        message: `${name} is not a known parameter (accepted: ${accepted.join(', ')})`,
      });
      continue;
    }
    const check = CHECKS[name as Parameter];
    if (typeof value !== 'string') {
      errors.push({ field: name, message: `${name} must be given once` });
      continue;
    }
    const parsed = check.parse(value);
    if (parsed === undefined) {
      errors.push({ field: name, message: check.message });
      continue;
    }
    if (name === 'cursor') result.after = parsed as bigint;
    else (result as Record<string, unknown>)[name] = parsed;
  }
  if (result.from && result.to && result.from.getTime() > result.to.getTime()) {
    errors.push({ field: 'to', message: 'to must not be before from' });
  }
  if (errors.length > 0) {
    throw new ProblemException(
      400,
      'validation-failed',
      errors.map((error) => error.message).join('; ') + '.',
      {
        errors,
      },
    );
  }
  return result;
}
