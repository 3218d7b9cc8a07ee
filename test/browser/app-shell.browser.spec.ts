import { describe, expect, it } from '@jest/globals';
import { tokenFor } from '../support/app.js';
import { browserSuite } from './support/browser-suite.js';

/**
 * The web app's shell, served by the engine: deep links, assets, its Content-Security-Policy, and
 * the sign-in that every screen starts from, in a real Chromium.
 */
describe('web app shell (Chromium)', () => {
  const suite = browserSuite();

  it('answers every /app deep link with the app shell under a CSP that allows only its own scripts', async () => {
    for (const path of ['/app', '/app/', '/app/readers/rad-1', '/app/cases/some-case?revision=3']) {
      const response = await fetch(`${suite.app.baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await response.text();
      expect(html).toContain('<div id="app"></div>');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("script-src-attr 'none'");
      // No inline script in the shell: every script is a file from this origin.
      expect(html.match(/<script[^>]*>/g)?.every((tag) => /src="\/app\/assets\/[^"]+\.js"/.test(tag))).toBe(
        true,
      );
    }
    const api = await fetch(`${suite.app.baseUrl}/api/v1/cases`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('serves hashed assets as immutable and answers an unknown asset 404, not the shell', async () => {
    const html = await (await fetch(`${suite.app.baseUrl}/app`)).text();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${suite.app.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${suite.app.baseUrl}/app/assets/missing-0000.js`)).status).toBe(404);
  });

  it('signs in with a pasted bearer token, keeps the deep link, and signs out', async () => {
    await suite.withTab(async (tab) => {
      await tab.goto('/app/operations');
      expect(await tab.page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
      expect(await tab.seriousAccessibilityViolations()).toEqual([]);
      await tab.screenshot('sign-in');

      await tab.page.getByLabel('Access token', { exact: true }).fill('not a token');
      await tab.page.getByRole('button', { name: 'Sign in with token' }).click();
      expect(await tab.page.getByRole('alert').textContent()).toContain('not a JWT');

      const token = await tokenFor('admin-1', ['admin'], { name: 'Ada Admin' });
      await tab.page.getByLabel('Access token', { exact: true }).fill(token);
      await tab.page.getByRole('button', { name: 'Sign in with token' }).click();
      await tab.page.getByText('Signed in as').waitFor();
      expect(await tab.page.locator('.who').textContent()).toContain('Ada Admin');
      expect(new URL(tab.page.url()).pathname).toBe('/app/operations');
      // Only the screens this role may use are offered (an admin reads metrics and flags too).
      const nav = tab.page.getByRole('navigation', { name: 'Screens' });
      expect(await nav.getByRole('link').allTextContents()).toEqual([
        'Reader performance',
        'Opinion shopping',
        'Cases',
        'Operations',
      ]);

      await tab.page.getByRole('button', { name: 'Sign out' }).click();
      expect(await tab.page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
      expect(await tab.page.evaluate('sessionStorage.length')).toBe(0);
      expect(await tab.context.cookies()).toEqual([]);
      expect(tab.errors).toEqual([]);
    });
  });

  it('returns to the sign-in form, saying why, when the engine refuses the token', async () => {
    await suite.withTab(async (tab) => {
      const forged = await tokenFor('coord-1', ['coordinator'], {
        secret: 'another-secret-that-is-32-bytes-long!!',
      });
      // Signed in only for as long as the first API call takes: not signInWithToken, which waits for it.
      await tab.goto('/app/cases');
      await tab.page.getByLabel('Access token', { exact: true }).fill(forged);
      await tab.page.getByRole('button', { name: 'Sign in with token' }).click();
      const alert = tab.page.getByRole('alert').filter({ hasText: 'no longer accepts your token' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain('SIGNATURE_VERIFICATION_FAILED');
      expect(await tab.page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
      expect(new URL(tab.page.url()).pathname).toBe('/app/cases');
      // The refused request's 401 is the one console error a browser logs for it.
      tab.errors.length = 0;
    });
  });

  it('drops a stored session once its token has expired', async () => {
    await suite.withTab(async (tab) => {
      const expired = await tokenFor('admin-1', ['admin'], { expiresIn: '1s' });
      await tab.signInWithToken('/app/operations', expired);
      await new Promise((done) => setTimeout(done, 2_000));
      await tab.page.reload();
      expect(await tab.page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
      // Expired while the tab was open: the stored session is not used again.
      expect(await tab.page.evaluate('sessionStorage.length')).toBe(0);
    });
  });
});
