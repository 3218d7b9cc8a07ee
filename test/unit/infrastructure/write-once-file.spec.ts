import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureDevelopmentSecret } from '../../../src/infrastructure/auth/development-secret.js';
import { logSigner } from '../../../src/infrastructure/integrity/signing-key.js';
import { readOrCreateOnce } from '../../../src/infrastructure/runtime/write-once-file.js';

// Parallel test workers and two `npm start`s share one DATA_DIR: the generated secrets must be
// created once, whole, and never read half-written.
describe('secrets generated under DATA_DIR by instances starting together', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'write-once-'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('readOrCreateOnce: twenty racing callers all get the first content, in a mode-600 file, and no draft is left', async () => {
    const path = join(folder, 'race', 'secret');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => readOrCreateOnce(path, () => `content of caller ${index}\n`)),
    );
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toMatch(/^content of caller \d+\n$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(folder, 'race'))).toEqual(['secret']);
    await expect(readOrCreateOnce(path, () => 'later')).resolves.toBe(results[0]);
  });

  it('a reader polling while a large secret is written sees no file or all of it, never a part', async () => {
    const path = join(folder, 'large', 'secret');
    const content = 'x'.repeat(32 * 1024 * 1024);
    const lengthsSeen = new Set<number>();
    let written = false;
    const writing = readOrCreateOnce(path, () => content).finally(() => {
      written = true;
    });
    while (!written) {
      lengthsSeen.add((await readFile(path, 'utf8').catch(() => '')).length);
    }
    await writing;
    lengthsSeen.add((await readFile(path, 'utf8')).length);
    expect([...lengthsSeen].filter((length) => length !== 0 && length !== content.length)).toEqual([]);
    expect(lengthsSeen.has(content.length)).toBe(true);
  });

  it('the integrity log key: racing engines all load one Ed25519 key', async () => {
    const dataDir = join(folder, 'log-key');
    const signers = await Promise.all(
      Array.from({ length: 12 }, () => logSigner({ integrity: { origin: 'example.org/log' }, dataDir })),
    );
    const publicKeys = signers.map((signer) =>
      signer.publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
    );
    expect(new Set(publicKeys).size).toBe(1);
    expect(signers[0]?.privateKey.asymmetricKeyType).toBe('ed25519');
  });

  it('the development JWT secret: racing engines all read one 64-character secret', async () => {
    const dataDir = join(folder, 'jwt');
    const secrets = await Promise.all(Array.from({ length: 12 }, () => ensureDevelopmentSecret(dataDir)));
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });
});
