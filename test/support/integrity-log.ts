import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportedCheckpoint } from '../../src/application/integrity/checkpoint.js';
import { type ApiClient, QUALITY } from './api.js';
import { waitFor } from './wait-for.js';

/** A fresh Ed25519 log key as INTEGRITY_SIGNING_KEY_FILE takes it (PKCS#8 PEM), in `folder`; its path. */
export async function writeLogKey(folder: string, name = 'log-key.pem'): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return file;
}

/**
 * The latest checkpoint, once one includes every event given: each has an inclusion proof in the
 * tree of the latest checkpoint's size (the log takes them within a second, checkpoints follow).
 */
export async function checkpointIncluding(
  api: ApiClient,
  eventIds: readonly string[],
  timeoutMs = 30_000,
): Promise<ExportedCheckpoint> {
  let latest: ExportedCheckpoint | undefined;
  await waitFor(
    'a checkpoint that includes the events',
    async () => {
      const response = await api.request<ExportedCheckpoint>('GET', '/api/v1/integrity/checkpoints/latest');
      if (response.status !== 200) return false;
      for (const eventId of eventIds) {
        const proof = await api.get(
          `/api/v1/integrity/proofs/inclusion?eventId=${eventId}&treeSize=${response.body.treeSize}`,
          QUALITY,
        );
        if (proof.status !== 200) return false;
      }
      latest = response.body;
      return true;
    },
    { timeoutMs, intervalMs: 100 },
  );
  return latest!;
}
