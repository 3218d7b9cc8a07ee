import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NoteSigner } from '../../application/integrity/signed-note.js';
import { ConfigurationError } from '../config/configuration-error.js';
import { readOrCreateOnce } from '../runtime/write-once-file.js';

export const SIGNING_KEY_VARIABLE = 'INTEGRITY_SIGNING_KEY_FILE';

/**
 * The log's Ed25519 key is kept outside PostgreSQL: INTEGRITY_SIGNING_KEY_FILE names a PKCS#8 PEM
 * file. In development one is generated once under DATA_DIR, as the development JWT secret is; in
 * production (NODE_ENV=production) the engine refuses to start without the variable.
 */
export function developmentSigningKeyPath(dataDir: string): string {
  return join(resolve(dataDir), 'integrity-signing-key.pem');
}

export async function ensureDevelopmentSigningKey(dataDir: string): Promise<string> {
  const path = developmentSigningKeyPath(dataDir);
  await readOrCreateOnce(path, () =>
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  return path;
}

const refused = (problem: string): ConfigurationError =>
  new ConfigurationError([{ variable: SIGNING_KEY_VARIABLE, problem }]);

/** Reads the PEM file; a missing, unreadable or non-Ed25519 key is a configuration error naming the variable. */
export async function readSigningKey(file: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw refused(
      `names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw refused(`names ${file}, which holds no PEM private key (PKCS#8)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw refused(
      `names ${file}, which holds a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not Ed25519`,
    );
  }
  return key;
}

export interface SigningKeySettings {
  signingKeyFile?: string;
  origin: string;
}

/**
 * Start-up's decision (resolveRuntimeConfig): the configured file, checked now; in production
 * without it, a configuration error naming the variable; otherwise the development key.
 */
export async function resolveSigningKeyFile(config: {
  integrity: SigningKeySettings;
  dataDir: string;
  production: boolean;
}): Promise<{ file: string; warning?: string }> {
  const configured = config.integrity.signingKeyFile;
  if (configured !== undefined) {
    await readSigningKey(configured);
    return { file: resolve(configured) };
  }
  if (config.production) {
    throw refused(
      'is required when NODE_ENV=production: the PKCS#8 PEM file of the Ed25519 key that signs the integrity log, kept outside the database (docs/integrity.md)',
    );
  }
  return {
    file: await ensureDevelopmentSigningKey(config.dataDir),
    warning: `${SIGNING_KEY_VARIABLE} is not set: the integrity log is signed with a development key generated in ${config.dataDir}/. In production, keep the key outside the database host (docs/integrity.md).`,
  };
}

/** The log's signer: the key of the configured file, or the development key under DATA_DIR. */
export async function logSigner(config: {
  integrity: SigningKeySettings;
  dataDir: string;
}): Promise<NoteSigner> {
  const file = config.integrity.signingKeyFile ?? (await ensureDevelopmentSigningKey(config.dataDir));
  const privateKey = await readSigningKey(file);
  return { name: config.integrity.origin, privateKey, publicKey: createPublicKey(privateKey) };
}
