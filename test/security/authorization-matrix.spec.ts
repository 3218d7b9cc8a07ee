import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { format } from 'prettier';
import { ACCESS_POLICY, ROLES } from '../../src/application/auth/access-policy.js';
import {
  ENDPOINTS,
  PUBLIC_API_ENDPOINTS,
  renderAccessMatrix,
} from '../../src/infrastructure/auth/endpoints.js';
import { routeTable } from '../../src/infrastructure/http/configure-http.js';
import { COORDINATOR, ApiClient, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, TEST_JWT_SECRET, startTestApp, tokenFor } from '../support/app.js';

const READER = 'mx-rad';

/** Unsigned token (`alg: none`), built by hand: jose refuses to make one. */
function unsignedToken(sub: string, roles: string[]): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub, roles, name: sub, iat: now, exp: now + 3600 })}.`;
}

async function expiredToken(sub: string, roles: string[]): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles, name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

type Principal = {
  name: string;
  authorization?: string;
  role?: (typeof ROLES)[number];
  expect: 'by-policy' | 401 | 403;
};

// The authorisation matrix of api.md: every protected endpoint × every role and every kind of bad token.
describe('authorisation matrix', () => {
  let running: RunningApp;
  let api: ApiClient;
  const principals: Principal[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '0', RATE_LIMIT_PER_USER_PER_MINUTE: '0' });
    api = new ApiClient(running.baseUrl);
    const created = await api.post('/api/v1/cases', secondOpinionRequest(), COORDINATOR);
    ids.caseId = created.body.caseId as string;
    const assigned = await api.post(
      `/api/v1/cases/${ids.caseId}/assignments`,
      { readerId: READER, role: 'primary' },
      COORDINATOR,
    );
    ids.assignmentId = assigned.body.assignmentId as string;
    ids.opinionId = randomUUID();
    ids.flagId = 'os1-0123456789abcdef0123456789abcdef';
    ids.name = 'worklist';
    ids.readerId = READER;
    // Unknown endpoints and deliveries: the guard answers before the endpoint is looked up.
    ids.endpointId = randomUUID();
    ids.deliveryId = randomUUID();

    for (const role of ROLES) {
      const sub = role === 'radiologist' ? READER : `mx-${role}`;
      principals.push({
        name: role,
        role,
        authorization: `Bearer ${await tokenFor(sub, [role])}`,
        expect: 'by-policy',
      });
    }
    principals.push(
      { name: 'no token', expect: 401 },
      { name: 'malformed header', authorization: 'Token abc', expect: 401 },
      {
        name: 'expired token',
        authorization: `Bearer ${await expiredToken('mx-admin', ['admin'])}`,
        expect: 401,
      },
      {
        name: 'token signed with another key',
        authorization: `Bearer ${await tokenFor('mx-admin', ['admin'], { secret: 'another-secret-that-is-long-enough-32b' })}`,
        expect: 401,
      },
      { name: 'alg none', authorization: `Bearer ${unsignedToken('mx-admin', ['admin'])}`, expect: 401 },
      { name: 'unknown role', authorization: `Bearer ${await tokenFor('mx-x', ['superuser'])}`, expect: 403 },
    );
  });
  afterAll(async () => running.close());

  it('the application registers exactly the endpoints of the table, each guarded by its action', () => {
    const registered = routeTable(running.app.getHttpAdapter().getInstance())
      .filter((route) => route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')} ${route.action}`)
      .sort();
    const table = ENDPOINTS.map(({ method, path, action }) => `${method} ${path} ${action}`).sort();
    expect(registered).toEqual(table);
  });

  it('every other /api/v1 route is one of the deliberately public ones, and answers every principal alike', async () => {
    const openapi = await api.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/openapi.json',
    );
    const guarded = new Set(ENDPOINTS.map(({ method, path }) => `${method} ${path}`));
    const unguarded = Object.entries(openapi.body.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .filter((route) => !guarded.has(route));
    const deliberate = PUBLIC_API_ENDPOINTS.map(({ method, path }) => `${method} ${path}`);
    expect(unguarded).toContain('GET /api/v1/auth/configuration');
    expect(unguarded.filter((route) => !deliberate.includes(route))).toEqual([]);
    // A token, good or bad, changes nothing on a public route: it is neither checked nor refused.
    for (const principal of principals) {
      const headers: Record<string, string> = principal.authorization
        ? { authorization: principal.authorization }
        : {};
      const response = await api.request('GET', '/api/v1/auth/configuration', { headers });
      expect({ principal: principal.name, status: response.status }).toEqual({
        principal: principal.name,
        status: 200,
      });
    }
  });

  it('the README shows the matrix rendered from the table', async () => {
    // The README is Prettier-formatted, so compare with the table as Prettier lays it out.
    const table = (await format(renderAccessMatrix(), { parser: 'markdown' })).trim();
    expect(readFileSync('README.md', 'utf8')).toContain(table);
  });

  it('every endpoint answers every principal as the policy says', async () => {
    const failures: string[] = [];
    let checks = 0;
    for (const endpoint of ENDPOINTS) {
      const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
      for (const principal of principals) {
        const headers: Record<string, string> = {};
        if (principal.authorization) headers.authorization = principal.authorization;
        // Empty bodies and any role: only the answer is held to the document.
        const response = await api.request(endpoint.method, path, {
          headers,
          hostileInput: true,
          ...(endpoint.method === 'POST' && endpoint.action !== 'rebuild-projection' ? { body: {} } : {}),
        });
        checks++;
        const code = (response.body as { code?: string } | undefined)?.code;
        const allowed =
          principal.role !== undefined &&
          (ACCESS_POLICY[endpoint.action] as readonly string[]).includes(principal.role);
        const expected = principal.expect === 'by-policy' ? (allowed ? 'allowed' : 403) : principal.expect;
        const ok =
          expected === 'allowed'
            ? response.status !== 401 &&
              !(response.status === 403 && code === 'forbidden') &&
              response.status < 500
            : response.status === expected &&
              code === (expected === 401 ? 'unauthorized' : 'forbidden') &&
              (response.headers.get('content-type') ?? '').includes('application/problem+json');
        if (!ok)
          failures.push(
            `${endpoint.method} ${endpoint.path} as ${principal.name}: ${response.status} ${code ?? ''}`,
          );
      }
    }
    console.log(
      `authorisation matrix: ${ENDPOINTS.length} endpoints × ${principals.length} principals = ${checks} checks`,
    );
    expect(failures).toEqual([]);
    expect(checks).toBe(ENDPOINTS.length * principals.length);
  });
});
