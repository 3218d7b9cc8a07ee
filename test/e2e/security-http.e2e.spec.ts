import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningApp, TEST_JWT_SECRET, startTestApp, tokenFor } from '../support/app.js';
import { ApiClient, COORDINATOR, MEDICO_LEGAL } from '../support/api.js';

/** A route that needs no token and is rate-limited like every API route. */
const PUBLIC_ROUTE = '/api/v1/auth/configuration';

const PROBLEM = 'application/problem+json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A protected route every test app serves: an unknown case's history is a plain 404. */
const unknownHistory = (): string => `/api/v1/cases/${randomUUID()}/history`;

function cspOf(response: { headers: Headers }): Map<string, string[]> {
  const header = response.headers.get('content-security-policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('rate limits (HTTP)', () => {
  describe('per IP for unauthenticated requests and per verified sub', () => {
    let running: RunningApp;
    let api: ApiClient;
    beforeAll(async () => {
      running = await startTestApp({
        RATE_LIMIT_PER_IP_PER_MINUTE: '5',
        RATE_LIMIT_PER_USER_PER_MINUTE: '5',
      });
      api = new ApiClient(running.baseUrl);
    });
    afterAll(async () => running.close());

    it('the 6th unauthenticated request in a minute is 429 problem+json rate-limited with Retry-After', async () => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        // A public route (the OpenAPI document, like the probes, is never limited).
        const response = await fetch(`${running.baseUrl}${PUBLIC_ROUTE}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('x-ratelimit-limit')).toBe('5');
        expect(response.headers.get('x-ratelimit-remaining')).toBe(String(5 - attempt));
      }
      const limited = await api.request('GET', PUBLIC_ROUTE);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toContain(PROBLEM);
      expect(limited.body).toMatchObject({ status: 429, code: 'rate-limited', instance: PUBLIC_ROUTE });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // An early answer still carries the correlation id and the security headers.
      expect(limited.headers.get('x-correlation-id')).toMatch(UUID);
      expect(limited.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('requests with a missing or forged token count against the address: 429 before 401', async () => {
      expect((await api.request('GET', unknownHistory())).status).toBe(429);
      const forged = await tokenFor(MEDICO_LEGAL.sub, MEDICO_LEGAL.roles, { secret: 'x'.repeat(40) });
      const response = await api.request('GET', unknownHistory(), { token: forged });
      expect(response.status).toBe(429);
      expect(response.body).toMatchObject({ code: 'rate-limited' });
    });

    it('probes and the OpenAPI document are never limited', async () => {
      for (const path of ['/health', '/ready', '/openapi.json', '/health', '/ready', '/openapi.json']) {
        const response = await fetch(`${running.baseUrl}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('x-ratelimit-limit')).toBeNull();
      }
    });

    it('an authenticated caller has a budget of its own, unaffected by the exhausted address', async () => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const response = await api.get(unknownHistory(), MEDICO_LEGAL);
        expect(response.status).toBe(404);
        expect(response.headers.get('x-ratelimit-remaining')).toBe(String(5 - attempt));
      }
      const limited = await api.get(unknownHistory(), MEDICO_LEGAL);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({
        code: 'rate-limited',
        detail: expect.stringContaining('this user'),
      });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another subject from the same address is not limited.
      expect((await api.get(unknownHistory(), COORDINATOR)).status).toBe(404);
    });
  });

  it('0 turns the per-user limit off; the per-IP limit still holds', async () => {
    const running = await startTestApp({
      RATE_LIMIT_PER_USER_PER_MINUTE: '0',
      RATE_LIMIT_PER_IP_PER_MINUTE: '2',
    });
    try {
      const api = new ApiClient(running.baseUrl);
      for (let attempt = 0; attempt < 8; attempt++) {
        const response = await api.get(unknownHistory(), MEDICO_LEGAL);
        expect(response.status).toBe(404);
        expect(response.headers.get('x-ratelimit-limit')).toBeNull();
      }
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++)
        statuses.push((await api.request('GET', '/nowhere', { invalidOnPurpose: true })).status);
      expect(statuses).toEqual([404, 404, 429]);
    } finally {
      await running.close();
    }
  });
});

