import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { DAY_MS } from '../../../domain/metrics/time.js';
import { ACTOR_ID_PATTERN, UUID_PATTERN } from '../../../domain/kernel/identifiers.js';
import { VOCABULARIES, type QueryVocabularies } from './query-validation.pipe.js';
import { Optional } from './text.validators.js';

/**
 * Decorators of query DTOs (QueryValidationPipe): each documents a parameter in OpenAPI, checks the
 * text as it was sent and, once every parameter passed, converts it. A parameter is optional.
 */

/** Lists (docs/api.md "Conventions"): `limit` defaults to 50, at most 500. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

type Documentation = ApiPropertyOptions;

/** A check of the text as sent; `message` names the property as the client wrote it. */
function Checked(
  name: string,
  test: (text: string, args: ValidationArguments) => boolean,
  message: (property: string, args: ValidationArguments) => string,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          typeof value === 'string' && args !== undefined && test(value, args),
        defaultMessage: (args?: ValidationArguments) =>
          args === undefined ? `${name} failed` : message(args.property, args),
      },
    });
}

function Parameter(
  documentation: Documentation,
  check: PropertyDecorator,
  convert?: (text: string) => unknown,
): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional(documentation)(target, key);
    Optional()(target, key);
    check(target, key);
    if (convert)
      Transform(({ value }: { value: string }) => convert(value), { toClassOnly: true })(target, key);
  };
}

/** One of a fixed list, e.g. a case status. */
export function OneOfParameter(
  values: readonly string[],
  documentation: Documentation = {},
): PropertyDecorator {
  return Parameter(
    { enum: [...values], ...documentation },
    Checked(
      'isOneOf',
      (text) => values.includes(text),
      (property) => `${property} must be one of ${values.join(', ')}`,
    ),
  );
}

/** One of a list the configuration sets (QUERY_VOCABULARIES), e.g. the body regions. */
export function VocabularyParameter(
  vocabulary: string,
  documentation: Documentation = {},
): PropertyDecorator {
  const valuesIn = (object: object): readonly string[] =>
    (object as { [VOCABULARIES]?: QueryVocabularies })[VOCABULARIES]?.[vocabulary] ?? [];
  return Parameter(
    { description: `One of the configured ${vocabulary}`, ...documentation },
    Checked(
      'isInVocabulary',
      (text, { object }) => valuesIn(object).includes(text),
      (property, { object }) => `${property} must be one of ${valuesIn(object).join(', ')}`,
    ),
  );
}

/** Text of a given shape; `what` completes "<property> must be …". */
export function PatternParameter(
  pattern: RegExp,
  what: string,
  documentation: Documentation = {},
  convert?: (text: string) => unknown,
): PropertyDecorator {
  return Parameter(
    { pattern: pattern.source, ...documentation },
    Checked(
      'matchesPattern',
      (text) => pattern.test(text),
      (property) => `${property} must be ${what}`,
    ),
    convert,
  );
}

/** A UUID in either case, lower-cased (OpenAPI patterns take no flags: `format` says it instead). */
export const UuidParameter = (documentation: Documentation = {}): PropertyDecorator =>
  PatternParameter(UUID_PATTERN, 'a UUID', { format: 'uuid', pattern: undefined, ...documentation }, (text) =>
    text.toLowerCase(),
  );

export const ActorIdParameter = (documentation: Documentation = {}): PropertyDecorator =>
  PatternParameter(ACTOR_ID_PATTERN, `an actor id (${ACTOR_ID_PATTERN.source})`, {
    example: 'rad-17',
    ...documentation,
  });

/** `true` or `false`, as a boolean. */
export const BooleanParameter = (documentation: Documentation = {}): PropertyDecorator =>
  Parameter(
    { type: Boolean, ...documentation },
    Checked(
      'isBooleanText',
      (text) => text === 'true' || text === 'false',
      (property) => `${property} must be true or false`,
    ),
    (text) => text === 'true',
  );

const WHOLE_NUMBER = /^(0|[1-9]\d{0,9})$/;

/** A whole number from 0, as a number. */
export const WholeNumberParameter = (documentation: Documentation = {}): PropertyDecorator =>
  PatternParameter(
    WHOLE_NUMBER,
    'a whole number from 0',
    { type: 'integer', minimum: 0, pattern: undefined, ...documentation },
    Number,
  );

/** `limit` of a list: 1 to MAX_LIMIT, as a number. */
export const LimitParameter = (documentation: Documentation = {}): PropertyDecorator =>
  Parameter(
    {
      type: 'integer',
      minimum: 1,
      maximum: MAX_LIMIT,
      description: `Default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}`,
      ...documentation,
    },
    Checked(
      'isLimit',
      (text) => /^[1-9]\d{0,2}$/.test(text) && Number(text) <= MAX_LIMIT,
      (property) => `${property} must be a whole number from 1 to ${MAX_LIMIT}`,
    ),
    Number,
  );

