import { createHash } from 'node:crypto';

/**
 * What events say of a secret: `sha256:` and the first 16 hex digits of its digest, enough for a
 * receiver to tell which of its secrets is meant, far too little to sign with.
 */
export const secretFingerprint = (secret: string): string =>
  `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
