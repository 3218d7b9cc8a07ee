/**
 * The fuzz oracle: decides from api.md and domain.md alone (not from the code under test) whether a
 * request is acceptable. `invalid` names the statuses the request may be refused with; `valid`
 * means the engine may accept it (domain rules may still refuse it); `unsure` is left for the few
 * inputs the specification does not settle (then only "no 5xx, problem+json" is asserted).
 */

import { visit } from 'jsonc-parser';

export type Verdict =
  | { kind: 'valid' }
  | { kind: 'unsure'; why: string }
  | { kind: 'invalid'; statuses: readonly number[]; why: string };

const VALID: Verdict = { kind: 'valid' };
const unsure = (why: string): Verdict => ({ kind: 'unsure', why });
const invalid = (why: string, statuses: readonly number[] = [400]): Verdict => ({
  kind: 'invalid',
  statuses,
  why,
});

/** The first invalid verdict wins, then an unsure one. */
function all(verdicts: Iterable<Verdict>): Verdict {
  let result: Verdict = VALID;
  for (const verdict of verdicts) {
    if (verdict.kind === 'invalid') return verdict;
    if (verdict.kind === 'unsure') result = verdict;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Body schemas (api.md "Commands", domain.md "Commands and the events they record")
// ---------------------------------------------------------------------------------------------

interface Field {
  schema: Schema;
  optional: boolean;
}

export type Schema =
  | { k: 'object'; fields: ReadonlyMap<string, Field> }
  | { k: 'array'; items: Schema; max: number }
  /** Free text: no control characters but tab and newlines, no NUL, no lone surrogates. */
  | { k: 'text'; max: number }
  | { k: 'pattern'; re: RegExp; max?: number }
  | { k: 'enum'; values: readonly unknown[] }
  | { k: 'int'; min: number; max: number }
  | { k: 'bool' }
  | { k: 'uuid' }
  /** ISO 8601 time, not in the future (skew allowed); `T` separator required when strict. */
  | { k: 'time'; strictSeparator: boolean; skewMs: number }
  /** `occurredAt`: integrators only, never in the future. */
  | { k: 'occurredAt' };

const opt = (schema: Schema): Field => ({ schema, optional: true });
const req = (schema: Schema): Field => ({ schema, optional: false });
const object = (fields: Record<string, Field | Schema>): Schema => ({
  k: 'object',
  fields: new Map(
    Object.entries(fields).map(([name, field]) => [name, 'k' in field ? req(field) : field] as const),
  ),
});
const text = (max: number): Schema => ({ k: 'text', max });
const pattern = (re: RegExp, max?: number): Schema => ({ k: 'pattern', re, max });
const oneOf = (...values: unknown[]): Schema => ({ k: 'enum', values });
const uuid: Schema = { k: 'uuid' };

export const ACTOR_ID = /^[A-Za-z0-9._:@-]{1,64}$/;
const CODE = /^[a-z][a-z0-9-]{0,63}$/;
const SHORT = 4_000;
const LONG = 20_000;
const finding = object({
  code: pattern(CODE),
  presence: oneOf('present', 'absent', 'uncertain'),
  location: opt(text(200)),
  laterality: opt(oneOf('left', 'right', 'bilateral')),
});
const findings: Schema = { k: 'array', items: finding, max: 64 };
const RADPEER = ['1', '2a', '2b', '3a', '3b'];
const command = (fields: Record<string, Field | Schema>): Schema =>
  object({ ...fields, occurredAt: opt({ k: 'occurredAt' }) });

export const BODY_SCHEMAS: Record<string, Schema> = {
  '/api/v1/cases': command({
    caseId: opt(uuid),
    patientRef: pattern(/^[A-Za-z0-9._:@-]{1,128}$/),
    study: object({
      studyInstanceUid: pattern(/^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/, 64),
      accessionNumber: opt(pattern(/^[A-Za-z0-9._-]{1,64}$/)),
      modality: oneOf('CR', 'DX', 'XR'),
      bodyRegion: pattern(CODE),
      studyDate: { k: 'time', strictSeparator: false, skewMs: 24 * 3_600_000 },
    }),
    clinicalQuestion: text(SHORT),
    requester: object({
      kind: oneOf('patient', 'referring-physician', 'insurer', 'legal-counsel', 'other'),
      id: pattern(ACTOR_ID),
      organisation: opt(text(200)),
    }),
    priority: oneOf('routine', 'urgent', 'stat'),
    readsRequired: opt(oneOf(1, 2)),
    priorReport: opt(
      object({
        author: pattern(ACTOR_ID),
        institution: opt(text(200)),
        reportedAt: opt({ k: 'time', strictSeparator: false, skewMs: 5_000 }),
        findings,
        impression: opt(text(LONG)),
      }),
    ),
  }),
  '/api/v1/cases/{caseId}/assignments': command({
    readerId: pattern(ACTOR_ID),
    role: oneOf('primary', 'adjudicator', 'panelist'),
    blinded: opt({ k: 'bool' }),
  }),
  '/api/v1/cases/{caseId}/assignments/{assignmentId}/unassignment': command({ reason: text(SHORT) }),
  '/api/v1/cases/{caseId}/reads': command({ assignmentId: uuid }),
  '/api/v1/cases/{caseId}/opinions': command({
    assignmentId: uuid,
    findings,
    impression: text(LONG),
    confidence: { k: 'int', min: 1, max: 5 },
    priorReportReview: opt(object({ score: oneOf(...RADPEER), comment: opt(text(SHORT)) })),
  }),
  '/api/v1/cases/{caseId}/prior-report-reviews': command({
    assignmentId: uuid,
    score: oneOf(...RADPEER),
    comment: opt(text(SHORT)),
  }),
  '/api/v1/cases/{caseId}/adjudication': command({
    assignmentId: uuid,
    selectedOpinionId: opt(text(64)),
    findings: opt(findings),
    rationale: text(SHORT),
  }),
  '/api/v1/cases/{caseId}/escalations': command({
    level: oneOf('adjudication', 'panel'),
    reason: oneOf(
      'reader-discordance',
      'significant-discrepancy',
      'low-confidence',
      'requester-appeal',
      'clinical-concern',
      'quality-review',
      'sla-breach',
    ),
  }),
  '/api/v1/cases/{caseId}/closure': command({ note: opt(text(SHORT)) }),
  '/api/v1/cases/{caseId}/reopening': command({ reason: text(SHORT) }),
  '/api/v1/cases/{caseId}/withdrawal': command({ reason: text(SHORT) }),
  '/api/v1/cases/{caseId}/opinions/{opinionId}/addenda': command({ text: text(LONG), reason: text(SHORT) }),
  '/api/v1/cases/{caseId}/reference-standard': command({
    source: oneOf('pathology', 'follow-up-imaging', 'clinical-outcome', 'external-panel'),
    findings,
    note: opt(text(SHORT)),
  }),
  '/api/v1/opinion-shopping/flags/{flagId}/review': command({
    disposition: oneOf('dismissed', 'confirmed', 'needs-follow-up'),
    note: text(SHORT),
  }),
};

/**
 * What the engine takes for a UUID, in path ids and bodies alike: anything UUID-shaped, of any version
 * or variant (an unknown id is 404). The OpenAPI document's `format: uuid` says the same.
 */
export const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Control characters (Unicode Cc) but tab, LF and CR; NEL (U+0085) is a newline to some readers. */
function textVerdict(value: string): Verdict {
  // With the u flag a lone surrogate is the only thing [\uD800-\uDFFF] can match.
  if (/[\uD800-\uDFFF]/u.test(value)) return invalid('lone surrogate');
  if (value.includes('\u0000')) return invalid('NUL');
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/.test(value))
    return invalid('control character');
  if (value.includes('\u0085')) return unsure('NEL (U+0085)');
  return VALID;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})([T ])([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/;
const MARGIN_MS = 60_000;

function calendarOk(year: string, month: string, day: string): boolean {
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  return (
    Number.isFinite(date.getTime()) &&
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() + 1 === Number(month) &&
    date.getUTCDate() === Number(day)
  );
}

function timeVerdict(value: unknown, strictSeparator: boolean, skewMs: number): Verdict {
  if (typeof value !== 'string') return invalid('time is not a string');
  const time = Date.parse(value);
  // A time the engine cannot read is never "not in the future".
  if (!Number.isFinite(time)) return invalid('unreadable time');
  const date = ISO_DATE.exec(value);
  const dateTime = ISO_TIME.exec(value);
  if (!date && !dateTime) return unsure(`time ${JSON.stringify(value.slice(0, 40))} in an unusual form`);
  const [, year, month, day] = (date ?? dateTime)!;
  if (!calendarOk(year!, month!, day!)) return invalid('no such day');
  if (dateTime && dateTime[4] === ' ' && strictSeparator) return invalid('space separator');
  if (time > Date.now() + skewMs + MARGIN_MS) return invalid('time in the future');
  if (time > Date.now() + skewMs - MARGIN_MS) return unsure('time at the future limit');
  return VALID;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function schemaVerdict(schema: Schema, value: unknown, integrator: boolean, at = 'body'): Verdict {
  if (value === null) return invalid(`${at} is null`);
  switch (schema.k) {
    case 'object': {
      if (!isPlainObject(value)) return invalid(`${at} is not an object`);
      // Own keys as JSON.parse made them: `__proto__` is an own key there, and unknown like any other.
      const keys = Object.keys(value);
      const unknown = keys.find((key) => !schema.fields.has(key));
      if (unknown !== undefined) return invalid(`unknown field ${at}.${unknown}`);
      return all(
        [...schema.fields].map(([name, field]) =>
          Object.hasOwn(value, name)
            ? schemaVerdict(field.schema, value[name], integrator, `${at}.${name}`)
            : field.optional
              ? VALID
              : invalid(`${at}.${name} missing`),
        ),
      );
    }
    case 'array':
      if (!Array.isArray(value)) return invalid(`${at} is not an array`);
      if (value.length > schema.max) return invalid(`${at} has over ${schema.max} items`);
      return all(
        value.map((item, index) => schemaVerdict(schema.items, item, integrator, `${at}[${index}]`)),
      );
    case 'text':
      if (typeof value !== 'string') return invalid(`${at} is not a string`);
      if (value.length > schema.max) return invalid(`${at} is over ${schema.max} characters`);
      return textVerdict(value);
    case 'pattern':
      if (typeof value !== 'string' || !schema.re.test(value)) return invalid(`${at} does not match`);
      if (schema.max !== undefined && value.length > schema.max) return invalid(`${at} is too long`);
      return VALID;
    case 'enum':
      return schema.values.includes(value) ? VALID : invalid(`${at} is not one of the values`);
    case 'int':
      return typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= schema.min &&
        value <= schema.max
        ? VALID
        : invalid(`${at} is not an integer in range`);
    case 'bool':
      return typeof value === 'boolean' ? VALID : invalid(`${at} is not a boolean`);
    case 'uuid':
      return typeof value === 'string' && UUID_SHAPED.test(value) ? VALID : invalid(`${at} is not a UUID`);
    case 'time':
      return timeVerdict(value, schema.strictSeparator, schema.skewMs);
    case 'occurredAt':
      if (!integrator) return invalid('occurredAt from a non-integrator');
      return timeVerdict(value, true, 5_000);
  }
}

// ---------------------------------------------------------------------------------------------
// Transport (api.md "Conventions"): 415, 413, then 400 for bytes that are not one JSON value
// ---------------------------------------------------------------------------------------------

export const BODY_LIMIT = 256 * 1024;
export const MAX_DEPTH = 32;

/** How api.md treats a Content-Type header. */
export function contentTypeClass(contentType: string | undefined): 'json' | 'other' | 'unsure' {
  if (contentType === undefined) return 'other';
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim());
  if (mediaType !== 'application/json') {
    // Media types are case-insensitive (RFC 9110), so APPLICATION/JSON may or may not be taken.
    return mediaType.toLowerCase() === 'application/json' ? 'unsure' : 'other';
  }
  // A charset that is not a label of UTF-8 is refused (415), never read as UTF-8.
  const charsets = parameters.flatMap((parameter) => /^charset=("?)(.*)\1$/i.exec(parameter)?.[2] ?? []);
  if (charsets.some((label) => !isUtf8Label(label))) return 'other';
  return parameters.every((parameter) => /^charset=("?)utf-8\1$/i.test(parameter)) ? 'json' : 'unsure';
}

/** api.md: a charset must name UTF-8, by any of its WHATWG labels. */
function isUtf8Label(label: string): boolean {
  try {
    return new TextDecoder(label).encoding === 'utf-8';
  } catch {
    return false;
  }
}

/** Nesting depth of a JSON text (strings and their escapes skipped). */
export function jsonDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') deepest = Math.max(deepest, ++depth);
    else if (char === '}' || char === ']') depth--;
  }
  return deepest;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function hasPrototypePoisoning(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasPrototypePoisoning);
  if (!isPlainObject(value)) return false;
  if (Object.hasOwn(value, '__proto__')) return true;
  const constructor = Object.hasOwn(value, 'constructor') ? value.constructor : undefined;
  if (isPlainObject(constructor) && Object.hasOwn(constructor, 'prototype')) return true;
  return Object.values(value).some(hasPrototypePoisoning);
}

/** api.md: a key given twice in one object (however it is escaped) is a 400, not its last value. */
function hasDuplicateKey(source: string): boolean {
  const objects: Array<Set<string>> = [];
  let found = false;
  visit(source.replace(/^\uFEFF/, ''), {
    onObjectBegin: () => {
      objects.push(new Set());
    },
    onObjectEnd: () => {
      objects.pop();
    },
    onObjectProperty: (property) => {
      const keys = objects[objects.length - 1];
      if (keys?.has(property)) found = true;
      keys?.add(property);
    },
  });
  return found;
}

export type ParsedBody =
  { kind: 'absent' } | { kind: 'parsed'; value: unknown } | { kind: 'refused'; verdict: Verdict };

/** What a body becomes once the transport has read it. */
export function parseBody(contentType: string | undefined, bytes: Uint8Array | undefined): ParsedBody {
  const length = bytes?.byteLength ?? 0;
  if (contentType === undefined && length === 0) return { kind: 'absent' };
  const type = contentTypeClass(contentType);
  if (type === 'other') return { kind: 'refused', verdict: invalid(`Content-Type ${contentType}`, [415]) };
  const refused = (verdict: Verdict): ParsedBody => ({
    kind: 'refused',
    verdict:
      type === 'unsure' && verdict.kind === 'invalid'
        ? invalid(verdict.why, [...verdict.statuses, 415])
        : verdict,
  });
  if (length > BODY_LIMIT) return refused(invalid(`body of ${length} bytes`, [413]));
  let source: string;
  try {
    source = strictUtf8.decode(bytes ?? new Uint8Array());
  } catch {
    return refused(invalid('not UTF-8'));
  }
  if (source.trim() === '') return refused(invalid('empty body'));
  if (jsonDepth(source) > MAX_DEPTH) return refused(invalid('nested too deep'));
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    return refused(invalid('not JSON'));
  }
  // A `__proto__` key, or `constructor.prototype`, is refused by the parser (fastify's secure
  // parser), whether or not the route reads a body.
  if (hasPrototypePoisoning(value)) return refused(invalid('prototype poisoning'));
  if (hasDuplicateKey(source)) return refused(invalid('a key twice in one object'));
  if (type === 'unsure') return { kind: 'refused', verdict: unsure(`Content-Type ${contentType}`) };
  return { kind: 'parsed', value };
}

// ---------------------------------------------------------------------------------------------
// A whole request
// ---------------------------------------------------------------------------------------------

export interface RouteRules {
  /** The body schema; `ignored` for a route that reads no body, `unknown` for a route api.md does not list. */
  body: Schema | 'ignored' | 'unknown';
  /** A missing body counts as `{}` (CloseCase: the note is optional). */
  bodyOptional: boolean;
  /** The route reads Idempotency-Key and If-Match (the case commands). */
  commandHeaders: boolean;
  /** Which path parameter values are usable; an unusable one is refused with these statuses. */
  param(name: string, value: string): Verdict;
}

export interface RequestFacts {
  rules: RouteRules;
  params: Record<string, string>;
  /** A path segment fastify cannot route (over 100 characters, a malformed %-escape): refused first. */
  unroutable: boolean;
  contentType: string | undefined;
  bytes: Uint8Array | undefined;
  headers: Record<string, string>;
  integrator: boolean;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,255}$/;
const IF_MATCH = /^"(0|[1-9]\d{0,15})"$/;

export function verdictFor(facts: RequestFacts): Verdict {
  const { rules } = facts;
  // An unroutable path is a 400 before anything else, or, when a dot segment moves the request to
  // another path, that path's 404 (or 405, when it serves other methods) once its body has been read
  // (415, 413, 400 first). No route, no authentication: such requests count against the
  // per-address limit for unauthenticated ones (429).
  if (facts.unroutable) return invalid('unroutable path', [400, 404, 405, 413, 415, 429]);

  const parsed = parseBody(facts.contentType, facts.bytes);
  if (parsed.kind === 'refused' && parsed.verdict.kind === 'invalid') return parsed.verdict;
  const params = all(Object.entries(facts.params).map(([name, value]) => rules.param(name, value)));
  const paramStatuses = params.kind === 'invalid' ? params.statuses : [];
  if (rules.body === 'unknown')
    return all([params, parsed.kind === 'refused' ? parsed.verdict : VALID, unsure('route not in api.md')]);

  let body: Verdict = VALID;
  if (parsed.kind === 'refused') body = parsed.verdict;
  else if (rules.body !== 'ignored') {
    const value = parsed.kind === 'absent' ? (rules.bodyOptional ? {} : undefined) : parsed.value;
    body = value === undefined ? invalid('no body') : schemaVerdict(rules.body, value, facts.integrator);
  }
  const headers: Verdict[] = [];
  if (rules.commandHeaders) {
    const key = facts.headers['idempotency-key'];
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) headers.push(invalid('Idempotency-Key'));
    const ifMatch = facts.headers['if-match'];
    if (ifMatch !== undefined)
      headers.push(
        IF_MATCH.test(ifMatch.trim()) ? unsure('If-Match (412 unless current)') : invalid('If-Match'),
      );
  }
  // A bad path id and a bad body are both 400 (api.md orders 400 before 404); a path id that names
  // nothing is 404 only once the body is valid.
  const rest = all([body, ...headers]);
  if (rest.kind === 'invalid') return invalid(rest.why, [...new Set([...rest.statuses, ...paramStatuses])]);
  return all([params, rest]);
}
