import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/engine-process.js';
import { isProcessAlive } from '../../src/infrastructure/persistence/embedded-postgres.js';

interface JestRun {
  code: number | null;
  output: string;
}

/** A jest of its own, as `npm run test:jest` starts it, running only the probe, with exactly this environment. */
async function runJest(config: string, env: Record<string, string>): Promise<JestRun> {
  const child = spawn(
    process.execPath,
    [
      '--experimental-vm-modules',
      resolve('node_modules/jest/bin/jest.js'),
      '-c',
      config,
      '--roots',
      resolve('test/cli/fixtures'),
      '--testMatch',
      '**/test-server.probe.ts',
      '--ci',
    ],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', (exitCode) => done(exitCode)));
  return { code, output };
}

/** What the probe saw of its server. */
const probeReport = (path: string): { adminUrl: string; dataDirectory: string; postmasterPid: number } =>
  JSON.parse(readFileSync(path, 'utf8')) as {
    adminUrl: string;
    dataDirectory: string;
    postmasterPid: number;
  };

/** The folder the run announced, read from its output. */
function announcedFolder(run: JestRun): string {
  const folder = /embedded PostgreSQL under (\S+), stopped when they end/.exec(run.output)?.[1];
  if (!folder) throw new Error(`the run announced no embedded PostgreSQL:\n${run.output}`);
  return folder;
}

/**
 * `npm test` without a PostgreSQL server: global setup starts the embedded one and global teardown
 * stops it. Nothing answers on a closed port here, standing in for a machine without a server on
 * 127.0.0.1:5432 (the machine's own server keeps running for the other suites); `fallback` makes
 * the closed TEST_ADMIN_DATABASE_URL behave as the unset default does.
 */
describe('the test run without a PostgreSQL server', () => {
  let scratch: string;
  let closedUrl: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'test-server-probe-'));
    closedUrl = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
  });
  afterAll(async () => rm(scratch, { recursive: true, force: true }));

  it('starts the embedded PostgreSQL, gives it to the tests, and stops it when they end', async () => {
    const report = join(scratch, 'main.json');
    const run = await runJest('jest.config.js', {
      TEST_ADMIN_DATABASE_URL: closedUrl,
      TEST_EMBEDDED_POSTGRES: 'fallback',
      PROBE_REPORT: report,
    });
    expect(run).toMatchObject({ code: 0 });
    expect(run.output).toMatch(new RegExp(`No PostgreSQL answers at ${new URL(closedUrl).host}`));
    const folder = announcedFolder(run);
    const seen = probeReport(report);
    expect(new URL(seen.adminUrl).port).not.toBe(new URL(closedUrl).port);
    expect(seen.dataDirectory).toBe(join(folder, 'postgres'));
    expect(isProcessAlive(seen.postmasterPid)).toBe(false); // stopped
    expect(existsSync(folder)).toBe(false); // and its folder removed
  }, 240_000);

  it('does the same for the serial suites, and stops the server when a test fails (the run still fails)', async () => {
    const report = join(scratch, 'serial.json');
    const run = await runJest('jest.serial.config.js', {
      TEST_ADMIN_DATABASE_URL: closedUrl,
      TEST_EMBEDDED_POSTGRES: 'fallback',
      PROBE_REPORT: report,
      PROBE_FAIL: 'yes',
    });
    expect(run).toMatchObject({ code: 1 });
    const folder = announcedFolder(run);
    const seen = probeReport(report);
    expect(seen.dataDirectory).toBe(join(folder, 'postgres'));
    expect(isProcessAlive(seen.postmasterPid)).toBe(false);
    expect(existsSync(folder)).toBe(false);
  }, 240_000);

  it('fails at once, naming the server and the way out, when TEST_ADMIN_DATABASE_URL names a server that does not answer', async () => {
    const run = await runJest('jest.config.js', {
      TEST_ADMIN_DATABASE_URL: closedUrl,
      PROBE_REPORT: join(scratch, 'never.json'),
    });
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(
      new RegExp(`Tests need PostgreSQL at ${closedUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    expect(run.output).toMatch(/TEST_EMBEDDED_POSTGRES=fallback/);
    expect(run.output).not.toMatch(/embedded PostgreSQL under/);
    expect(existsSync(join(scratch, 'never.json'))).toBe(false);
  }, 240_000);
});
