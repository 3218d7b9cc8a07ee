import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * With neither AUTH_JWT_SECRET nor AUTH_JWKS_URL the engine signs development tokens with a
 * secret it generates once and keeps under its data folder (`npm run token` reads the same file).
 */
export function developmentSecretPath(dataDir: string): string {
  return join(resolve(dataDir), 'dev-jwt-secret');
}

export async function ensureDevelopmentSecret(dataDir: string): Promise<string> {
  const path = developmentSecretPath(dataDir);
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  await mkdir(resolve(dataDir), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(path, secret, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error; // another instance wrote it first: use theirs
  });
  return (await readFile(path, 'utf8')).trim();
}
