import { parseInstant } from '../../../domain/metrics/time.js';
import type { FieldError } from '../problem/problem-details.js';
import { ProblemException } from '../problem/problem-exception.js';

/** How one query parameter is read: a parser that returns undefined for a value it refuses. */
export interface QueryParameter<Value> {
  readonly message: string;
  parse(value: string): Value | undefined;
}

type Parsed<Spec extends Record<string, QueryParameter<unknown>>> = {
  [Name in keyof Spec]?: Spec[Name] extends QueryParameter<infer Value> ? Value : never;
};

/**
 * Validates a query string against the parameters a route accepts. An unknown parameter, one given
 * twice or a value its parser refuses → 400 `validation-failed` with `errors[]`.
 */
export function parseQuery<Spec extends Record<string, QueryParameter<unknown>>>(
  query: Record<string, unknown>,
  spec: Spec,
): Parsed<Spec> {
  const errors: FieldError[] = [];
  const result: Record<string, unknown> = {};
  const accepted = Object.keys(spec);
  for (const [name, value] of Object.entries(query)) {
    const parameter = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!parameter) {
      errors.push({
        field: name,
        message: `${name} is not a known parameter (accepted: ${accepted.join(', ')})`,
      });
    } else if (typeof value !== 'string') {
      errors.push({ field: name, message: `${name} must be given once` });
    } else {
      const parsed = parameter.parse(value);
      if (parsed === undefined) errors.push({ field: name, message: parameter.message });
      else result[name] = parsed;
    }
  }
  if (errors.length > 0) throw invalidQuery(errors);
  return result as Parsed<Spec>;
}

export function invalidQuery(errors: FieldError[]): ProblemException {
  return new ProblemException(
    400,
    'validation-failed',
    errors.map((error) => error.message).join('; ') + '.',
    {
      errors,
    },
  );
}

const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO 8601 date or date-time (without an offset: UTC), as a UTC ISO string. */
export const instantParameter = (name: string): QueryParameter<string> => ({
  message: `${name} must be an ISO 8601 date or date-time, e.g. 2026-01-01 or 2026-01-01T00:00:00Z`,
  parse: (value) => {
    if (!DATE_OR_TIME.test(value)) return undefined;
    const time = parseInstant(value);
    return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
  },
});

export const oneOfParameter = <Value extends string>(
  name: string,
  allowed: readonly Value[],
): QueryParameter<Value> => ({
  message: `${name} must be one of ${allowed.join(', ')}`,
  parse: (value) => ((allowed as readonly string[]).includes(value) ? (value as Value) : undefined),
});

export const patternParameter = (name: string, pattern: RegExp, what: string): QueryParameter<string> => ({
  message: `${name} must be ${what}`,
  parse: (value) => (pattern.test(value) ? value : undefined),
});
