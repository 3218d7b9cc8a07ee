import type { RuntimeConfig } from '../config/runtime-config.js';

/**
 * The development sign-in (POST /api/v1/auth/development-sign-in) hands anyone a token with any
 * role. It exists only while the engine runs on its generated development secret, outside
 * production and without an OpenID provider; otherwise the route is not there at all (404).
 */
export function developmentSignInOffered(
  config: Pick<RuntimeConfig, 'developmentSecret' | 'production' | 'auth'>,
): boolean {
  return config.developmentSecret && !config.production && config.auth.oidc === undefined;
}

export const DEVELOPMENT_SIGN_IN_WARNING =
  'Development sign-in is offered at POST /api/v1/auth/development-sign-in: anyone who can reach the engine may sign in as anyone, with any role. Set AUTH_JWT_SECRET, AUTH_JWKS_URL or OIDC_ISSUER, or NODE_ENV=production, to withdraw it.';
