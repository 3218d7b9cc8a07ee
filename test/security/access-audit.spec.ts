import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ADMIN,
  COORDINATOR,
  MEDICO_LEGAL,
  QUALITY,
  radiologist,
  secondOpinionRequest,
} from '../support/api.js';
import { TEST_JWT_SECRET, tokenFor } from '../support/app.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';
import { type EngineProcess, spawnEngine } from '../support/engine-process.js';
import { waitFor } from '../support/wait-for.js';

const PATIENT = 'PT-SECRET-4711';

type Person = { sub: string; roles: string[]; name?: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of several shapes, checked field by field
type Json = any;

// Access audit: every read of case data by a person is in the access log; the application log holds
// no token, secret or patient reference (query strings included).
describe('access audit and log hygiene (engine process)', () => {
  let database: TestDatabase;
  let engine: EngineProcess;
  const tokens: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('access');
    engine = await spawnEngine({
      DATABASE_URL: database.url,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'debug',
      RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      RATE_LIMIT_PER_USER_PER_MINUTE: '0',
      SLA_WATCH_INTERVAL_MS: '0',
    });
  }, 60_000);
  afterAll(async () => {
    engine.child.kill('SIGTERM');
    await engine.exited;
    await database.drop();
  });

  async function call(
    method: string,
    path: string,
    as: Person,
    body?: unknown,
    userAgent = 'access-audit-test',
  ): Promise<{ status: number; body: Json }> {
    const token = await tokenFor(as.sub, as.roles, { name: as.name });
    tokens.push(token);
    const response = await fetch(`${engine.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'user-agent': userAgent,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  it('records who read which case data, when and from where; logs carry no token, secret or patient reference', async () => {
    const created = await call(
      'POST',
      '/api/v1/cases',
      COORDINATOR,
      secondOpinionRequest({ patientRef: PATIENT }),
    );
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    await call('POST', `/api/v1/cases/${caseId}/assignments`, COORDINATOR, {
      readerId: 'aa-rad',
      role: 'primary',
    });

    const reads: Array<[string, Person, string, string | undefined]> = [
      [`/api/v1/cases/${caseId}`, MEDICO_LEGAL, 'case', caseId],
      [`/api/v1/cases/${caseId}`, radiologist('aa-rad'), 'case', caseId],
      [`/api/v1/cases/${caseId}/history?revision=0`, MEDICO_LEGAL, 'history', caseId],
      [`/api/v1/cases/${caseId}/audit-trail`, QUALITY, 'audit-trail', caseId],
      [`/api/v1/audit-trail?caseId=${caseId}`, MEDICO_LEGAL, 'audit-search', caseId],
      ['/api/v1/cases?status=in-review', COORDINATOR, 'worklist', undefined],
      ['/api/v1/metrics/readers', QUALITY, 'reader-metrics', undefined],
      ['/api/v1/metrics/readers/aa-rad', ADMIN, 'reader-metrics', undefined],
      [`/api/v1/opinion-shopping/flags?patientRef=${PATIENT}`, QUALITY, 'shopping-flags', undefined],
    ];
    // A reader's metrics exist once the reader-metrics projection has seen the assignment.
    await waitFor('the reader-metrics projection to know aa-rad', async () => {
      // Another user agent: these reads are not among the ones the test counts below.
      const read = await call('GET', '/api/v1/metrics/readers/aa-rad', ADMIN, undefined, 'access-audit-wait');
      return read.status === 200;
    });
    for (const [path, person] of reads) {
      expect({ path, status: (await call('GET', path, person)).status }).toEqual({ path, status: 200 });
    }

    // The access log is a projection of the access streams: wait until all reads are there.
    const expected = reads.map(([, person, resource, id]) => `${person.sub}|${resource}|${id ?? ''}`).sort();
    const mine = await waitFor(
      'every read of this test in the access log',
      async () => {
        const log = await call('GET', '/api/v1/access-log?limit=500', ADMIN);
        expect(log.status).toBe(200);
        const items = log.body.items as Array<{
          actorId: string;
          resource: string;
          caseId?: string;
          ip: string;
          userAgent: string;
          accessedAt: string;
        }>;
        return items.filter((item) => item.userAgent === 'access-audit-test');
      },
      { until: (items) => items.length >= expected.length, intervalMs: 100 },
    );
    expect(mine.every((item) => item.ip.length > 0 && !Number.isNaN(Date.parse(item.accessedAt)))).toBe(true);
    expect(mine.map((item) => `${item.actorId}|${item.resource}|${item.caseId ?? ''}`).sort()).toEqual(
      expected,
    );

    // The reads are in their own streams: the case's revision (ETag) is what its two commands made it.
    const view = await fetch(`${engine.baseUrl}/api/v1/cases/${caseId}`, {
      headers: { authorization: `Bearer ${await tokenFor(COORDINATOR.sub, COORDINATOR.roles)}` },
    });
    expect(view.headers.get('etag')).toBe('"1"');

    const output = engine.output();
    expect(output).toMatch(/"url":"\/api\/v1\/opinion-shopping\/flags"/); // the request was logged, without its query
    expect(output).not.toContain(PATIENT);
    expect(output).not.toContain(TEST_JWT_SECRET);
    for (const token of tokens) expect(output).not.toContain(token);
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/); // no JWT at all
  }, 60_000);
});
