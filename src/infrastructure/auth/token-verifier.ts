import {
  type JWTPayload,
  type JWTVerifyGetKey,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { ROLES, type Role } from '../../application/auth/access-policy.js';

export { ACTOR_ID_PATTERN } from '../../domain/shared/identifiers.js';
import { ACTOR_ID_PATTERN } from '../../domain/shared/identifiers.js';

export interface VerifiedToken {
  sub: string;
  name: string;
  roles: Role[];
}

export class TokenRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

const CLOCK_TOLERANCE_SECONDS = 5;
/** How long a verified token is taken as verified again without its signature being checked. */
const VERIFIED_FOR_MS = 60_000;
const MAX_VERIFIED = 10_000;

/**
 * Verifies bearer tokens with jose: HS256 with AUTH_JWT_SECRET, RS256 against AUTH_JWKS_URL.
 * Only those algorithms are accepted, so `alg: none` and algorithm-confusion tokens fail.
 *
 * A client sends the same token with every request until it expires; checking its signature each
 * time was a tenth of the engine's CPU under load (bench/e2e profile). A token that verified is
 * remembered by its exact text for at most a minute, never past its `exp` (with the same clock
 * tolerance), and at most MAX_VERIFIED of them; a rejected token is never remembered.
 */
export class TokenVerifier {
  private readonly secret?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;
  private readonly verified = new Map<string, { token: VerifiedToken; until: number }>();

  constructor(private readonly auth: RuntimeConfig['auth']) {
    if (auth.jwtSecret) this.secret = new TextEncoder().encode(auth.jwtSecret);
    if (auth.jwksUrl) this.jwks = createRemoteJWKSet(new URL(auth.jwksUrl));
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
      const options = {
        issuer: this.auth.issuer,
        audience: this.auth.audience,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      };
      const alg = headerAlgorithm(token);
      if (alg === 'HS256' && this.secret) {
        ({ payload } = await jwtVerify(token, this.secret, { ...options, algorithms: ['HS256'] }));
      } else if (alg === 'RS256' && this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256'] }));
      } else {
        throw new TokenRejected(`tokens signed with ${alg ?? 'no algorithm'} are not accepted`);
      }
    } catch (error) {
      if (error instanceof TokenRejected) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenRejected('the token has expired');
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
    // requiredClaims makes jose refuse a token without a numeric exp.
    return { token: { sub, name, roles }, exp: payload.exp! };
  }
}

function headerAlgorithm(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}
