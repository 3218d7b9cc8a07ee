import { describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import {
  type SigningAuthentication,
  signingAuthentication,
  stepUpChallenge,
  stepUpDetail,
} from '../../../src/infrastructure/auth/recent-authentication.js';
import { TokenVerifier } from '../../../src/infrastructure/auth/token-verifier.js';
import { ConfigurationError, loadConfig } from '../../../src/infrastructure/config/app-config.js';

const NOW = 1_800_000_000;

describe('a signature needs a recent sign-in (21 CFR 11.200, RFC 9470)', () => {
  it.each<{ case: string; authTime: number | undefined; maxAge: number; expected: SigningAuthentication }>([
    { case: 'signed in just now', authTime: NOW, maxAge: 300, expected: { kind: 'recent', ageSeconds: 0 } },
    {
      case: 'signed in exactly max_age ago',
      authTime: NOW - 300,
      maxAge: 300,
      expected: { kind: 'recent', ageSeconds: 300 },
    },
    {
      case: 'one second too long ago',
      authTime: NOW - 301,
      maxAge: 300,
      expected: { kind: 'too-old', ageSeconds: 301 },
    },
    {
      case: 'an hour ago, with a longer SIGNING_MAX_AGE',
      authTime: NOW - 3600,
      maxAge: 7200,
      expected: { kind: 'recent', ageSeconds: 3600 },
    },
    {
      case: 'a minute ago, with a shorter SIGNING_MAX_AGE',
      authTime: NOW - 60,
      maxAge: 30,
      expected: { kind: 'too-old', ageSeconds: 60 },
    },
    {
      case: 'a fraction of a second counts as whole seconds only',
      authTime: NOW - 300.9,
      maxAge: 300,
      expected: { kind: 'recent', ageSeconds: 300 },
    },
    {
      case: "the issuer's clock 5 s ahead (tolerated)",
      authTime: NOW + 5,
      maxAge: 300,
      expected: { kind: 'recent', ageSeconds: 0 },
    },
    {
      case: 'a sign-in from the future',
      authTime: NOW + 60,
      maxAge: 300,
      expected: { kind: 'in-the-future', aheadSeconds: 60 },
    },
    {
      case: 'a token without auth_time',
      authTime: undefined,
      maxAge: 300,
      expected: { kind: 'no-auth-time' },
    },
  ])('$case', ({ authTime, maxAge, expected }) => {
    expect(signingAuthentication(authTime, NOW, maxAge)).toEqual(expected);
  });

  it('challenges as RFC 9470 asks: the error, a description without quotes, and max_age', () => {
    expect(stepUpChallenge(300)).toBe(
      'Bearer error="insufficient_user_authentication", error_description="A signature needs a sign-in within the last 300 seconds", max_age=300',
    );
    expect(stepUpChallenge(60)).toMatch(/, max_age=60$/);
  });

  it.each<{ authentication: Exclude<SigningAuthentication, { kind: 'recent' }>; says: string }>([
    {
      authentication: { kind: 'no-auth-time' },
      says: 'does not say when its holder signed in (no auth_time)',
    },
    {
      authentication: { kind: 'too-old', ageSeconds: 4000 },
      says: "this token's sign-in was 4000 seconds ago",
    },
    { authentication: { kind: 'in-the-future', aheadSeconds: 90 }, says: 'lies 90 seconds in the future' },
  ])('says what is wrong ($authentication.kind) and what to do', ({ authentication, says }) => {
    const detail = stepUpDetail(authentication, 300);
    expect(detail).toContain('A signature (21 CFR 11.200) needs a sign-in within the last 300 seconds');
    expect(detail).toContain(says);
    expect(detail).toMatch(/Sign in again \(OpenID Connect: max_age=300\) and resend .*\.$/);
  });
});

describe('TokenVerifier: auth_time', () => {
  const SECRET = 'unit-test-secret-that-is-at-least-32-bytes!';
  const sign = (claims: Record<string, unknown>): Promise<string> =>
    new SignJWT({ roles: ['radiologist'], ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('rad-1')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));

  it.each<{ case: string; claims: Record<string, unknown>; authTime: number | undefined }>([
    { case: 'a NumericDate', claims: { auth_time: 1_700_000_000 }, authTime: 1_700_000_000 },
    { case: 'none', claims: {}, authTime: undefined },
    { case: 'text', claims: { auth_time: '1700000000' }, authTime: undefined },
    { case: 'a negative number', claims: { auth_time: -5 }, authTime: undefined },
  ])('carries auth_time when it is $case', async ({ claims, authTime }) => {
    const verified = await new TokenVerifier({ jwtSecret: SECRET }).verify(await sign(claims));
    // A token without a usable auth_time is still valid: only signing commands refuse it.
    expect(verified).toEqual({
      sub: 'rad-1',
      name: 'rad-1',
      roles: ['radiologist'],
      ...(authTime !== undefined && { authTime }),
    });
  });

  it('knows the configured SIGNING_MAX_AGE, 300 s unless configured', () => {
    expect(new TokenVerifier({ jwtSecret: SECRET }).signingMaxAgeSeconds).toBe(300);
    expect(new TokenVerifier({ jwtSecret: SECRET, signingMaxAgeSeconds: 60 }).signingMaxAgeSeconds).toBe(60);
  });
});

describe('SIGNING_MAX_AGE', () => {
  it('is 300 seconds by default, and read in seconds', () => {
    expect(loadConfig({}).auth.signingMaxAgeSeconds).toBe(300);
    expect(loadConfig({ SIGNING_MAX_AGE: ' 60 ' }).auth.signingMaxAgeSeconds).toBe(60);
    expect(loadConfig({ SIGNING_MAX_AGE: '' }).auth.signingMaxAgeSeconds).toBe(300);
  });

  it.each(['0', '86401', 'five minutes', '1.5', '-300'])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig({ SIGNING_MAX_AGE: value })).toThrow(ConfigurationError);
    expect(() => loadConfig({ SIGNING_MAX_AGE: value })).toThrow(/SIGNING_MAX_AGE/);
  });
});
