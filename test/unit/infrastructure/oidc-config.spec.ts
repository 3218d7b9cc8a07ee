import { describe, expect, it } from '@jest/globals';
import { developmentSignInOffered } from '../../../src/infrastructure/auth/development-sign-in.js';
import { ConfigurationError, loadConfig } from '../../../src/infrastructure/config/app-config.js';

const ISSUER = 'https://login.example-hospital.org/realms/radiology';
const OIDC = { OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: 'second-opinion-web' };

describe('OIDC_* settings', () => {
  it('reads the issuer, client, scope (default openid profile) and resource', () => {
    expect(loadConfig(OIDC).auth.oidc).toEqual({
      issuer: ISSUER,
      clientId: 'second-opinion-web',
      scope: 'openid profile',
    });
    expect(
      loadConfig({
        ...OIDC,
        OIDC_SCOPE: 'openid profile email',
        OIDC_RESOURCE: 'https://second-opinion.example-hospital.org/api',
      }).auth.oidc,
    ).toEqual({
      issuer: ISSUER,
      clientId: 'second-opinion-web',
      scope: 'openid profile email',
      resource: 'https://second-opinion.example-hospital.org/api',
    });
    expect(loadConfig({}).auth.oidc).toBeUndefined();
  });

  it.each(['http://localhost:8080/realms/dev', 'http://127.0.0.1:4000', 'http://[::1]:4000/', ISSUER])(
    'accepts the issuer %s, kept exactly as written',
    (issuer) => {
      expect(loadConfig({ ...OIDC, OIDC_ISSUER: issuer }).auth.oidc?.issuer).toBe(issuer);
    },
  );

  it.each([
    [{ ...OIDC, OIDC_ISSUER: 'http://login.example-hospital.org' }, 'OIDC_ISSUER', /http: only on localhost/],
    [{ ...OIDC, OIDC_ISSUER: 'login.example-hospital.org' }, 'OIDC_ISSUER', /not a valid URL/],
    [{ ...OIDC, OIDC_ISSUER: `${ISSUER}?tenant=1` }, 'OIDC_ISSUER', /without query/],
    [{ ...OIDC, OIDC_ISSUER: 'https://user:pw@login.example-hospital.org' }, 'OIDC_ISSUER', /credentials/],
    [{ OIDC_ISSUER: ISSUER }, 'OIDC_CLIENT_ID', /required with OIDC_ISSUER/],
    [{ OIDC_CLIENT_ID: 'web' }, 'OIDC_CLIENT_ID', /OIDC_ISSUER is not/],
    [{ OIDC_RESOURCE: 'https://api.example/' }, 'OIDC_RESOURCE', /OIDC_ISSUER is not/],
    [{ ...OIDC, OIDC_SCOPE: 'profile email' }, 'OIDC_SCOPE', /must include openid/],
    [{ ...OIDC, OIDC_SCOPE: 'openid  profile' }, 'OIDC_SCOPE', /space-separated/],
    [{ ...OIDC, OIDC_SCOPE: 'openid "profile"' }, 'OIDC_SCOPE', /space-separated/],
    [{ ...OIDC, OIDC_RESOURCE: 'engine-api' }, 'OIDC_RESOURCE', /absolute URI/],
    [{ ...OIDC, OIDC_RESOURCE: 'https://api.example/#x' }, 'OIDC_RESOURCE', /without a fragment/],
    [
      { ...OIDC, AUTH_JWKS_URL: 'https://idp.example/jwks' },
      'AUTH_JWKS_URL',
      /must not be set with OIDC_ISSUER/,
    ],
  ])('refuses %j naming %s', (env, variable, problem) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ variable });
    expect((error as ConfigurationError).problems[0].problem).toMatch(problem);
  });

  it('names an OIDC problem together with the other refused variables', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', OIDC_ISSUER: 'http://idp.example' });
    } catch (thrown) {
      error = thrown;
    }
    expect((error as ConfigurationError).problems.map(({ variable }) => variable).sort()).toEqual([
      'OIDC_ISSUER',
      'PORT',
    ]);
  });

  it('reads NODE_ENV=production, and only that, as production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).production).toBe(true);
    for (const value of [undefined, 'development', 'test', 'Production']) {
      expect(loadConfig({ NODE_ENV: value }).production).toBe(false);
    }
  });
});

describe('developmentSignInOffered', () => {
  const oidc = { issuer: ISSUER, clientId: 'web', scope: 'openid' };
  it.each([
    [true, false, undefined, true],
    [true, true, undefined, false],
    [false, false, undefined, false],
    [true, false, oidc, false],
    [false, true, oidc, false],
  ])(
    'development secret %s, production %s, OIDC %j: %s',
    (developmentSecret, production, issuer, offered) => {
      expect(developmentSignInOffered({ developmentSecret, production, auth: { oidc: issuer } })).toBe(
        offered,
      );
    },
  );
});
