import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PROBLEM_CATALOGUE } from '../../../src/infrastructure/http/problem/problem-catalogue.js';
import { type RunningApp, startTestApp } from '../../support/app.js';
import { ApiClient, COORDINATOR, INTEGRATOR } from '../../support/api.js';
import { EventStorePosition, type StorePosition } from '../../support/event-store-position.js';
import { type RawResponse, sendRaw } from '../../support/raw-http.js';
import { POLLUTION_MARKER, PROTO_KEYS, type RequestPlan, bodyBytes, requestPlan } from './arbitraries.js';
import { type Verdict, parseBody, verdictFor } from './oracle.js';
import { Rand, type RouteSpec, World, buildWorld, genericRoute, routeSpecs } from './world.js';

/**
 * Property-based hostile-input tests ("Security and integrity under attack", item 2): every POST
 * route of the OpenAPI document gets FUZZ_RUNS generated requests — mutations of a valid body,
 * random JSON, raw texts and bytes, oversized and deeply nested bodies, prototype-pollution keys,
 * wrong content types and headers. For every answer: never a 5xx; every 4xx is problem+json; a
 * 2xx only for a request the oracle (api.md) calls valid; nothing in the event store moves on a
 * rejection; afterwards the process still answers and no prototype or stored event is polluted.
 *
 * - `FUZZ_RUNS`: generated requests per endpoint (default 150, about 2,250 requests; `npm run
 *   test:deep` sets 3000).
 * - `FUZZ_SEED`: replays a run (the summary line prints the seed it used).
 * - `FUZZ_VERBOSE=1`: prints the answers per endpoint (status and code) and the open cases.
 * - `FUZZ_SHRINK=1`: lets fast-check shrink a failure (off by default: the engine keeps state
 *   between requests, so the first failing request, printed in full, is the clearer report).
 */
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 150) || 150);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 0x7fffffff;
const TIMEOUT_MS = 60_000 + RUNS * 250;

const PROBLEM_KEYS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors']);
const STACK_TRACE = /\n\s+at |\.ts:\d+|node_modules/;
const INJECTED_KEYS = new Set([...PROTO_KEYS, POLLUTION_MARKER]);

/** Every case command of api.md (the flag review is listed but may not be served yet). */
const REQUIRED_ROUTES = [
  '/api/v1/cases',
  '/api/v1/cases/{caseId}/assignments',
  '/api/v1/cases/{caseId}/assignments/{assignmentId}/unassignment',
  '/api/v1/cases/{caseId}/reads',
  '/api/v1/cases/{caseId}/opinions',
  '/api/v1/cases/{caseId}/prior-report-reviews',
  '/api/v1/cases/{caseId}/adjudication',
  '/api/v1/cases/{caseId}/escalations',
  '/api/v1/cases/{caseId}/closure',
  '/api/v1/cases/{caseId}/reopening',
  '/api/v1/cases/{caseId}/withdrawal',
  '/api/v1/cases/{caseId}/opinions/{opinionId}/addenda',
  '/api/v1/cases/{caseId}/reference-standard',
  '/api/v1/projections/{name}/rebuild',
];

