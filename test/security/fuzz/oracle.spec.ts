import { describe, expect, it } from '@jest/globals';
import { secondOpinionRequest } from '../../support/api.js';
import { bodyBytes, mutate, serialize, toRaw } from './arbitraries.js';
import { BODY_SCHEMAS, type RouteRules, type Verdict, UUID_SHAPED, verdictFor } from './oracle.js';

/** The fuzz is only as good as its oracle: it must call valid what api.md takes and refuse the rest. */
const rules = (template: string, bodyOptional = false): RouteRules => ({
  body: BODY_SCHEMAS[template]!,
  bodyOptional,
  commandHeaders: true,
  param: (_name, value) =>
    UUID_SHAPED.test(value) ? { kind: 'valid' } : { kind: 'invalid', statuses: [400, 404], why: 'id' },
});
const CASES = rules('/api/v1/cases');
const OPINIONS = rules('/api/v1/cases/{caseId}/opinions');
const CLOSURE = rules('/api/v1/cases/{caseId}/closure', true);
const encoder = new TextEncoder();

function verdict(
  route: RouteRules,
  body: string | Uint8Array | undefined,
  options: { contentType?: string | null; integrator?: boolean; headers?: Record<string, string> } = {},
): Verdict {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  return verdictFor({
    rules: route,
    params: route === CASES ? {} : { caseId: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f' },
    unroutable: false,
    contentType: options.contentType === null ? undefined : (options.contentType ?? 'application/json'),
    bytes,
    headers: options.headers ?? {},
    integrator: options.integrator ?? false,
  });
}

const opinion = {
  assignmentId: '2eb60686-af85-48cd-86a3-63f3d695aee5',
  findings: [{ code: 'fracture', presence: 'present' }],
  impression: 'Fracture.',
  confidence: 4,
};
const kind = (value: Verdict) => value.kind;
const statuses = (value: Verdict) => (value.kind === 'invalid' ? value.statuses : []);

describe('the fuzz oracle', () => {
  it('calls the valid bodies of api.md valid', () => {
    expect(verdict(CASES, JSON.stringify(secondOpinionRequest()))).toEqual({ kind: 'valid' });
    expect(verdict(OPINIONS, JSON.stringify(opinion))).toEqual({ kind: 'valid' });
    expect(verdict(OPINIONS, JSON.stringify(opinion).replace('"confidence":4', '"confidence":4.0'))).toEqual({
      kind: 'valid',
    });
    expect(verdict(CLOSURE, undefined, { contentType: null })).toEqual({ kind: 'valid' });
    expect(verdict(CLOSURE, '{}')).toEqual({ kind: 'valid' });
    expect(
      verdict(CASES, JSON.stringify({ ...secondOpinionRequest(), occurredAt: '2026-01-01T00:00:00Z' }), {
        integrator: true,
      }),
    ).toEqual({ kind: 'valid' });
  });

  it('refuses, with the status api.md names, what api.md refuses', () => {
    const body = JSON.stringify(opinion);
    expect(statuses(verdict(OPINIONS, body, { contentType: 'text/plain' }))).toEqual([415]);
    expect(statuses(verdict(OPINIONS, body, { contentType: null }))).toEqual([415]);
    expect(statuses(verdict(OPINIONS, body + ' '.repeat(300_000)))).toEqual([413]);
    expect(statuses(verdict(OPINIONS, Buffer.from([0x7b, 0xc0, 0x80, 0x7d])))).toEqual([400]);
    expect(statuses(verdict(OPINIONS, `${'['.repeat(33)}${']'.repeat(33)}`))).toEqual([400]);
    expect(statuses(verdict(OPINIONS, ''))).toEqual([400]);
    for (const refused of [
      { ...opinion, confidence: 6 },
      { ...opinion, confidence: '4' },
      { ...opinion, impression: 'a\u009bb' },
      { ...opinion, impression: 'a\ud800b' },
      { ...opinion, impression: 'a\u0000b' },
      { ...opinion, impression: 'x'.repeat(20_001) },
      { ...opinion, findings: [[{ code: 'fracture', presence: 'present' }]] },
      { ...opinion, priorReportReview: [{ score: '1' }] },
      { ...opinion, valueOf: 1 },
      { ...opinion, assignmentId: null },
      { ...opinion, occurredAt: '2026-01-01T00:00:00Z' },
    ])
      expect(statuses(verdict(OPINIONS, JSON.stringify(refused)))).toEqual([400]);
    expect(statuses(verdict(OPINIONS, body.replace('"confidence":4', '"confidence":1e309')))).toEqual([400]);
    expect(statuses(verdict(OPINIONS, body.replace('{', '{"__proto__":{"x":1},')))).toEqual([400]);
    expect(statuses(verdict(OPINIONS, body, { headers: { 'idempotency-key': 'bad key' } }))).toEqual([400]);
    expect(
      statuses(
        verdict(CASES, JSON.stringify({ ...secondOpinionRequest(), occurredAt: '2999-01-01T00:00:00Z' }), {
          integrator: true,
        }),
      ),
    ).toEqual([400]);
  });

  it('leaves open only what api.md leaves open', () => {
    expect(kind(verdict(OPINIONS, JSON.stringify(opinion), { contentType: 'APPLICATION/JSON' }))).toBe(
      'unsure',
    );
    expect(kind(verdict(OPINIONS, JSON.stringify({ ...opinion, impression: 'a\u0085b' })))).toBe('unsure');
  });

  it('builds the texts JSON.stringify cannot: duplicate keys, raw numbers, deep nesting', () => {
    const raw = toRaw({ reason: 'x' });
    expect(
      serialize(mutate(raw, { op: 'duplicate', at: 1, value: { t: 'raw', text: '1e309' }, before: false })),
    ).toBe('{"reason":"x","reason":1e309}');
    expect(serialize(mutate(raw, { op: 'add', at: 0, key: '"__proto__"', value: { t: 'v', v: 1 } }))).toBe(
      '{"reason":"x","__proto__":1}',
    );
    expect(serialize({ t: 'deep', depth: 3, open: '[', leaf: { t: 'v', v: 1 } })).toBe('[[[1]]]');
    expect(serialize(mutate(raw, { op: 'taint', at: 0, char: '\u0000', position: 1 }))).toBe(
      '{"reason":"x\\u0000"}',
    );
    const bad = bodyBytes({ kind: 'bad-utf8', sequence: [0xff], afterQuote: 2 }, { reason: 'x' })!;
    expect(Buffer.from(bad).includes(0xff)).toBe(true);
  });
});
