import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningApp, startTestApp } from '../support/app.js';
import {
  DEFAULT_RESOURCE,
  type RunningOidcProvider,
  freePort,
  startOidcProvider,
} from '../support/oidc-provider.js';
import { chromiumSuite } from './support/browser-suite.js';

/**
 * The two sign-ins a person makes in the browser: the development sign-in of an engine on its
 * generated secret, and the authorization-code flow with PKCE against a real OpenID provider
 * (oidc-provider, its own login and consent pages), whose RS256 token the engine then verifies.
 */
describe('signing in to the web app (Chromium)', () => {
  const chromium = chromiumSuite();

  describe('development sign-in, on the generated development secret', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startTestApp({}, { developmentSecret: true });
    }, 60_000);
    afterAll(async () => app?.close());

    it('offers personas and roles, and the token it issues opens the screen asked for', async () => {
      await chromium.withTab(app.baseUrl, async (tab) => {
        await tab.goto('/app/operations');
        await tab.page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
        // The pasted-token form is always offered beside it.
        await tab.page.getByLabel('Access token', { exact: true }).waitFor();
        expect(await tab.seriousAccessibilityViolations()).toEqual([]);
        await tab.screenshot('sign-in-development');

        await tab.page.getByLabel('Persona').selectOption('dev-admin');
        expect(await tab.page.getByLabel('User id').inputValue()).toBe('dev-admin');
        expect(await tab.page.getByRole('checkbox', { name: 'admin' }).isChecked()).toBe(true);
        expect(await tab.page.getByRole('checkbox', { name: 'quality-committee' }).isChecked()).toBe(false);
        await tab.page.getByRole('button', { name: 'Sign in as dev-admin' }).click();
        await tab.page.getByText('Signed in as').waitFor();
        expect(await tab.page.locator('.who').textContent()).toContain('dev-admin; admin');
        expect(new URL(tab.page.url()).pathname).toBe('/app/operations');
        expect(tab.errors).toEqual([]);
      });
    });

    it('shows the engine’s refusal of a bad sign-in and stays on the form', async () => {
      await chromium.withTab(app.baseUrl, async (tab) => {
        await tab.goto('/app');
        await tab.page.getByLabel('User id').fill('not a valid id!');
        await tab.page.getByRole('button', { name: 'Sign in as not a valid id!' }).click();
        const alert = tab.page.getByRole('alert').filter({ hasText: 'Development sign-in' });
        await alert.waitFor();
        expect(await alert.textContent()).toContain('(400)');
        expect(await tab.page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
        // The refused request is the one console error the browser logs.
        expect(tab.errors.filter((error) => !error.includes('400'))).toEqual([]);
      });
    });
  });

  it('is never offered by an engine with a configured secret', async () => {
    const app = await startTestApp();
    try {
      await chromium.withTab(app.baseUrl, async (tab) => {
        await tab.goto('/app');
        await tab.page.getByLabel('Access token', { exact: true }).waitFor();
        await tab.page.waitForLoadState('networkidle');
        expect(await tab.page.getByRole('heading', { name: 'Development sign-in' }).count()).toBe(0);
        expect(await tab.page.getByRole('heading', { name: 'Single sign-on' }).count()).toBe(0);
        expect(tab.errors).toEqual([]);
      });
    } finally {
      await app.close();
    }
  });

  describe('OpenID Connect, authorization code with PKCE', () => {
    let provider: RunningOidcProvider;
    let app: RunningApp;

    beforeAll(async () => {
      // The provider must know the app's redirect URI, and the engine the provider's issuer.
      const port = await freePort();
      provider = await startOidcProvider({
        redirectUris: [`http://127.0.0.1:${port}/app/callback`],
        accounts: { 'lawyer-7': { roles: ['medico-legal'], name: 'Lee Lawyer' } },
      });
      app = await startTestApp(
        {
          AUTH_JWT_SECRET: '',
          OIDC_ISSUER: provider.issuer,
          OIDC_CLIENT_ID: provider.clientId,
          OIDC_RESOURCE: DEFAULT_RESOURCE,
        },
        { port },
      );
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await provider?.close();
    });

    it('signs in through the provider’s login and consent pages and comes back to the screen asked for', async () => {
      await chromium.withTab(app.baseUrl, async (tab) => {
        await tab.goto('/app/cases?patientRef=PAT-1');
        const providerHost = new URL(provider.issuer).host;
        await tab.page.getByRole('button', { name: `Sign in with ${providerHost}` }).click();

        // The provider's own pages (its development login form takes any password).
        await tab.page.waitForURL((url) => url.origin === provider.issuer);
        await tab.page.locator('input[name="login"]').fill('lawyer-7');
        await tab.page.locator('input[name="password"]').fill('any');
        await tab.page.locator('button[type="submit"]').click();
        await tab.page.locator('button[type="submit"]').click(); // consent

        await tab.page.waitForURL((url) => url.origin === app.baseUrl && url.pathname === '/app/cases');
        await tab.page.getByText('Signed in as').waitFor();
        expect(await tab.page.locator('.who').textContent()).toContain('Lee Lawyer (lawyer-7; medico-legal)');
        expect(new URL(tab.page.url()).search).toBe('?patientRef=PAT-1');

        // The session's token is the provider's RS256 access token for the engine, and the engine takes it.
        const stored = await tab.page.evaluate("sessionStorage.getItem('second-opinions.session')");
        const { token } = JSON.parse(String(stored)) as { token: string };
        const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as {
          alg: string;
        };
        expect(header.alg).toBe('RS256');
        const response = await fetch(`${app.baseUrl}/api/v1/cases`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.status).toBe(200);
        expect(await tab.seriousAccessibilityViolations()).toEqual([]);
        expect(tab.errors).toEqual([]);
      });
    });
  });
});
