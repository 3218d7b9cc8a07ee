import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROBLEM_CATALOGUE } from '../../src/infrastructure/http/problem/problem-catalogue.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { expectProblem } from '../support/problem.js';

/** fetch's answer in the shape expectProblem reads. */
async function answer(response: Response) {
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The problem `type` URIs resolve on the engine: a page per code and an index, HTML or JSON. */
describe('problem types (HTTP)', () => {
  let running: RunningApp;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${running.baseUrl}${path}`, { headers });
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => {
    await running.close();
  });

  it("a problem answer's type, resolved against the request URI, is the page of its code", async () => {
    const url = `${running.baseUrl}/api/v1/cases/${crypto.randomUUID()}`;
    const refused = await answer(await fetch(url));
    expectProblem(refused, 401, 'unauthorized');
    const type = (JSON.parse(refused.text) as { type: string }).type;
    const page = await fetch(new URL(type, url), { headers: { accept: 'application/json' } });
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({
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
    const html = await response.text();
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
    const html = await (await get('/problems/idempotency-key-reuse')).text();
    expect(html).toContain('This <code>Idempotency-Key</code> was used for a different request.');
    const forbidden = await (await get('/problems/forbidden')).text();
    // "one of the endpoint's roles": the apostrophe escaped, not raw markup.
    expect(forbidden).toContain('endpoint&#39;s roles');
  });

  it('GET /problems lists every code, linked to its page; JSON for Accept: application/json', async () => {
    const html = await (await get('/problems')).text();
    for (const code of Object.keys(PROBLEM_CATALOGUE))
      expect(html).toContain(`<a href="problems/${code}"><code>${code}</code></a>`);
    const response = await get('/problems', { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const { items } = (await response.json()) as { items: Array<{ code: string; type: string }> };
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
    for (const path of ['/problems/no-such-code', '/problems/Not%20A%20Code'])
      expectProblem(await answer(await get(path)), 404, 'not-found', path);
    const refused = await answer(await get('/problems/not-found', { accept: 'application/xml' }));
    expectProblem(refused, 406, 'not-acceptable', '/problems/not-found');
    expect(refused.headers.get('cache-control')).toBeNull();
  });
});