/** `cursor` of a list: a `nextCursor` the API returned, decoded (undefined: not one). */
export const CursorParameter = (decode: (cursor: string) => unknown): PropertyDecorator =>
  Parameter(
    { type: String, description: 'nextCursor of the previous page' },
    Checked(
      'isCursor',
      (text) => decode(text) !== undefined,
      (property) => `${property} must be a nextCursor this API returned`,
    ),
    decode,
  );

/**
 * Query dates (docs/api.md "Dates"): a date (YYYY-MM-DD) or an RFC 3339 date-time. A date names a
 * whole UTC day: its first instant where a period starts (`from`), its last where a period or a
 * replay ends (`to`, `asOf`, `asOccurredBy`), so "to 1 December" includes 1 December.
 */
export type DayEdge = 'start' | 'end';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const MINUTE_MS = 60_000;

/** The first instant of a UTC calendar day, or undefined when there is no such day (2026-02-30). */
function startOfUtcDay(year: number, month: number, day: number): number | undefined {
  // setUTCFullYear, unlike Date.UTC, does not move years 0–99 to the 1900s.
  const start = new Date(0).setUTCFullYear(year, month - 1, day);
  const check = new Date(start);
  return check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? start : undefined;
}

/** The instant (milliseconds since the epoch) a query date or date-time names, or undefined. */
export function queryInstant(text: string, edge: DayEdge): number | undefined {
  const date = DATE.exec(text);
  if (date) {
    const start = startOfUtcDay(Number(date[1]), Number(date[2]), Number(date[3]));
    if (start === undefined) return undefined;
    return edge === 'start' ? start : start + DAY_MS - 1;
  }
  const parts = DATE_TIME.exec(text);
  if (!parts) return undefined;
  // Parts a date-time leaves out (fraction, numeric offset) are '' here.
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes] = parts.map(
    (part: string | undefined) => part ?? '',
  );
  const start = startOfUtcDay(Number(year), Number(month), Number(day));
  // A leap second (:60) has no JavaScript instant: refused rather than moved.
  if (start === undefined || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59)
    return undefined;
  if (sign !== '' && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return undefined;
  const offset =
    sign === '' ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  // Milliseconds are what a Date holds: digits after the third are dropped.
  const time =
    start +
    (Number(hour) * 60 + Number(minute) - offset) * MINUTE_MS +
    Number(second) * 1000 +
    Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  return Number.isFinite(new Date(time).getTime()) ? time : undefined;
}

const DATE_RULE = 'a date (YYYY-MM-DD) or an RFC 3339 date-time, e.g. 2026-12-01 or 2026-12-01T09:30:00Z';

function DateParameter(
  edge: DayEdge,
  documentation: Documentation,
  convert: (instant: Date) => unknown,
): PropertyDecorator {
  const day =
    edge === 'start' ? 'from the start of that UTC day' : 'up to the end of that UTC day (included)';
  const { description, ...rest } = documentation;
  return Parameter(
    {
      type: String,
      example: '2026-12-01',
      ...rest,
      description: `${description === undefined ? '' : `${description}. `}A date (YYYY-MM-DD: ${day}) or an RFC 3339 date-time`,
    },
    Checked(
      'isQueryDate',
      (text) => queryInstant(text, edge) !== undefined,
      (property) => `${property} must be ${DATE_RULE}`,
    ),
    (text) => convert(new Date(queryInstant(text, edge)!)),
  );
}

/**
 * Where a period starts (`from`): a date is the first instant of that UTC day. As a Date, or what
 * `convert` makes of it.
 */
export const StartOfDayParameter = (
  documentation: Documentation = {},
  convert: (instant: Date) => unknown = (instant) => instant,
): PropertyDecorator => DateParameter('start', documentation, convert);

/**
 * Where a period or a replay ends, included (`to`, `asOf`, `asOccurredBy`): a date is the last
 * instant (23:59:59.999) of that UTC day. As a Date, or what `convert` makes of it.
 */
export const EndOfDayParameter = (
  documentation: Documentation = {},
  convert: (instant: Date) => unknown = (instant) => instant,
): PropertyDecorator => DateParameter('end', documentation, convert);

const given = (object: object, property: string): unknown => (object as Record<string, unknown>)[property];

/**
 * The end of a period not before its start `earlier` (checked once both are valid dates): a date
 * `to` counts as the end of its day, a date `from` as the start of its own.
 */
export const NotBefore = (earlier: string): PropertyDecorator =>
  Checked(
    'isNotBefore',
    (text, { object }) => {
      const start = given(object, earlier);
      const startsAt = typeof start === 'string' ? queryInstant(start, 'start') : undefined;
      const endsAt = queryInstant(text, 'end');
      return startsAt === undefined || endsAt === undefined || endsAt >= startsAt;
    },
    (property) => `${property} must not be before ${earlier}`,
  );

/** At most one of `parameters` (this one among them) may be given. */
export const AloneAmong = (parameters: readonly string[]): PropertyDecorator =>
  Checked(
    'isAloneAmong',
    (_, { object, property }) =>
      parameters.every((other) => other === property || given(object, other) === undefined),
    () => `give at most one of ${parameters.slice(0, -1).join(', ')} and ${parameters.at(-1)}`,
  );