/** Percent-encodes every byte but the unreserved ones (a lone surrogate goes out as U+FFFD). */
function encodeSegment(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function decodable(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with an error answer, measured against api.md's problem+json. */
function problemIssues(response: RawResponse): string[] {
  const issues: string[] = [];
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('application/problem+json')) issues.push(`content-type ${contentType}`);
  const body = response.json as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return [...issues, 'body is not a JSON object'];
  for (const key of ['type', 'title', 'detail', 'instance', 'code'])
    if (typeof body[key] !== 'string' || body[key] === '') issues.push(`${key} missing`);
  if (body.status !== response.status) issues.push(`status ${String(body.status)} ≠ ${response.status}`);
  // The code is catalogued, with this status, and the type is its page.
  if (typeof body.code === 'string') {
    const catalogued = PROBLEM_CATALOGUE[body.code]?.status;
    if (catalogued !== response.status)
      issues.push(`code ${body.code} catalogued with ${String(catalogued)}`);
    if (body.type !== `/problems/${body.code}`) issues.push(`type ${String(body.type)}`);
  }
  for (const key of Object.keys(body)) if (!PROBLEM_KEYS.has(key)) issues.push(`extra member ${key}`);
  if (body.errors !== undefined) {
    const errors = body.errors;
    if (
      !Array.isArray(errors) ||
      !errors.every(
        (error: unknown) =>
          typeof (error as { field?: unknown }).field === 'string' &&
          typeof (error as { message?: unknown }).message === 'string',
      )
    )
      issues.push('errors is not [{field, message}]');
  }
  if (STACK_TRACE.test(response.text)) issues.push('stack trace in the body');
  return issues;
}

/** Keys and values anywhere in a JSON value that only an injection would put there. */
function injected(value: unknown, at = '$'): string[] {
  if (value === 'PWNED') return [at];
  if (Array.isArray(value)) return value.flatMap((item, index) => injected(item, `${at}[${index}]`));
  if (typeof value === 'object' && value !== null)
    return Object.keys(value).flatMap((key) =>
      INJECTED_KEYS.has(key)
        ? [`${at}.${key}`]
        : injected((value as Record<string, unknown>)[key], `${at}.${key}`),
    );
  return [];
}

/** A text for a failure message: cut short, with invisible characters (controls, lone surrogates) escaped. */
function show(text: string, max = 300): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  return cut.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it escapes
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|[\ud800-\udfff]/gu,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

describe('command endpoints under hostile input (property-based)', () => {
  let running: RunningApp;
  let api: ApiClient;
  let store: EventStorePosition;
  let served: string[] = [];
  let position: StorePosition;
  const world = new World();
  const specs = routeSpecs(world);
  const started = Date.now();
  const stats = {
    requests: 0,
    endpoints: new Set<string>(),
    serverErrors: 0,
    rejected: 0,
    accepted: 0,
    unsure: 0,
    /** Per endpoint: how many answers of each status and code (FUZZ_VERBOSE prints them). */
    outcomes: new Map<string, Map<string, number>>(),
  };
  const count = (template: string, outcome: string) => {
    const outcomes = stats.outcomes.get(template) ?? new Map<string, number>();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    stats.outcomes.set(template, outcomes);
  };
  const objectPrototype = Object.getOwnPropertyNames(Object.prototype).sort();
  const arrayPrototype = Object.getOwnPropertyNames(Array.prototype).sort();

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    store = await EventStorePosition.connect(running.database.url);
    const openapi = await api.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/openapi.json',
    );
    expect(openapi.status).toBe(200);
    served = Object.entries(openapi.body.paths)
      .filter(([, operations]) => operations.post !== undefined)
      .map(([path]) => path)
      .sort();
    await buildWorld(api, world);
    position = await store.settled();
  }, 60_000);

  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: ${stats.requests} requests to ${stats.endpoints.size} endpoints, ${stats.serverErrors} × 5xx, ` +
        `${stats.rejected} rejected with problem+json, ${stats.accepted} accepted ` +
        `(${stats.unsure} of the specification's open cases; FUZZ_RUNS=${RUNS}, FUZZ_SEED=${SEED}, ${seconds} s)`,
    );
    if (process.env.FUZZ_VERBOSE)
      console.log(
        [...stats.outcomes]
          .map(([template, outcomes]) => {
            const sorted = [...outcomes].sort(([, a], [, b]) => b - a);
            return `${template}\n  ${sorted.map(([outcome, n]) => `${outcome} ×${n}`).join(', ')}`;
          })
          .join('\n'),
      );
    await store?.close();
    await running?.close();
  });

  async function fire(spec: RouteSpec, plan: RequestPlan): Promise<void> {
    const valid = spec.build(world, new Rand(plan.choice));
    const params = { ...valid.params };
    const names = Object.keys(params);
    const rawParam = plan.path?.raw && names.length > 0 ? names[plan.path.param % names.length] : undefined;
    if (plan.path && names.length > 0) params[names[plan.path.param % names.length]!] = plan.path.value;
    const integrator = plan.integrator && valid.integratorAllowed;
    const caller = integrator ? INTEGRATOR : valid.caller;
    const bytes = bodyBytes(plan.body, valid.body);
    const contentType =
      plan.contentType.kind === 'set'
        ? plan.contentType.value
        : plan.contentType.kind === 'none' || bytes === undefined
          ? undefined
          : 'application/json';
    const headers: Record<string, string> = Object.fromEntries(plan.headers);
    if (contentType !== undefined) headers['content-type'] = contentType;
    const segments = Object.fromEntries(
      names.map((name) => [name, name === rawParam ? params[name]! : encodeSegment(params[name]!)]),
    );
    const path = spec.template.replace(/\{(\w+)\}/g, (_match, name: string) => segments[name] ?? '');
    // Dot segments move the request to another path (URL normalisation): some other route's 404.
    const unroutable = Object.values(segments).some(
      (segment) => segment.length > 100 || !decodable(segment) || /^(\.|%2e){1,2}$/i.test(segment),
    );
    const verdict: Verdict = verdictFor({
      rules: spec.rules,
      params,
      unroutable,
      contentType,
      bytes,
      headers,
      integrator,
    });

    const token = await api.token(caller.sub, caller.roles, caller.name);
    const describeRequest = () =>
      `POST ${path.length > 200 ? `${path.slice(0, 200)}…` : path} as ${caller.sub}, ` +
      `content-type ${contentType ?? '(none)'}, headers ${JSON.stringify(plan.headers).slice(0, 120)}, ` +
      `verdict ${JSON.stringify(verdict)}, body ${bytes === undefined ? '(none)' : show(Buffer.from(bytes).toString('utf8'))}`;
    let response: RawResponse;
    try {
      // Generated input: only the answer is held to the document.
      response = await sendRaw(running.baseUrl, 'POST', path, {
        token,
        body: bytes,
        headers,
        hostileInput: true,
      });
    } catch (error) {
      throw new Error(`${describeRequest()}\n→ no answer: ${String(error)}`, { cause: error });
    }
    stats.requests++;
    stats.endpoints.add(spec.template);
    const answer = () => `${describeRequest()}\n→ ${response.status} ${show(response.text)}`;
    const code = (response.json as { code?: unknown } | undefined)?.code;
    count(spec.template, `${response.status}${typeof code === 'string' ? ` ${code}` : ''}`);

    if (response.status >= 500) {
      stats.serverErrors++;
      throw new Error(`5xx for hostile input: ${answer()}`);
    }
    if (response.status >= 200 && response.status < 300) {
      if (verdict.kind === 'invalid')
        throw new Error(`accepted a request api.md refuses (${verdict.why}): ${answer()}`);
      const contentTypeOut = response.headers.get('content-type') ?? '';
      if (!contentTypeOut.startsWith('application/json'))
        throw new Error(`a success that is not JSON (${contentTypeOut}): ${answer()}`);
      stats.accepted++;
      if (verdict.kind === 'unsure') {
        stats.unsure++;
        count('(open cases)', `${verdict.why.slice(0, 60)} → ${response.status}`);
      }
      const parsed = parseBody(contentType, bytes);
      spec.accepted?.(world, { params, body: parsed.kind === 'parsed' ? parsed.value : {} }, response.json);
      // An accepted command wrote; whatever it set off has to settle before the next comparison.
      position = await store.settled();
      return;
    }
    if (response.status < 400) throw new Error(`neither success nor error: ${answer()}`);
    const issues = problemIssues(response);
    if (issues.length > 0) throw new Error(`not a problem+json answer (${issues.join('; ')}): ${answer()}`);
    if (verdict.kind === 'invalid' && !verdict.statuses.includes(response.status))
      throw new Error(`expected ${verdict.statuses.join(' or ')} (${verdict.why}): ${answer()}`);
    if (verdict.kind === 'unsure') {
      stats.unsure++;
      count('(open cases)', `${verdict.why.slice(0, 60)} → ${response.status}`);
    }
    const after = await store.read();
    if (after.count !== position.count || after.maxGlobalPosition !== position.maxGlobalPosition)
      throw new Error(
        `a rejected request moved the event store from ${JSON.stringify(position)} to ${JSON.stringify(after)}: ${answer()}`,
      );
    stats.rejected++;
  }

  async function fuzz(spec: RouteSpec, seed: number): Promise<void> {
    await fc.assert(
      fc.asyncProperty(requestPlan, (plan) => fire(spec, plan)),
      { numRuns: RUNS, seed, endOnFailure: process.env.FUZZ_SHRINK === undefined },
    );
  }

  it('the OpenAPI document serves every command endpoint of api.md', () => {
    expect(served).toEqual(expect.arrayContaining(REQUIRED_ROUTES));
  });

  specs.forEach((spec, index) => {
    it(
      `POST ${spec.template}`,
      async () => {
        if (!served.includes(spec.template)) {
          // Only the flag review may be missing (REQUIRED_ROUTES holds the rest); it is fuzzed once served.
          expect(REQUIRED_ROUTES).not.toContain(spec.template);
          return;
        }
        await fuzz(spec, SEED + index);
      },
      TIMEOUT_MS,
    );
  });

  it(
    'POST routes of the OpenAPI document that api.md does not list (invariants only)',
    async () => {
      const known = new Set(specs.map((spec) => spec.template));
      const others = served.filter((path) => !known.has(path));
      for (const [index, template] of others.entries())
        await fuzz(genericRoute(template), SEED + 1_000 + index);
      for (const path of served) expect(stats.endpoints).toContain(path);
    },
    TIMEOUT_MS * 2,
  );

  it('afterwards the process answers, no prototype is polluted and nothing injected was stored', async () => {
    expect((await api.request('GET', '/health')).status).toBe(200);
    expect((await api.request('GET', '/ready')).status).toBe(200);

    expect(({} as Record<string, unknown>)[POLLUTION_MARKER]).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectPrototype);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayPrototype);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);

    // The cases as a reader of the API sees them: fixtures and some of the fuzz's own.
    for (const ref of world.cases.slice(0, 30)) {
      const view = await api.get(`/api/v1/cases/${ref.id}`, COORDINATOR);
      expect(view.status).toBe(200);
      expect(injected(view.body)).toEqual([]);
    }
    // And every stored event, read straight from the table.
    const rows = await store.query<{ type: string; data: unknown; metadata: unknown }>(
      'SELECT event_type AS type, data, metadata FROM event_store.events ORDER BY global_position',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.flatMap((row) => injected({ data: row.data, metadata: row.metadata }, row.type))).toEqual([]);
  });
});
