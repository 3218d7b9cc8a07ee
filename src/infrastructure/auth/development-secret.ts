import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { readOrCreateOnce } from '../runtime/write-once-file.js';

/**
 * With neither AUTH_JWT_SECRET nor AUTH_JWKS_URL the engine signs development tokens with a
 * secret it generates once and keeps under its data folder (`npm run token` reads the same file).
 */
export function developmentSecretPath(dataDir: string): string {
  return join(resolve(dataDir), 'dev-jwt-secret');
}

export async function ensureDevelopmentSecret(dataDir: string): Promise<string> {
  const secret = await readOrCreateOnce(developmentSecretPath(dataDir), () =>
    randomBytes(48).toString('base64url'),
  );
  return secret.trim();
}
