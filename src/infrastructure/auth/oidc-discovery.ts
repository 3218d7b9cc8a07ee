import { LOOPBACK_HOSTS } from '../config/app-config.js';
import { ConfigurationError } from '../config/configuration-error.js';

const DISCOVERY_TIMEOUT_MS = 10_000;

/** The discovery document's URL (OpenID Connect Discovery §4: the issuer without its trailing slash). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

function refused(url: string, reason: string): ConfigurationError {
  return new ConfigurationError([
    { variable: 'OIDC_ISSUER', problem: `could not be discovered at ${url}: ${reason}` },
  ]);
}

/**
 * Reads the issuer's discovery document and returns its `jwks_uri`, the keys its RS256 access
 * tokens are verified with. Runs once at start-up: an issuer that does not answer, or answers
 * for another issuer, stops start-up with a configuration error instead of refusing every token later.
 */
export async function discoverJwksUri(issuer: string): Promise<string> {
  const url = discoveryUrl(issuer);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
  } catch (error) {
    throw refused(url, `the request failed (${whyFetchFailed(error)})`);
  }
  if (!response.ok) throw refused(url, `it answered ${response.status}`);
  let metadata: unknown;
  try {
    metadata = await response.json();
  } catch {
    throw refused(url, 'it did not answer JSON');
  }
  if (typeof metadata !== 'object' || metadata === null)
    throw refused(url, 'it did not answer a JSON object');
  const { issuer: named, jwks_uri: jwksUri } = metadata as { issuer?: unknown; jwks_uri?: unknown };
  if (named !== issuer) {
    // Discovery §4.3: the document must name exactly the issuer it was fetched for.
    throw refused(url, `it names the issuer ${JSON.stringify(named)}; OIDC_ISSUER must be exactly that`);
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) throw refused(url, 'it has no valid jwks_uri');
  const keys = new URL(jwksUri);
  if (keys.protocol !== 'https:' && !(keys.protocol === 'http:' && LOOPBACK_HOSTS.has(keys.hostname))) {
    throw refused(url, `its jwks_uri ${jwksUri} is not https`);
  }
  return jwksUri;
}

/** fetch's own error says only "fetch failed"; its cause names the reason (ECONNREFUSED, bad port …). */
function whyFetchFailed(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${DISCOVERY_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return typeof reason === 'string' ? reason : 'unknown reason';
}
