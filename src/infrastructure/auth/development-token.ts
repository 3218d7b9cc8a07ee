import { SignJWT, decodeJwt } from 'jose';
import type { Role } from '../../application/auth/access-policy.js';

/** How long a development token lasts unless `--ttl` says otherwise. */
export const DEVELOPMENT_TOKEN_TTL = '8h';

export interface DevelopmentTokenClaims {
  sub: string;
  /** Printed name for signatures; default: `sub`. */
  name?: string;
  roles: readonly Role[];
}

export interface SignedToken {
  accessToken: string;
  /** Seconds from issue to expiry. */
  expiresIn: number;
}

/**
 * An HS256 token the engine accepts: signed with AUTH_JWT_SECRET or the development secret, with
 * AUTH_JWT_ISSUER / AUTH_JWT_AUDIENCE when they are set, and `auth_time` now. `npm run token` and
 * the development sign-in both sign here, so the two cannot drift apart.
 */
export async function signDevelopmentToken(
  claims: DevelopmentTokenClaims,
  key: { secret: string; issuer?: string; audience?: string },
  ttl: string = DEVELOPMENT_TOKEN_TTL,
): Promise<SignedToken> {
  // Signing a development token is a fresh sign-in: auth_time is its issue time (signing commands need it recent).
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ roles: [...claims.roles], name: claims.name ?? claims.sub, auth_time: now })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(ttl);
  if (key.issuer) jwt.setIssuer(key.issuer);
  if (key.audience) jwt.setAudience(key.audience);
  const accessToken = await jwt.sign(new TextEncoder().encode(key.secret));
  const { iat, exp } = decodeJwt(accessToken);
  return { accessToken, expiresIn: exp! - iat! };
}
