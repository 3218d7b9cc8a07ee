import fc from 'fast-check';

/**
 * Hostile request bodies for the command fuzz. Bodies are built as JSON *text* trees, not values:
 * JSON.stringify cannot write duplicate keys, an own `__proto__` key, `1e309`, `-0`, `\ud800` or
 * a 100,000-deep array, and those are exactly the texts a parser has to survive.
 */
export type RawJson =
  /** A value JSON.stringify writes. */
  | { t: 'v'; v: unknown }
  /** Text spliced in as it is (numbers such as 1e309, string literals with escapes). */
  | { t: 'raw'; text: string }
  /** Keys are raw JSON string literals, so they may repeat or be escaped (`"\u005f_proto__"`). */
  | { t: 'obj'; entries: Array<[string, RawJson]> }
  | { t: 'arr'; items: RawJson[] }
  /** A string literal of `count` times `unit` (raw string-literal content): sizes at and past every limit. */
  | { t: 'big'; unit: string; count: number }
  /** `depth` nested arrays or objects around a leaf. */
  | { t: 'deep'; depth: number; open: '[' | '{'; leaf: RawJson };

export function toRaw(value: unknown): RawJson {
  if (Array.isArray(value)) return { t: 'arr', items: value.map(toRaw) };
  if (typeof value === 'object' && value !== null)
    return {
      t: 'obj',
      entries: Object.entries(value).map(([key, item]) => [JSON.stringify(key), toRaw(item)]),
    };
  return { t: 'v', v: value };
}

