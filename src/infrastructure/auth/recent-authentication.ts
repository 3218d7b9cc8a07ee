import { assertNever } from '../../domain/kernel/decider.js';
import { CLOCK_TOLERANCE_SECONDS } from './token-verifier.js';

/**
 * 21 CFR 11.200(a): an electronic signature is executed by its owner, who proves it by signing in.
 * A signing command therefore needs a token whose `auth_time` (when its holder last signed in) is
 * at most SIGNING_MAX_AGE seconds old; otherwise the engine answers with the step-up challenge of
 * RFC 9470, and the client signs in again and resends.
 */

/** RFC 9470 §3: the token is valid, but the sign-in behind it does not meet the resource's requirement. */
export const STEP_UP_ERROR = 'insufficient_user_authentication';

/** The problem code of that answer (docs/api.md "Errors"). */
export const STEP_UP_PROBLEM_CODE = 'insufficient-user-authentication';

/** How the sign-in behind a token stands for a signature, `now` and the maximum age in seconds. */
export type SigningAuthentication =
  | { kind: 'recent'; ageSeconds: number }
  | { kind: 'no-auth-time' }
  | { kind: 'too-old'; ageSeconds: number }
  | { kind: 'in-the-future'; aheadSeconds: number };

export type InsufficientAuthentication = Exclude<SigningAuthentication, { kind: 'recent' }>;

export function signingAuthentication(
  authTime: number | undefined,
  nowSeconds: number,
  maxAgeSeconds: number,
): SigningAuthentication {
  if (authTime === undefined) return { kind: 'no-auth-time' };
  const ageSeconds = Math.floor(nowSeconds - authTime);
  // An issuer's clock a little ahead of ours is not a sign-in from the future (as for `exp`).
  if (ageSeconds < -CLOCK_TOLERANCE_SECONDS) return { kind: 'in-the-future', aheadSeconds: -ageSeconds };
  if (ageSeconds > maxAgeSeconds) return { kind: 'too-old', ageSeconds };
  return { kind: 'recent', ageSeconds: Math.max(0, ageSeconds) };
}

/** The problem's detail: what is wrong with the sign-in, and what to do. */
export function stepUpDetail(authentication: InsufficientAuthentication, maxAgeSeconds: number): string {
  const needed = `A signature (21 CFR 11.200) needs a sign-in within the last ${maxAgeSeconds} seconds`;
  const remedy = `Sign in again (OpenID Connect: max_age=${maxAgeSeconds}) and resend the request with the new token.`;
  switch (authentication.kind) {
    case 'no-auth-time':
      return `${needed}, and this token does not say when its holder signed in (no auth_time). ${remedy}`;
    case 'too-old':
      return `${needed}; this token's sign-in was ${authentication.ageSeconds} seconds ago. ${remedy}`;
    case 'in-the-future':
      return `${needed}; this token's auth_time lies ${authentication.aheadSeconds} seconds in the future. ${remedy}`;
    default:
      return assertNever(authentication, 'signing authentication');
  }
}

/**
 * The `WWW-Authenticate` value of the step-up answer (RFC 9470 §3, RFC 6750 §3): `max_age` tells
 * the client how recent the new sign-in must be. The description holds no `"` or `\` (RFC 6750 §3).
 */
export function stepUpChallenge(maxAgeSeconds: number): string {
  return (
    `Bearer error="${STEP_UP_ERROR}", ` +
    `error_description="A signature needs a sign-in within the last ${maxAgeSeconds} seconds", ` +
    `max_age=${maxAgeSeconds}`
  );
}
