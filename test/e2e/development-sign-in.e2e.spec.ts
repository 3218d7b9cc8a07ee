import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DEVELOPMENT_SIGN_IN_WARNING } from '../../src/infrastructure/auth/development-sign-in.js';
import { ApiClient, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { expectProblem } from '../support/problem.js';

const SIGN_IN = '/api/v1/auth/development-sign-in';
const CONFIGURATION = '/api/v1/auth/configuration';

describe('development sign-in on the generated development secret', () => {
  let running: RunningApp;
  let api: ApiClient;
  beforeAll(async () => {
    running = await startTestApp({}, { developmentSecret: true });
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => running?.close());

  it('is offered: the configuration says so without a token, and start-up warns', async () => {
    const response = await api.request('GET', CONFIGURATION);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ developmentSignIn: true, oidc: null });
    expect(running.config.developmentSecret).toBe(true);
    expect(running.warnings).toContain(DEVELOPMENT_SIGN_IN_WARNING);
  });

  it('answers 201 with a bearer token that the API accepts, with exactly the roles asked for', async () => {
    const response = await api.request('POST', SIGN_IN, {
      body: { sub: 'coord-1', name: 'Casey Coordinator', roles: ['coordinator'] },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 8 * 3600,
    });
    const token = response.body.accessToken as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256' });
    expect(decodeJwt(token)).toMatchObject({
      sub: 'coord-1',
      name: 'Casey Coordinator',
      roles: ['coordinator'],
    });

    const created = await api.request('POST', '/api/v1/cases', { token, body: secondOpinionRequest() });
    expect(created.status).toBe(201);
    const forbidden = await api.request('GET', '/api/v1/projections', { token });
    expectProblem(forbidden, 403, 'forbidden');
  });

  it('takes several roles, and the name defaults to the sub', async () => {
    const response = await api.request('POST', SIGN_IN, {
      body: { sub: 'svc:qa@site-a', roles: ['quality-committee', 'admin'] },
    });
    expect(response.status).toBe(201);
    const token = response.body.accessToken as string;
    expect(decodeJwt(token)).toMatchObject({
      sub: 'svc:qa@site-a',
      name: 'svc:qa@site-a',
      roles: ['quality-committee', 'admin'],
    });
    expect((await api.request('GET', '/api/v1/projections', { token })).status).toBe(200);
  });

  it.each([
    ['a sub with a space', { sub: 'coord 1', roles: ['coordinator'] }, 'sub'],
    ['an empty sub', { sub: '', roles: ['coordinator'] }, 'sub'],
    ['a sub over 64 characters', { sub: 'x'.repeat(65), roles: ['coordinator'] }, 'sub'],
    ['a numeric sub', { sub: 17, roles: ['coordinator'] }, 'sub'],
    ['no sub', { roles: ['coordinator'] }, 'sub'],
    ['an unknown role', { sub: 'u-1', roles: ['superuser'] }, 'roles'],
    ['no role', { sub: 'u-1', roles: [] }, 'roles'],
    ['no roles field', { sub: 'u-1' }, 'roles'],
    ['roles as a string', { sub: 'u-1', roles: 'admin' }, 'roles'],
    ['a role twice', { sub: 'u-1', roles: ['admin', 'admin'] }, 'roles'],
    ['a blank name', { sub: 'u-1', name: ' ', roles: ['admin'] }, 'name'],
    ['a name with a control character', { sub: 'u-1', name: 'A\u0007B', roles: ['admin'] }, 'name'],
    ['an unknown field', { sub: 'u-1', roles: ['admin'], exp: 9999999999 }, 'exp'],
  ])('refuses %s with 400 naming the field', async (_, body, field) => {
    const response = await api.request('POST', SIGN_IN, { body, invalidOnPurpose: true });
    expectProblem(response, 400, 'validation-failed');
    expect((response.body.errors as Array<{ field: string }>).map((error) => error.field)).toContain(field);
  });

  it('refuses a body that is not a JSON object', async () => {
    expectProblem(
      await api.request('POST', SIGN_IN, { body: ['admin'], invalidOnPurpose: true }),
      400,
      'invalid-body',
    );
    expectProblem(
      await api.request('POST', SIGN_IN, {
        rawBody: 'sub=admin',
        headers: { 'content-type': 'text/plain' },
        invalidOnPurpose: true,
      }),
      415,
      'unsupported-media-type',
    );
  });
});

describe('development sign-in is never offered elsewhere', () => {
  it.each([
    ['with NODE_ENV=production', { NODE_ENV: 'production' }, true],
    ['with a configured AUTH_JWT_SECRET', {}, false],
  ])('%s: the configuration says no, and the route answers 404', async (_, env, developmentSecret) => {
    const running = await startTestApp(env, { developmentSecret });
    try {
      const api = new ApiClient(running.baseUrl);
      const configuration = await api.request('GET', CONFIGURATION);
      expect(configuration.status).toBe(200);
      expect(configuration.body).toEqual({ developmentSignIn: false, oidc: null });
      expect(running.warnings).not.toContain(DEVELOPMENT_SIGN_IN_WARNING);
      // Not offered, so not in this app's document either.
      const response = await api.request('POST', SIGN_IN, {
        body: { sub: 'admin-1', roles: ['admin'] },
        invalidOnPurpose: true,
      });
      expectProblem(response, 404, 'not-found');
      expect(response.body.accessToken).toBeUndefined();
    } finally {
      await running.close();
    }
  });

  it('the per-address rate limit applies to both routes', async () => {
    const running = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '2' }, { developmentSecret: true });
    try {
      const api = new ApiClient(running.baseUrl);
      const body = { sub: 'admin-1', roles: ['admin'] };
      expect((await api.request('GET', CONFIGURATION)).status).toBe(200);
      expect((await api.request('POST', SIGN_IN, { body })).status).toBe(201);
      expectProblem(await api.request('POST', SIGN_IN, { body }), 429, 'rate-limited');
      expectProblem(await api.request('GET', CONFIGURATION), 429, 'rate-limited');
    } finally {
      await running.close();
    }
  });
});
