import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROBLEM_CATALOGUE } from '../../src/infrastructure/http/problem/problem-catalogue.js';
import { ApiClient } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { INVALID_ON_PURPOSE } from '../support/openapi-validation.js';
import { expectProblem } from '../support/problem.js';

/**
 * The problem `type` URIs resolve on the engine: a page per code and an index, HTML or JSON. Every
 * request and answer is checked against the served OpenAPI document (ApiClient).
 */
describe('problem types (HTTP)', () => {
  let running: RunningApp;
  let api: ApiClient;
  const get = (path: string, headers: Record<string, string> = {}, invalidOnPurpose = false) =>
    api.request<unknown>('GET', path, { headers, ...(invalidOnPurpose && INVALID_ON_PURPOSE) });
  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => {
    await running.close();
  });

  it("a problem answer's type, resolved against the request URI, is the page of its code", async () => {
    const path = `/api/v1/cases/${crypto.randomUUID()}`;
    const refused = await get(path);
    expectProblem(refused, 401, 'unauthorized');
    const type = (refused.body as { type: string }).type;
    const page = await get(new URL(type, `${running.baseUrl}${path}`).pathname, {
      accept: 'application/json',
    });
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      code: 'unauthorized',
      type: '/problems/unauthorized',
      ...PROBLEM_CATALOGUE.unauthorized,
    });
  });

  it('GET /problems/{code} is HTML by default: title, status, meaning and what to do, no script', async () => {
    const response = await get('/problems/already-submitted', {
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = response.text;
    const entry = PROBLEM_CATALOGUE['already-submitted']!;
    expect(html).toContain(`<h1>${entry.title}</h1>`);
    expect(html).toContain('<code>already-submitted</code>');
    expect(html).toContain('422 Unprocessable Content');
    expect(html).toContain(entry.meaning);
    expect(html).toContain(entry.action);
    expect(html).toContain('<a href="../problems">');
    expect(html).not.toMatch(/<script/i);
    // Its Content-Security-Policy allows no script and exactly its one stylesheet, by hash.
    const style = /<style>([^<]*)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
  });

  it('a backtick name in a text is shown as code, and HTML in a text is escaped', async () => {
    const html = (await get('/problems/idempotency-key-reuse')).text;
    expect(html).toContain('This <code>Idempotency-Key</code> was used for a different request.');
    const forbidden = (await get('/problems/forbidden')).text;
    // "one of the endpoint's roles": the apostrophe escaped, not raw markup.
    expect(forbidden).toContain('endpoint&#39;s roles');
  });

  it('GET /problems lists every code, linked to its page; JSON for Accept: application/json', async () => {
    const html = (await get('/problems')).text;
    for (const code of Object.keys(PROBLEM_CATALOGUE))
      expect(html).toContain(`<a href="problems/${code}"><code>${code}</code></a>`);
    const response = await get('/problems', { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const { items } = response.body as { items: Array<{ code: string; type: string }> };
    expect(items.map((item) => item.code).sort()).toEqual(Object.keys(PROBLEM_CATALOGUE).sort());
    for (const item of items)
      expect(item).toEqual({
        code: item.code,
        type: `/problems/${item.code}`,
        ...PROBLEM_CATALOGUE[item.code],
      });
  });

  it('is public and cacheable: no token needed, a bad one ignored, Cache-Control public, Vary: Accept', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Array<Record<string, string>>) {
      const response = await get('/problems/rate-limited', headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
      expect(response.headers.get('vary')).toMatch(/\bAccept\b/);
    }
  });

  it('an unknown code is 404 not-found; an Accept allowing neither HTML nor JSON is 406', async () => {
    expectProblem(await get('/problems/no-such-code'), 404, 'not-found', '/problems/no-such-code');
    // Not even the shape of a code: the document's pattern refuses it too.
    const malformed = '/problems/Not%20A%20Code';
    expectProblem(await get(malformed, {}, true), 404, 'not-found', malformed);
    const refused = await get('/problems/not-found', { accept: 'application/xml' });
    expectProblem(refused, 406, 'not-acceptable', '/problems/not-found');
    expect(refused.headers.get('cache-control')).toBeNull();
  });
});