describe('security headers and CORS (HTTP)', () => {
  describe('with the default configuration', () => {
    let running: RunningApp;
    let api: ApiClient;
    beforeAll(async () => {
      running = await startTestApp();
      api = new ApiClient(running.baseUrl);
    });
    afterAll(async () => running.close());

    it('API responses, errors included, carry helmet headers and a CSP that lets nothing load', async () => {
      for (const response of [
        await api.request('GET', '/health'),
        await api.request('GET', unknownHistory()), // 401
        await api.get(unknownHistory(), MEDICO_LEGAL), // 404
      ]) {
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('x-powered-by')).toBeNull();
        const csp = cspOf(response);
        expect(csp.get('default-src')).toEqual(["'none'"]);
        expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      }
    });

    it('Swagger UI at /docs and every asset it references load under its CSP', async () => {
      const page = await fetch(`${running.baseUrl}/docs`);
      expect(page.status).toBe(200);
      const csp = cspOf(page);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
      expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
      expect(csp.get('connect-src')).toEqual(["'self'"]);
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
      const html = await page.text();
      expect(html).toContain('swagger-ui');
      // script-src 'self' without 'unsafe-inline': every script must be an external, same-origin file.
      const scripts = [...html.matchAll(/<script([^>]*)>/g)].map(([, attributes]) => attributes);
      expect(scripts.length).toBeGreaterThan(0);
      for (const attributes of scripts) expect(attributes).toMatch(/src=/);
      const assets = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map(([, url]) => url);
      expect(assets.some((url) => url.endsWith('swagger-ui-init.js'))).toBe(true);
      for (const asset of assets) {
        const url = new URL(asset, `${running.baseUrl}/docs`);
        expect(url.origin).toBe(running.baseUrl);
        const response = await fetch(url);
        expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
        expect(cspOf(response).get('script-src')).toEqual(["'self'"]);
        await response.arrayBuffer();
      }
      // No validator badge: it would load an image from validator.swagger.io (and tell it this host).
      const init = await (await fetch(`${running.baseUrl}/docs/swagger-ui-init.js`)).text();
      expect(init).toMatch(/"validatorUrl": null/);
    });

    it('CORS is closed: no Access-Control-Allow-Origin, preflights grant nothing', async () => {
      const simple = await fetch(`${running.baseUrl}/health`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${running.baseUrl}/api/v1/cases`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    });
  });

  describe('with CORS_ORIGINS', () => {
    const FRONT_END = 'https://second-opinion.example.org';
    let running: RunningApp;
    beforeAll(async () => {
      running = await startTestApp({ CORS_ORIGINS: `${FRONT_END}, http://localhost:5173` });
    });
    afterAll(async () => running.close());

    it('a listed origin may read answers, errors included, and its preflights are granted', async () => {
      const token = await tokenFor(MEDICO_LEGAL.sub, MEDICO_LEGAL.roles, { secret: TEST_JWT_SECRET });
      const answer = await fetch(`${running.baseUrl}${unknownHistory()}`, {
        headers: { origin: FRONT_END, authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('access-control-allow-origin')).toBe(FRONT_END);
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      expect(answer.headers.get('vary')).toMatch(/origin/i);
      expect(answer.headers.get('access-control-expose-headers')).toMatch(/ETag/);
      const unauthorized = await fetch(`${running.baseUrl}${unknownHistory()}`, {
        headers: { origin: FRONT_END },
      });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('access-control-allow-origin')).toBe(FRONT_END);

      const preflight = await fetch(`${running.baseUrl}/api/v1/cases`, {
        method: 'OPTIONS',
        headers: {
          origin: FRONT_END,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,idempotency-key',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(FRONT_END);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    });

    it('an origin not listed gets no Access-Control-Allow-Origin', async () => {
      const answer = await fetch(`${running.baseUrl}/health`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${running.baseUrl}/api/v1/cases`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
