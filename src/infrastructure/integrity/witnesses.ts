import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExportedCheckpoint } from '../../application/integrity/checkpoint.js';

/** Where checkpoints are pushed (INTEGRITY_WITNESSES): a directory, or an HTTPS URL that takes a POST. */
export type Witness = { kind: 'directory'; path: string } | { kind: 'url'; url: string };

const PUSH_TIMEOUT_MS = 10_000;

export const describeWitness = (witness: Witness): string =>
  witness.kind === 'directory' ? resolve(witness.path) : witness.url;

/**
 * A directory keeps every checkpoint pushed (`checkpoint-<treeSize>.json`) and the newest as
 * `latest.json`, each written whole (temporary file, then rename), so a reader never sees half a file.
 */
async function pushToDirectory(path: string, checkpoint: ExportedCheckpoint): Promise<void> {
  const directory = resolve(path);
  await mkdir(directory, { recursive: true });
  const body = `${JSON.stringify(checkpoint, null, 2)}\n`;
  for (const name of [`checkpoint-${checkpoint.treeSize}.json`, 'latest.json']) {
    const temporary = join(directory, `.${name}.${process.pid}.tmp`);
    await writeFile(temporary, body, { mode: 0o644 });
    await rename(temporary, join(directory, name));
  }
}

/** POSTs the checkpoint as JSON; any answer but 2xx is a failed push. */
async function pushToUrl(url: string, checkpoint: ExportedCheckpoint): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(checkpoint),
    signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    redirect: 'error',
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`answered ${response.status}`);
}

export async function pushCheckpoint(witness: Witness, checkpoint: ExportedCheckpoint): Promise<void> {
  switch (witness.kind) {
    case 'directory':
      return pushToDirectory(witness.path, checkpoint);
    case 'url':
      return pushToUrl(witness.url, checkpoint);
    default: {
      const unknown: never = witness;
      throw new Error(`Unknown witness ${JSON.stringify(unknown)}`);
    }
  }
}
