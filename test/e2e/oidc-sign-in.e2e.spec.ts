import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, decodeJwt } from 'jose';
import { ConfigurationError, loadConfig } from '../../src/infrastructure/config/app-config.js';
import { resolveAuth } from '../../src/infrastructure/config/resolve-runtime-config.js';
import { ApiClient, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import {
  DEFAULT_RESOURCE,
  type RunningOidcProvider,
  freePort,
  signInWithPkce,
  startOidcProvider,
} from '../support/oidc-provider.js';

const REDIRECT_URI = 'http://127.0.0.1:5173/app/callback';
const OTHER_RESOURCE = 'https://other-api.test/';
const ACCOUNTS = {
  'qc-7': { roles: ['quality-committee'], name: 'Dr Quinn Quality' },
  'coord-7': { roles: ['coordinator'], name: 'Casey Oidc' },
  'rad-7': { roles: ['radiologist'] },
};

/** The engine verifying a real OpenID provider's RS256 access tokens, found through its discovery document. */
describe('sign-in through an OpenID provider (oidc-provider, authorization code with PKCE)', () => {
  let provider: RunningOidcProvider;
  let stranger: RunningOidcProvider;
  let running: RunningApp;
  let api: ApiClient;

  const signIn = (login: keyof typeof ACCOUNTS, from = provider, resource?: string) =>
    signInWithPkce(from, { login, redirectUri: REDIRECT_URI, resource }).then(
      (tokens) => tokens.access_token,
    );

  beforeAll(async () => {
    provider = await startOidcProvider({
      redirectUris: [REDIRECT_URI],
      accounts: ACCOUNTS,
      resources: [DEFAULT_RESOURCE, OTHER_RESOURCE],
    });
    // Another issuer with the same client, accounts and resource: only its keys and name differ.
    stranger = await startOidcProvider({ redirectUris: [REDIRECT_URI], accounts: ACCOUNTS });
    running = await startTestApp({
      // No HS256 key: only the issuer's tokens are accepted.
      AUTH_JWT_SECRET: '',
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_RESOURCE: DEFAULT_RESOURCE,
    });
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => {
    await running?.close();
    await stranger?.close();
    await provider?.close();
  });

  it('GET /api/v1/auth/configuration tells the app, without a token, to sign in through the issuer', async () => {
    const response = await api.request('GET', '/api/v1/auth/configuration');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      developmentSignIn: false,
      oidc: {
        issuer: provider.issuer,
        clientId: provider.clientId,
        scope: 'openid profile',
        resource: DEFAULT_RESOURCE,
      },
    });
    expect(running.warnings).toEqual([]);
  });

  it("a token from the provider's sign-in is accepted, with the roles of its roles claim", async () => {
    const token = await signIn('qc-7');
    expect(decodeJwt(token)).toMatchObject({ iss: provider.issuer, aud: DEFAULT_RESOURCE, sub: 'qc-7' });
    const flags = await api.request('GET', '/api/v1/opinion-shopping/flags', { token });
    expect(flags.status).toBe(200);
    expect(flags.body).toEqual({ items: [] });

    // The roles claim decides: a radiologist of the same provider may not read the flags.
    const radiologist = await api.request('GET', '/api/v1/opinion-shopping/flags', {
      token: await signIn('rad-7'),
    });
    expect(radiologist.status).toBe(403);
    expect(radiologist.body).toMatchObject({ code: 'forbidden' });
  });

  it("a command signed in through the provider records the token's sub and role", async () => {
    const created = await api.request('POST', '/api/v1/cases', {
      token: await signIn('coord-7'),
      body: secondOpinionRequest({ patientRef: 'pt-oidc-1' }),
    });
    expect(created.status).toBe(201);
    const history = await api.request<{ events: Array<{ metadata: { actor: unknown } }> }>(
      'GET',
      `/api/v1/cases/${created.body.caseId as string}/history`,
      { token: await signIn('qc-7') },
    );
    expect(history.status).toBe(200);
    expect(history.body.events[0]!.metadata.actor).toMatchObject({ id: 'coord-7', role: 'coordinator' });
  });

  it.each([
    ['another issuer', async () => signIn('qc-7', stranger), /no key of the issuer's key set/],
    ['another audience', async () => signIn('qc-7', provider, OTHER_RESOURCE), /"aud" claim/],
    [
      'an HS256 token naming the issuer and the resource',
      () =>
        new SignJWT({ roles: ['admin'], name: 'Mallory' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('qc-7')
          .setIssuer(provider.issuer)
          .setAudience(DEFAULT_RESOURCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode('a-secret-the-engine-has-never-seen-32b')),
      /HS256 are not accepted/,
    ],
  ])('a token from %s is 401', async (_, token, reason) => {
    const response = await api.request('GET', '/api/v1/opinion-shopping/flags', { token: await token() });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ code: 'unauthorized', detail: expect.stringMatching(reason) });
  });

  it('no development sign-in with an OpenID provider: the route does not exist', async () => {
    const response = await api.request('POST', '/api/v1/auth/development-sign-in', {
      body: { sub: 'admin-1', roles: ['admin'] },
      // Not offered, so not in this app's document either.
      invalidOnPurpose: true,
    });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'not-found' });
  });
});

describe('OIDC_ISSUER discovery at start-up', () => {
  let provider: RunningOidcProvider;
  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUris: [REDIRECT_URI], accounts: ACCOUNTS });
  });
  afterAll(async () => provider?.close());

  /** Start-up's auth step (resolveRuntimeConfig runs it first, before any database starts). */
  const startUp = (issuer: string) =>
    resolveAuth(loadConfig({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'second-opinion-web' }));

  it('takes the JWKS from the discovery document', async () => {
    const { auth, developmentSecret, warnings } = await startUp(provider.issuer);
    expect(auth.oidc).toEqual({
      issuer: provider.issuer,
      clientId: 'second-opinion-web',
      scope: 'openid profile',
      jwksUri: `${provider.issuer}/jwks`,
    });
    // Neither a development secret nor the development sign-in beside an OpenID provider.
    expect(auth.jwtSecret).toBeUndefined();
    expect(developmentSecret).toBe(false);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['an issuer that does not answer', async () => `http://127.0.0.1:${await freePort()}`, /ECONNREFUSED/],
    [
      'an issuer whose document names another issuer',
      async () => provider.issuer.replace('127.0.0.1', 'localhost'),
      /names the issuer "http:\/\/127\.0\.0\.1:\d+"/,
    ],
    ['a URL that is no issuer', async () => `${provider.issuer}/nothing-here`, /it answered 404/],
  ])('stops start-up with a configuration error naming OIDC_ISSUER for %s', async (_, issuer, reason) => {
    const failure = await startUp(await issuer()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect(failure).toMatchObject({ variable: 'OIDC_ISSUER', message: expect.stringMatching(reason) });
    expect((failure as Error).message).toMatch(
      /^Invalid configuration: OIDC_ISSUER could not be discovered at /,
    );
  });
});