export function serialize(node: RawJson): string {
  switch (node.t) {
    case 'v':
      return JSON.stringify(node.v) ?? 'null';
    case 'raw':
      return node.text;
    case 'obj':
      return `{${node.entries.map(([key, value]) => `${key}:${serialize(value)}`).join(',')}}`;
    case 'arr':
      return `[${node.items.map(serialize).join(',')}]`;
    case 'big':
      return `"${node.unit.repeat(node.count)}"`;
    case 'deep': {
      const open = node.open === '[' ? '[' : '{"a":';
      const close = node.open === '[' ? ']' : '}';
      return `${open.repeat(node.depth)}${serialize(node.leaf)}${close.repeat(node.depth)}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pools
// ---------------------------------------------------------------------------------------------

/** Marker a successful pollution would leave on Object.prototype (checked after the run). */
export const POLLUTION_MARKER = 'fuzzPolluted';
const pollution: RawJson = {
  t: 'obj',
  entries: [[JSON.stringify(POLLUTION_MARKER), { t: 'v', v: 'PWNED' }]],
};
const constructorPollution: RawJson = { t: 'obj', entries: [['"prototype"', pollution]] };

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
const HOSTILE_KEYS = [
  ...PROTO_KEYS,
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupGetter__',
  'then',
  'length',
  POLLUTION_MARKER,
  'isAdmin',
  // Fields the engine sets (api.md: never accepted from clients) and other commands' fields.
  'assignmentId',
  'opinionId',
  'flagId',
  'caseId',
  'dueAt',
  'recordedBy',
  'signature',
  'recordedAt',
  'hash',
  'prevHash',
  'round',
  'shown',
  'revision',
  'status',
  'actor',
  'metadata',
  'occurredAt',
  'readerId',
  'findings',
  'note',
  'comment',
  'priorReportReview',
  '',
  ' ',
  'a.b',
  '$where',
  '$ne',
  'findings[0]',
  '\u0000',
  'x'.repeat(1_000),
];
const ESCAPED_KEYS = [
  '"\\u005f_proto__"',
  '"__proto\\u005f_"',
  '"\\u005F\\u005F\\u0070roto\\u005F\\u005F"',
  '"constr\\u0075ctor"',
  '"prot\\u006ftype"',
  '"\\ud800"',
  '"a\\u0000b"',
];

export const SPECIAL_STRINGS = [
  "'; DROP TABLE event_store.events; --",
  '"; DROP TABLE event_store.events; --',
  "1' OR '1'='1",
  "x'); DELETE FROM event_store.events WHERE ('1'='1",
  '1; SELECT pg_sleep(5)--',
  '$$; DROP SCHEMA event_store CASCADE; $$',
  "E'\\x00'",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '\u202eevil',
  '\u200b',
  '😀',
  '💩'.repeat(10),
  '\u0000',
  'a\u0000b',
  '\u0007',
  '\u001b[31mred',
  '\u007f',
  '\u0085',
  '\u009b',
  '\ud800',
  '\udfff',
  'x\udc00y',
  '\ud83d\ude00',
  '\r\n\t',
  ' ',
  '',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
  '[object Object]',
  'fracture\u0000',
  'primary\u0000',
  'DX\u0000',
  'Ｆｒａｃｔｕｒｅ',
  'İ',
  'e\u0301',
  '\u2028\u2029',
  'Scaphoid fracture?',
];

/** Raw JSON tokens JSON.stringify never writes. */
const RAW_TOKENS = [
  '1e309',
  '-1e309',
  '-0',
  '0',
  '1',
  '2',
  '3',
  '5',
  '6',
  '0.0',
  '1.0',
  '4.0',
  '2.5',
  '1e0',
  '1E1',
  '5e-1',
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890',
  '1e-400',
  '4.999999999999999999',
  '1.0000000000000001',
  '-1',
  'true',
  'false',
  'null',
  '"\\ud800"',
  '"\\udc00x"',
  '"x\\ud83d"',
  '"\\ud83d\\ude00"',
  '"a\\u0000b"',
  '"\\u0000"',
  '"\\u001b[2J"',
  '"\\u0085"',
  '"\\u009b"',
  '"\\u007f"',
  '"\\u2028"',
  '"\\/"',
  '"\\\\"',
  '"fracture\\u0000"',
  '"pr\\u0069mary"',
  '"\\u0044X"',
];

const nowPlus = (ms: number) => new Date(Date.now() + ms).toISOString();
export const DATES = [
  '2026-11-18',
  '2020-02-29',
  '2026-11-18T09:30:00Z',
  '2026-11-18T09:30:00.123Z',
  '2026-11-18T09:30:00+02:00',
  '2026-11-18 09:30:00Z',
  '1970-01-01T00:00:00Z',
  '0001-01-01',
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '2026-11-31',
  '2026-11-18T25:00:00Z',
  '2026-11-18T23:60:00Z',
  '18/11/2026',
  '11/18/2026',
  'yesterday',
  'now',
  '2026-11-18T09:30:00+25:00',
  '2026-11-18T',
  '20261118',
  '2026-W47',
  '2026-322',
  '+002026-11-18',
  '-000001-01-01',
  '2026-11-18T09:30:00.123456789Z',
  'T09:30',
  '2026',
  '2999-01-01',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00.000Z',
  nowPlus(3 * 86_400_000),
  nowPlus(3_600_000),
  nowPlus(-3_600_000),
  nowPlus(-30 * 60_000),
];

const ENUM_NEAR = [
  'DX',
  'dx',
  'Dx ',
  'MR',
  'CT',
  'primary',
  'Primary',
  'PRIMARY',
  'adjudicator',
  'panelist',
  'panel',
  'adjudication',
  'routine',
  'urgent',
  'stat',
  'STAT',
  'asap',
  'patient',
  'insurer',
  'other',
  'present',
  'absent',
  'uncertain',
  'maybe',
  'left',
  'right',
  'bilateral',
  'both',
  '1',
  '2a',
  '2b',
  '3a',
  '3b',
  '4',
  '2c',
  'pathology',
  'follow-up-imaging',
  'clinical-outcome',
  'external-panel',
  'dismissed',
  'confirmed',
  'needs-follow-up',
  'reader-discordance',
  'sla-breach',
  'quality-review',
  'low-confidence',
  'requester-appeal',
  'prior-report',
  'fracture',
  'no-finding',
  'not-a-code',
  'wrist',
  'chest',
];

const UUIDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  '{6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f}',
  '6f1c2d3e4a5b4c6d8e7f9a0b1c2d3e4f',
  '00000000-0000-0000-0000-000000000001',
  '6f1c2d3e-4a5b-9c6d-8e7f-9a0b1c2d3e4f',
  '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f0',
  'not-a-uuid',
];

/** Boundary lengths of api.md and the DTOs (64, 128, 200, 4,000, 20,000) and past 256 KiB. */
const BIG_COUNTS = [
  63, 64, 65, 127, 128, 129, 199, 200, 201, 3_999, 4_000, 4_001, 19_999, 20_000, 20_001, 70_000, 270_000,
];
const BIG_UNITS = ['a', 'é', '😀', ' ', '1', '\\u0000', '\\ud800', '\\n', 'A\\u0301', '\\u0085', '\\"'];

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const value = (v: unknown): RawJson => ({ t: 'v', v });

export const bigString: fc.Arbitrary<RawJson> = fc
  .record({ unit: fc.constantFrom(...BIG_UNITS), count: fc.constantFrom(...BIG_COUNTS) })
  .map(({ unit, count }) => ({ t: 'big', unit, count }));

export const deepValue: fc.Arbitrary<RawJson> = fc
  .record({
    depth: fc.constantFrom(30, 31, 32, 33, 64, 1_000, 100_000),
    open: fc.constantFrom<'[' | '{'>('[', '{'),
  })
  .map(({ depth, open }) => ({ t: 'deep', depth, open, leaf: value(1) }));

const protoObject: fc.Arbitrary<RawJson> = fc.constantFrom<RawJson>(
  { t: 'obj', entries: [['"__proto__"', pollution]] },
  { t: 'obj', entries: [['"constructor"', constructorPollution]] },
  { t: 'obj', entries: [['"\\u005f_proto__"', pollution]] },
  { t: 'obj', entries: [['"prototype"', pollution]] },
  { t: 'arr', items: [{ t: 'obj', entries: [['"__proto__"', pollution]] }] },
);

/** Any hostile JSON value: random JSON, hostile strings, raw tokens, dates, near-miss enums, sizes, depth. */
export const hostileValue: fc.Arbitrary<RawJson> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(value) },
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS).map(value) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(value) },
  { weight: 4, arbitrary: fc.constantFrom(...RAW_TOKENS).map((text): RawJson => ({ t: 'raw', text })) },
  { weight: 3, arbitrary: fc.constantFrom(...DATES).map(value) },
  { weight: 3, arbitrary: fc.constantFrom(...ENUM_NEAR).map(value) },
  { weight: 2, arbitrary: fc.oneof(fc.uuid(), fc.constantFrom(...UUIDS)).map(value) },
  { weight: 2, arbitrary: bigString },
  { weight: 1, arbitrary: deepValue },
  { weight: 2, arbitrary: protoObject },
  {
    weight: 1,
    arbitrary: fc.constantFrom<RawJson>(value({}), value([]), value(null), value(true), value(0)),
  },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_KEYS).map((key) => JSON.stringify(key)) },
  { weight: 2, arbitrary: fc.constantFrom(...ESCAPED_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((key) => JSON.stringify(key)) },
);

export type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; value: RawJson }
  | { op: 'add'; at: number; key: string; value: RawJson }
  | { op: 'duplicate'; at: number; value: RawJson; before: boolean }
  | { op: 'wrap'; at: number }
  | { op: 'reshape'; at: number }
  | { op: 'stringify'; at: number }
  | { op: 'null'; at: number }
  /** Insert one hostile character into a string of the body (the text checks, not the type checks). */
  | { op: 'taint'; at: number; char: string; position: number };

const at = fc.nat();
/** The value for an added key: for the pollution keys, mostly a pollution payload. */
const addedEntry = hostileKey.chain((key) =>
  fc
    .oneof(
      {
        weight: /proto|constr/.test(key) ? 3 : 0,
        arbitrary: fc.constantFrom(pollution, constructorPollution),
      },
      { weight: 2, arbitrary: hostileValue },
    )
    .map((added) => ({ key, value: added })),
);

/** Characters api.md refuses in text (controls, NUL, lone surrogates) beside ones it takes. */
export const TAINT_CHARS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009b',
  '\u009f',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\t',
  '\n',
  '\r',
  '\u2028',
  '\ufeff',
  '\u200b',
  '\u202e',
  '😀',
  "'",
  '"',
  '\\',
  '<',
  '\ufffd',
  '\uffff',
];

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ at, char: fc.constantFrom(...TAINT_CHARS), position: fc.nat() })
      .map((m): Mutation => ({ op: 'taint', ...m })),
  },
  { weight: 3, arbitrary: at.map((index): Mutation => ({ op: 'delete', at: index })) },
  {
    weight: 8,
    arbitrary: fc.record({ at, value: hostileValue }).map((m): Mutation => ({ op: 'set', ...m })),
  },
  {
    weight: 4,
    arbitrary: fc.record({ at, entry: addedEntry }).map(({ at: index, entry }): Mutation => ({
      op: 'add',
      at: index,
      key: entry.key,
      value: entry.value,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ at, value: hostileValue, before: fc.boolean() })
      .map((m): Mutation => ({ op: 'duplicate', ...m })),
  },
  { weight: 1, arbitrary: at.map((index): Mutation => ({ op: 'wrap', at: index })) },
  { weight: 1, arbitrary: at.map((index): Mutation => ({ op: 'reshape', at: index })) },
  { weight: 1, arbitrary: at.map((index): Mutation => ({ op: 'stringify', at: index })) },
  { weight: 1, arbitrary: at.map((index): Mutation => ({ op: 'null', at: index })) },
);

/** Paths (child indexes) of every node of a tree, the root first. */
function paths(node: RawJson, prefix: number[] = []): number[][] {
  const children =
    node.t === 'obj' ? node.entries.map(([, child]) => child) : node.t === 'arr' ? node.items : [];
  return [prefix, ...children.flatMap((child, index) => paths(child, [...prefix, index]))];
}

function childOf(node: RawJson, index: number): RawJson {
  if (node.t === 'obj') return node.entries[index]![1];
  if (node.t === 'arr') return node.items[index]!;
  throw new Error('not a container');
}

function replaceChild(node: RawJson, index: number, child: RawJson): void {
  if (node.t === 'obj') node.entries[index]![1] = child;
  else if (node.t === 'arr') node.items[index] = child;
}

function reshape(node: RawJson): RawJson {
  if (node.t === 'arr')
    return { t: 'obj', entries: node.items.map((item, index) => [JSON.stringify(String(index)), item]) };
  if (node.t === 'obj') return { t: 'arr', items: node.entries.map(([, item]) => item) };
  return { t: 'obj', entries: [['"value"', node]] };
}

/** Applies one mutation at the path `m.at` picks (modulo the number of nodes) to a copy of `root`. */
export function mutate(root: RawJson, m: Mutation): RawJson {
  const copy = structuredClone(root);
  if (m.op === 'taint') {
    const strings = paths(copy).filter((path) => {
      const node = path.reduce(childOf, copy);
      return node.t === 'v' && typeof node.v === 'string';
    });
    if (strings.length === 0) return copy;
    const path = strings[m.at % strings.length]!;
    const node = path.reduce(childOf, copy) as { t: 'v'; v: string };
    const position = m.position % (node.v.length + 1);
    node.v = `${node.v.slice(0, position)}${m.char}${node.v.slice(position)}`;
    return copy;
  }
  const all = paths(copy);
  const path = all[m.at % all.length]!;
  const index = path[path.length - 1];
  let parent: RawJson | undefined;
  let node = copy;
  for (const step of path) {
    parent = node;
    node = childOf(node, step);
  }
  const replace = (next: RawJson): RawJson => {
    if (parent === undefined || index === undefined) return next;
    replaceChild(parent, index, next);
    return copy;
  };
  switch (m.op) {
    case 'delete':
      if (parent === undefined || index === undefined) return { t: 'obj', entries: [] };
      if (parent.t === 'obj') parent.entries.splice(index, 1);
      else if (parent.t === 'arr') parent.items.splice(index, 1);
      return copy;
    case 'set':
      return replace(m.value);
    case 'add': {
      const target =
        node.t === 'obj' ? node : parent?.t === 'obj' ? parent : copy.t === 'obj' ? copy : undefined;
      if (!target || target.t !== 'obj') return replace({ t: 'obj', entries: [[m.key, m.value]] });
      target.entries.push([m.key, m.value]);
      return copy;
    }
    case 'duplicate': {
      if (parent?.t !== 'obj' || index === undefined) return replace(m.value);
      const key = parent.entries[index]![0];
      parent.entries.splice(m.before ? index : index + 1, 0, [key, m.value]);
      return copy;
    }
    case 'wrap':
      return replace({ t: 'arr', items: [node] });
    case 'reshape':
      return replace(reshape(node));
    case 'stringify':
      return replace(value(serialize(node)));
    case 'null':
      return replace(value(null));
  }
}

// ---------------------------------------------------------------------------------------------
// Whole requests
// ---------------------------------------------------------------------------------------------

export type BodyPlan =
  /** The endpoint's valid body, unchanged. */
  | { kind: 'valid' }
  /** The valid body with one to three paths mutated. */
  | { kind: 'mutate'; mutations: Mutation[] }
  /** Any JSON value (random or hostile) as the whole body. */
  | { kind: 'value'; value: RawJson }
  /** A body text: hostile literals, garbage, random JSON text. */
  | { kind: 'text'; text: string }
  /** Random bytes. */
  | { kind: 'bytes'; bytes: Uint8Array }
  /** The valid body with an invalid UTF-8 sequence after its n-th quote. */
  | { kind: 'bad-utf8'; sequence: number[]; afterQuote: number }
  /** The valid body padded with whitespace (below and past 256 KiB). */
  | { kind: 'pad'; size: number; where: 'before' | 'after' | 'inside' }
  /** The valid body after a UTF-8 byte-order mark. */
  | { kind: 'bom' }
  /** No body at all. */
  | { kind: 'none' }
  /** An empty or blank body. */
  | { kind: 'blank'; text: string };

const TOP_LEVEL_TEXTS = [
  '{"__proto__":{"fuzzPolluted":"PWNED"}}',
  '{"constructor":{"prototype":{"fuzzPolluted":"PWNED"}}}',
  '{"\\u005f_proto__":{"fuzzPolluted":"PWNED"}}',
  '{"__proto__":{"__proto__":{"fuzzPolluted":"PWNED"}}}',
  '[{"__proto__":{"fuzzPolluted":"PWNED"}}]',
  '{"a":{"__proto__":{"fuzzPolluted":"PWNED"}}}',
  '{"a":[{"constructor":{"prototype":{"fuzzPolluted":"PWNED"}}}]}',
  '{"__proto__":[]}',
  '{"__proto__":null}',
  '{"constructor":null}',
  '{"constructor":{"name":"x"}}',
  '{"toString":"x","valueOf":1,"hasOwnProperty":2}',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  'null',
  'true',
  '0',
  '-0',
  '1e309',
  '""',
  '"\\ud800"',
  '"\'; DROP TABLE event_store.events; --"',
  '[]',
  '{}',
  '[{}]',
  '[[]]',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  '{"a":1',
  '{"a":1}}',
  '{"a":1}{"b":2}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":0x10}',
  '{"a":"\t"}',
  '{"a":"\\x41"}',
  '{"a":"\\u00"}',
  '/*c*/{}',
  '{}//',
  '\u0000',
  '{}\u0000',
  '\ufeff\ufeff{}',
  '{"a":"\u2028"}',
  '{"reason":"x","reason":"y"}',
  '{"":""}',
  '{"\\u0000":1}',
  '["\\u0000"]',
  '\\',
  '"',
  '{"a":"\\',
];

const BAD_UTF8: number[][] = [
  [0xc0, 0x80], // overlong NUL
  [0xc1, 0xbf], // overlong
  [0xe0, 0x80, 0x80], // overlong
  [0xed, 0xa0, 0x80], // UTF-16 surrogate D800 in UTF-8 (CESU-8)
  [0xed, 0xbf, 0xbf], // surrogate DFFF
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xf5, 0x80, 0x80, 0x80],
  [0xff],
  [0xfe],
  [0x80],
  [0xbf, 0xbf],
  [0xc3], // truncated
  [0xe2, 0x82], // truncated
  [0xf0, 0x9f, 0x98], // truncated emoji
  [0xc3, 0x28],
];

export const CONTENT_TYPES_OTHER = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/problem+json',
  'application/json-patch+json',
  'application/jsonp',
  'json',
  'application/',
  '*/*',
  'text/json',
  'application/json, text/plain',
  'application/json;',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json; charset=UTF-8',
  ' application/json',
];

export type ContentTypePlan = { kind: 'default' } | { kind: 'none' } | { kind: 'set'; value: string };

export type HeaderPlan = Array<[string, string]>;

const IDEMPOTENCY_KEYS = ['fz-key-1', 'fz-key-2', 'fz-key-3', 'bad key', 'k'.repeat(256), 'key-\u00e9', ''];
const IF_MATCH = [
  '"0"',
  '"1"',
  '"2"',
  '"99999"',
  'W/"1"',
  '*',
  '"-1"',
  '1',
  '"01"',
  `"${'9'.repeat(17)}"`,
  '""',
];

/** Path segments sent as they are, not %-encoded: malformed escapes, encoded NUL and slashes. */
export const RAW_PATH_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%80',
  '%ED%A0%80',
  '%00',
  '%2F',
  '%2e%2e',
  '%25',
  '%FF%FE',
];

export interface RequestPlan {
  /** Seeds the choices made against the live world (which case, which assignment). */
  choice: number;
  body: BodyPlan;
  /** Replace one path parameter by a hostile value (index modulo the route's parameters); raw: sent unencoded. */
  path: { param: number; value: string; raw: boolean } | undefined;
  contentType: ContentTypePlan;
  headers: HeaderPlan;
  /** Send as an integrator where the route allows one (then occurredAt is acceptable). */
  integrator: boolean;
}

export const PATH_VALUES = [
  'not-a-uuid',
  '1',
  '0',
  '-1',
  "' OR 1=1 --",
  '..',
  '.',
  '%2e%2e',
  '../../etc/passwd',
  '<script>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'a'.repeat(101),
  'a'.repeat(5_000),
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4',
  '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f\u0000',
  '\u0000',
  '😀',
  'x\ud800',
  ' ',
  'audit-trail',
  'worklist',
];

const bodyPlan: fc.Arbitrary<BodyPlan> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<BodyPlan>({ kind: 'valid' }) },
  {
    weight: 50,
    arbitrary: fc
      .array(mutation, { minLength: 1, maxLength: 3 })
      .map((mutations): BodyPlan => ({ kind: 'mutate', mutations })),
  },
  {
    weight: 8,
    arbitrary: fc
      .oneof(hostileValue, fc.jsonValue({ maxDepth: 4 }).map(value))
      .map((v): BodyPlan => ({ kind: 'value', value: v })),
  },
  {
    weight: 7,
    arbitrary: fc
      .oneof(
        fc.constantFrom(...TOP_LEVEL_TEXTS),
        fc.json({ maxDepth: 3 }),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
      )
      .map((text): BodyPlan => ({ kind: 'text', text })),
  },
  {
    weight: 3,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((bytes): BodyPlan => ({ kind: 'bytes', bytes })),
  },
  {
    weight: 6,
    arbitrary: fc
      .record({ sequence: fc.constantFrom(...BAD_UTF8), afterQuote: fc.nat() })
      .map((plan): BodyPlan => ({ kind: 'bad-utf8', ...plan })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        size: fc.constantFrom(1_000, 200_000, 262_000, 262_144, 262_145, 300_000, 1_100_000),
        where: fc.constantFrom<'before' | 'after' | 'inside'>('before', 'after', 'inside'),
      })
      .map((plan): BodyPlan => ({ kind: 'pad', ...plan })),
  },
  { weight: 2, arbitrary: fc.constant<BodyPlan>({ kind: 'bom' }) },
  { weight: 2, arbitrary: fc.constant<BodyPlan>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', ' ', '\n', '\t\r\n ').map((text): BodyPlan => ({ kind: 'blank', text })),
  },
);

const contentTypePlan: fc.Arbitrary<ContentTypePlan> = fc.oneof(
  { weight: 17, arbitrary: fc.constant<ContentTypePlan>({ kind: 'default' }) },
  { weight: 1, arbitrary: fc.constant<ContentTypePlan>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...CONTENT_TYPES_OTHER)
      .map((v): ContentTypePlan => ({ kind: 'set', value: v })),
  },
);

const headerPlan: fc.Arbitrary<HeaderPlan> = fc.oneof(
  { weight: 18, arbitrary: fc.constant<HeaderPlan>([]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...IDEMPOTENCY_KEYS).map((key): HeaderPlan => [['idempotency-key', key]]),
  },
  { weight: 1, arbitrary: fc.constantFrom(...IF_MATCH).map((tag): HeaderPlan => [['if-match', tag]]) },
);

export const requestPlan: fc.Arbitrary<RequestPlan> = fc.record({
  choice: fc.integer({ min: 0, max: 0x7fffffff }),
  body: bodyPlan,
  path: fc.option(
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          param: fc.nat(),
          value: fc.oneof(fc.constantFrom(...PATH_VALUES), fc.uuid(), fc.string({ maxLength: 20 })),
          raw: fc.constant(false),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          param: fc.nat(),
          value: fc.constantFrom(...RAW_PATH_SEGMENTS),
          raw: fc.constant(true),
        }),
      },
    ),
    { freq: 6 },
  ),
  contentType: contentTypePlan,
  headers: headerPlan,
  integrator: fc.nat(4).map((n) => n === 0),
});

const encoder = new TextEncoder();

/** The bytes of a body plan, given the endpoint's valid body (undefined when it takes none). */
export function bodyBytes(plan: BodyPlan, valid: unknown): Uint8Array | undefined {
  const validText = serialize(toRaw(valid ?? {}));
  switch (plan.kind) {
    case 'valid':
      return valid === undefined ? undefined : encoder.encode(validText);
    case 'mutate':
      return encoder.encode(serialize(plan.mutations.reduce(mutate, toRaw(valid ?? {}))));
    case 'value':
      return encoder.encode(serialize(plan.value));
    case 'text':
      return encoder.encode(plan.text);
    case 'bytes':
      return plan.bytes;
    case 'bad-utf8': {
      const bytes = encoder.encode(validText);
      const quotes = [...bytes.keys()].filter((index) => bytes[index] === 0x22);
      const cut = quotes.length === 0 ? 0 : quotes[plan.afterQuote % quotes.length]! + 1;
      return Buffer.concat([bytes.subarray(0, cut), Buffer.from(plan.sequence), bytes.subarray(cut)]);
    }
    case 'pad': {
      const padding = ' '.repeat(Math.max(0, plan.size - validText.length));
      if (plan.where === 'before') return encoder.encode(padding + validText);
      if (plan.where === 'after') return encoder.encode(validText + padding);
      // Inside: after the opening brace (whitespace between tokens is JSON).
      return encoder.encode(`${validText.slice(0, 1)}${padding}${validText.slice(1)}`);
    }
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encoder.encode(validText)]);
    case 'none':
      return undefined;
    case 'blank':
      return encoder.encode(plan.text);
  }
}
