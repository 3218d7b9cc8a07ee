import { describe, expect, it, jest } from '@jest/globals';
import { SignJWT } from 'jose';
import { TokenVerifier } from '../../../src/infrastructure/auth/token-verifier.js';

const SECRET = 'unit-test-secret-that-is-at-least-32-bytes!';

const sign = (
  claims: { sub: string; roles: string[] },
  expiresAt: number,
  secret = SECRET,
): Promise<string> =>
  new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));

describe('TokenVerifier: verified tokens are remembered, never past their expiry', () => {
  it('verifies a token once, then answers from memory with an equal, separate result', async () => {
    const verifier = new TokenVerifier({ jwtSecret: SECRET });
    const token = await sign({ sub: 'rad-1', roles: ['radiologist'] }, Math.floor(Date.now() / 1000) + 3600);
    const first = await verifier.verify(token);
    first.roles.push('admin'); // a caller changing what it got changes nothing for the next one
    const second = await verifier.verify(token);
    expect(second).toEqual({ sub: 'rad-1', name: 'rad-1', roles: ['radiologist'] });
  });

  it('rejects a token after its expiry (with the 5 s tolerance) even when it was verified before', async () => {
    const now = Date.now();
    // Date itself is faked (jose reads the time with new Date()); promises and I/O run as usual.
    jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const verifier = new TokenVerifier({ jwtSecret: SECRET });
      const exp = Math.floor(now / 1000) + 30;
      const token = await sign({ sub: 'rad-2', roles: ['radiologist'] }, exp);
      await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'rad-2' });
      jest.setSystemTime((exp + 10) * 1000);
      await expect(verifier.verify(token)).rejects.toThrow('the token has expired');
    } finally {
      jest.useRealTimers();
    }
  });

  it('never remembers a rejected token, and a wrongly signed token stays rejected', async () => {
    const verifier = new TokenVerifier({ jwtSecret: SECRET });
    const forged = await sign(
      { sub: 'rad-3', roles: ['admin'] },
      Math.floor(Date.now() / 1000) + 3600,
      'another-secret-that-is-at-least-32-bytes!!',
    );
    await expect(verifier.verify(forged)).rejects.toThrow('the token is invalid');
    await expect(verifier.verify(forged)).rejects.toThrow('the token is invalid');
  });
});
