import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { parseInstant } from '../../../domain/metrics/time.js';
import { ACTOR_ID_PATTERN, UUID_PATTERN } from '../../../domain/shared/identifiers.js';
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

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DATE_OR_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO 8601 date-time (without an offset: UTC), as a Date. */
export const DateTimeParameter = (documentation: Documentation = {}): PropertyDecorator =>
  Parameter(
    { type: String, format: 'date-time', ...documentation },
    Checked(
      'isDateTime',
      (text) => DATE_TIME.test(text) && Number.isFinite(parseInstant(text)),
      (property) => `${property} must be an ISO 8601 date-time`,
    ),
    (text) => new Date(parseInstant(text)),
  );

/** An ISO 8601 date (UTC midnight) or date-time (without an offset: UTC), as UTC ISO text. */
export const DateOrDateTimeParameter = (documentation: Documentation = {}): PropertyDecorator =>
  Parameter(
    { type: String, example: '2026-01-01', ...documentation },
    Checked(
      'isDateOrDateTime',
      (text) => DATE_OR_DATE_TIME.test(text) && Number.isFinite(parseInstant(text)),
      (property) =>
        `${property} must be an ISO 8601 date or date-time, e.g. 2026-01-01 or 2026-01-01T00:00:00Z`,
    ),
    (text) => new Date(parseInstant(text)).toISOString(),
  );

const given = (object: object, property: string): unknown => (object as Record<string, unknown>)[property];

/** Not before the time parameter `earlier` (checked only when both are times). */
export const NotBefore = (earlier: string): PropertyDecorator =>
  Checked(
    'isNotBefore',
    (text, { object }) => {
      const start = given(object, earlier);
      return typeof start !== 'string' || !(parseInstant(text) < parseInstant(start));
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
