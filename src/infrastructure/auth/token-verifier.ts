import {
  type JWTPayload,
  type JWTVerifyGetKey,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';
import { DEFAULT_SIGNING_MAX_AGE_SECONDS, type OidcSettings } from '../config/app-config.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { ROLES, type Role } from '../../application/auth/access-policy.js';

export { ACTOR_ID_PATTERN } from '../../domain/kernel/identifiers.js';
import { ACTOR_ID_PATTERN } from '../../domain/kernel/identifiers.js';

export interface VerifiedToken {
  sub: string;
  name: string;
  roles: Role[];
  /** `auth_time` (seconds since the epoch): when the person last signed in; signing commands need it recent. */
  authTime?: number;
}

export class TokenRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

/** How far an issuer's clock and ours may disagree: for `exp` and `nbf`, and for `auth_time` (recent-authentication.ts). */
export const CLOCK_TOLERANCE_SECONDS = 5;
/** How long a verified token is taken as verified again without its signature being checked. */
const VERIFIED_FOR_MS = 60_000;
const MAX_VERIFIED = 10_000;

/** What an RS256 token must carry besides a signature by one of the key set's keys. */
interface RemoteKeys {
  keys: JWTVerifyGetKey;
  issuer?: string;
  audience?: string;
}

/**
 * Verifies bearer tokens with jose: HS256 with AUTH_JWT_SECRET (or the development secret), RS256
 * against the OIDC issuer's JWKS (its `iss`, and OIDC_RESOURCE as `aud`) or against AUTH_JWKS_URL.
 * Only those algorithms are accepted, so `alg: none` and algorithm-confusion tokens fail.
 *
 * A client sends the same token with every request until it expires; checking its signature each
 * time was a tenth of the engine's CPU under load (bench/e2e profile). A token that verified is
 * remembered by its exact text for at most a minute, never past its `exp` (with the same clock
 * tolerance), and at most MAX_VERIFIED of them; a rejected token is never remembered.
 */
export class TokenVerifier {
  private readonly secret?: Uint8Array;
  private readonly remote?: RemoteKeys;
  private readonly verified = new Map<string, { token: VerifiedToken; until: number }>();
  /** How recent a token's `auth_time` must be for a signing command (SIGNING_MAX_AGE). */
  readonly signingMaxAgeSeconds: number;

  constructor(private readonly auth: RuntimeConfig['auth']) {
    this.signingMaxAgeSeconds = auth.signingMaxAgeSeconds ?? DEFAULT_SIGNING_MAX_AGE_SECONDS;
    if (auth.jwtSecret) this.secret = new TextEncoder().encode(auth.jwtSecret);
    const remote = auth.oidc
      ? { url: discovered(auth.oidc), issuer: auth.oidc.issuer, audience: auth.oidc.resource }
      : auth.jwksUrl
        ? { url: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience }
        : undefined;
    if (remote) this.remote = { ...remote, keys: createRemoteJWKSet(new URL(remote.url)) };
  }

  async verify(token: string): Promise<VerifiedToken> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known) {
      // A copy: the caller may keep and change what it is given.
      if (now < known.until) return { ...known.token, roles: [...known.token.roles] };
      this.verified.delete(token);
    }
    const verified = await this.verifySignature(token);
    const until = Math.min(now + VERIFIED_FOR_MS, (verified.exp + CLOCK_TOLERANCE_SECONDS - 1) * 1000);
    if (until > now) {
      // Oldest first out: a Map iterates in insertion order.
      if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { token: { ...verified.token, roles: [...verified.token.roles] }, until });
    }
    return verified.token;
  }

  private async verifySignature(token: string): Promise<{ token: VerifiedToken; exp: number }> {
    let payload: JWTPayload;
    try {
      const common = { requiredClaims: ['sub', 'exp'], clockTolerance: CLOCK_TOLERANCE_SECONDS };
      const alg = headerAlgorithm(token);
      if (alg === 'HS256' && this.secret) {
        ({ payload } = await jwtVerify(token, this.secret, {
          ...common,
          issuer: this.auth.issuer,
          audience: this.auth.audience,
          algorithms: ['HS256'],
        }));
      } else if (alg === 'RS256' && this.remote) {
        const { keys, issuer, audience } = this.remote;
        ({ payload } = await jwtVerify(token, keys, { ...common, issuer, audience, algorithms: ['RS256'] }));
      } else {
        throw new TokenRejected(`tokens signed with ${alg ?? 'no algorithm'} are not accepted`);
      }
    } catch (error) {
      if (error instanceof TokenRejected) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenRejected('the token has expired');
      // `unexpected "aud" claim value`: the claim, never its value, so a caller learns what to fix.
      if (error instanceof errors.JWTClaimValidationFailed)
        throw new TokenRejected(`the token is not accepted (${error.message})`);
      if (error instanceof errors.JWKSNoMatchingKey)
        throw new TokenRejected("no key of the issuer's key set matches the token");
      if (error instanceof errors.JOSEError) throw new TokenRejected(`the token is invalid (${error.code})`);
      throw new TokenRejected('the token could not be verified');
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || !ACTOR_ID_PATTERN.test(sub))
      throw new TokenRejected('the token has no valid sub');
    const claimedRoles = Array.isArray(payload.roles) ? payload.roles : [];
    // Unknown roles grant nothing; a token with none of ours is authenticated but allowed nothing.
    const roles = claimedRoles.filter((role): role is Role => (ROLES as readonly unknown[]).includes(role));
    const name =
      typeof payload.name === 'string' && payload.name.trim() !== '' ? payload.name.slice(0, 200) : sub;
    // Not a NumericDate: no known sign-in time, which only signing commands refuse (step-up).
    const authTime = payload.auth_time;
    const verified: VerifiedToken = { sub, name, roles };
    if (typeof authTime === 'number' && Number.isFinite(authTime) && authTime >= 0)
      verified.authTime = authTime;
    // requiredClaims makes jose refuse a token without a numeric exp.
    return { token: verified, exp: payload.exp! };
  }
}

function discovered(oidc: OidcSettings): string {
  if (!oidc.jwksUri) throw new Error('The OIDC issuer was not discovered (resolveRuntimeConfig does it)');
  return oidc.jwksUri;
}

function headerAlgorithm(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}
