import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigurationError, loadConfig } from '../../../src/infrastructure/config/app-config.js';
import {
  developmentSigningKeyPath,
  logSigner,
  resolveSigningKeyFile,
} from '../../../src/infrastructure/integrity/signing-key.js';

const load = (env: Record<string, string>) =>
  loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32), ...env }).integrity;

describe('INTEGRITY_* variables', () => {
  it('defaults: the development key, a checkpoint every minute or 1000 events, no witness', () => {
    expect(load({})).toEqual({
      origin: 'xray-second-opinion/integrity-log',
      checkpointIntervalMs: 60_000,
      checkpointEveryEvents: 1_000,
      witnesses: [],
    });
  });

  it('reads every variable', () => {
    expect(
      load({
        INTEGRITY_SIGNING_KEY_FILE: ' /run/secrets/log-key.pem ',
        INTEGRITY_LOG_ORIGIN: 'hospital.example/second-opinion',
        INTEGRITY_CHECKPOINT_INTERVAL_MS: '0',
        INTEGRITY_CHECKPOINT_EVERY_EVENTS: '50',
        INTEGRITY_WITNESSES: '/mnt/worm/checkpoints, https://witness.example/add-checkpoint',
      }),
    ).toEqual({
      signingKeyFile: '/run/secrets/log-key.pem',
      origin: 'hospital.example/second-opinion',
      checkpointIntervalMs: 0,
      checkpointEveryEvents: 50,
      witnesses: [
        { kind: 'directory', path: '/mnt/worm/checkpoints' },
        { kind: 'url', url: 'https://witness.example/add-checkpoint' },
      ],
    });
  });

  it('allows plain http to this machine only when INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK=true', () => {
    expect(
      load({ INTEGRITY_WITNESSES: 'http://127.0.0.1:8080/w', INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK: 'true' })
        .witnesses,
    ).toEqual([{ kind: 'url', url: 'http://127.0.0.1:8080/w' }]);
  });

  it.each([
    ['INTEGRITY_CHECKPOINT_EVERY_EVENTS', '0', /must be between 1 and 1000000/],
    ['INTEGRITY_CHECKPOINT_INTERVAL_MS', 'soon', /must be a whole number/],
    ['INTEGRITY_LOG_ORIGIN', 'two words', /must be a key name/],
    ['INTEGRITY_LOG_ORIGIN', 'a+b', /must be a key name/],
    ['INTEGRITY_WITNESSES', 'http://127.0.0.1/w', /witnesses are pushed to over https/],
    ['INTEGRITY_WITNESSES', 'ftp://witness.example/w', /neither an https URL/],
    ['INTEGRITY_WITNESSES', 'https://user:secret@witness.example/w', /without credentials/],
    ['INTEGRITY_WITNESSES', '/a,,/b', /empty entry/],
    ['INTEGRITY_WITNESS_ALLOW_HTTP_LOOPBACK', 'yes', /must be true or false/],
  ])('refuses %s=%s, naming it', (variable, value, message) => {
    let error: unknown;
    try {
      load({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).variable).toBe(variable);
    expect((error as Error).message).toMatch(message);
  });
});

describe('the signing key: a PKCS#8 PEM file outside the database', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'integrity-key-'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  const settings = (extra: { signingKeyFile?: string } = {}) => ({ origin: 'example.org/log', ...extra });

  it('in development, one key is generated under DATA_DIR (mode 600) and kept', async () => {
    const dataDir = join(folder, 'data');
    const resolved = await resolveSigningKeyFile({ integrity: settings(), dataDir, production: false });
    expect(resolved.file).toBe(developmentSigningKeyPath(dataDir));
    expect(resolved.warning).toMatch(/INTEGRITY_SIGNING_KEY_FILE is not set/);
    expect((await stat(resolved.file)).mode & 0o777).toBe(0o600);
    const pem = await readFile(resolved.file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    await resolveSigningKeyFile({ integrity: settings(), dataDir, production: false });
    expect(await readFile(resolved.file, 'utf8')).toBe(pem);
    const signer = await logSigner({ integrity: settings(), dataDir });
    expect(signer.privateKey.asymmetricKeyType).toBe('ed25519');
  });

  it('in production, no key file is a configuration error naming INTEGRITY_SIGNING_KEY_FILE', async () => {
    const refused = resolveSigningKeyFile({ integrity: settings(), dataDir: folder, production: true });
    await expect(refused).rejects.toBeInstanceOf(ConfigurationError);
    await expect(refused).rejects.toMatchObject({ variable: 'INTEGRITY_SIGNING_KEY_FILE' });
  });

  it('a configured file is used as it is', async () => {
    const file = join(folder, 'configured.pem');
    await writeFile(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const resolved = await resolveSigningKeyFile({
      integrity: settings({ signingKeyFile: file }),
      dataDir: folder,
      production: true,
    });
    expect(resolved).toEqual({ file });
  });

  it.each([
    ['a missing file', 'missing.pem', undefined, /cannot be read \(ENOENT\)/],
    ['a file that is no PEM key', 'garbage.pem', 'not a key', /holds no PEM private key/],
    [
      'an RSA key',
      'rsa.pem',
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
      /holds a rsa key, not Ed25519/,
    ],
  ])('refuses %s, naming the variable', async (_, name, content, message) => {
    const file = join(folder, name);
    if (content !== undefined) await writeFile(file, content);
    const refused = logSigner({ integrity: settings({ signingKeyFile: file }), dataDir: folder });
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.toMatchObject({ variable: 'INTEGRITY_SIGNING_KEY_FILE' });
  });
});
