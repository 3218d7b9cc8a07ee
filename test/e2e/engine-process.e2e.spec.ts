import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnEngine } from '../support/engine-process.js';
import { isProcessAlive } from '../../src/infrastructure/persistence/embedded-postgres.js';

// `npm start` with no environment: embedded PostgreSQL, generated development secret.
describe('the engine process on its embedded default', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'engine-data-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves /health and /ready from the embedded database, warns about the development secret, and stops cleanly on SIGTERM', async () => {
    const engine = await spawnEngine({ DATA_DIR: dataDir });
    const ready = await fetch(`${engine.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { eventStore: 'up', readModels: 'up' } });
    expect(existsSync(join(dataDir, 'dev-jwt-secret'))).toBe(true);
    expect(engine.output()).toMatch(/Neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set/);
    // Tokens and query strings (which may hold patient references) never reach the log.
    const logged = await fetch(`${engine.baseUrl}/ready?patientRef=PATIENT-SECRET-42`, {
      headers: { authorization: 'Bearer TOKEN-SECRET-42' },
    });
    expect(logged.status).toBe(200);
    const postmasterPid = Number(
      readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    expect(isProcessAlive(postmasterPid)).toBe(true);

    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);
    expect(engine.output()).toMatch(/SIGTERM received/);
    expect(engine.output()).toMatch(/"url":"\/ready"/);
    expect(engine.output()).not.toMatch(/PATIENT-SECRET-42|TOKEN-SECRET-42/);
    expect(isProcessAlive(postmasterPid)).toBe(false); // the embedded database was stopped, not orphaned
  }, 120_000);

  it('after a SIGKILL, the next start stops the orphaned embedded database and serves again', async () => {
    const first = await spawnEngine({ DATA_DIR: dataDir });
    const orphanPid = Number(
      readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isProcessAlive(orphanPid)).toBe(true); // SIGKILL leaves postgres behind

    const second = await spawnEngine({ DATA_DIR: dataDir });
    expect(second.output()).toMatch(/orphaned embedded PostgreSQL/);
    expect(isProcessAlive(orphanPid)).toBe(false);
    expect((await fetch(`${second.baseUrl}/ready`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);

  // The wait is long only because a loaded machine can take over 10 s to load the engine's modules;
  // the engine refuses as soon as it reads the configuration.
  it('refuses invalid configuration with a message naming the variable', async () => {
    await expect(spawnEngine({ DATA_DIR: dataDir, EVENT_STORE: 'mongodb' }, 60_000)).rejects.toThrow(
      /Invalid configuration: EVENT_STORE must be one of postgres, kurrentdb/,
    );
  }, 90_000);
});
