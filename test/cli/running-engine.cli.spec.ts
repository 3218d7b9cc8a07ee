import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  findEmbeddedPostgres,
  isProcessAlive,
} from '../../src/infrastructure/persistence/embedded-postgres.js';
import { type EngineProcess, runTool, spawnEngine } from '../support/engine-process.js';
import { generateReaderStudy } from '../reader-study/generated-study.js';

/** Polls /ready for as long as `work` runs: every answer, so one 503 in the middle is seen. */
async function readinessDuring<T>(
  baseUrl: string,
  work: Promise<T>,
): Promise<{ result: T; statuses: number[] }> {
  const statuses: number[] = [];
  let done = false;
  const polling = (async () => {
    while (!done) {
      statuses.push(
        await fetch(`${baseUrl}/ready`).then(
          (response) => response.status,
          () => 0,
        ),
      );
      await new Promise((next) => setTimeout(next, 100));
    }
  })();
  try {
    return { result: await work, statuses };
  } finally {
    done = true;
    await polling;
    statuses.push((await fetch(`${baseUrl}/ready`)).status);
  }
}

/**
 * The command-line tools beside `npm start` on its embedded database (no DATABASE_URL): each uses
 * the running engine's database and leaves it running; none takes it for an orphan and stops it.
 */
describe('command-line tools beside a running engine on the embedded database', () => {
  let dataDir: string;
  let studyFolder: string;
  let engine: EngineProcess;
  let postmasterPid: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'engine-tools-'));
    studyFolder = await mkdtemp(join(tmpdir(), 'engine-tools-study-'));
    generateReaderStudy(studyFolder, { studies: 6, seed: 7, readers: ['r1', 'r2', 'r3'] });
    engine = await spawnEngine({ DATA_DIR: dataDir }, 120_000);
    postmasterPid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  }, 150_000);

  afterAll(async () => {
    if (engine && engine.child.exitCode === null) {
      engine.child.kill('SIGTERM');
      await engine.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(studyFolder, { recursive: true, force: true });
  });

  const expectEngineUntouched = async (): Promise<void> => {
    expect(isProcessAlive(postmasterPid)).toBe(true);
    expect(Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])).toBe(
      postmasterPid,
    );
    expect((await fetch(`${engine.baseUrl}/ready`)).status).toBe(200);
  };

  it('`import:reader-study` writes into the running engine’s database; /ready answers 200 throughout', async () => {
    const { result, statuses } = await readinessDuring(
      engine.baseUrl,
      runTool('import-reader-study.js', [studyFolder, '--primaries', 'r1,r2', '--adjudicator', 'r3'], {
        DATA_DIR: dataDir,
      }),
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/Imported 6 of 6 studies/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/orphan|Starting the embedded/i);
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    await expectEngineUntouched();

    // The engine serves what the tool wrote: the same database, not one of the tool's own.
    const database = await findEmbeddedPostgres(dataDir);
    if (database.state !== 'running') throw new Error(`the engine's database is ${database.state}`);
    expect(database.owner).toEqual({
      kind: 'live',
      pid: engine.child.pid,
      command: expect.stringMatching(/dist\/src\/main\.js/),
    });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const streams = await client
      .query<{ stream_id: string }>("SELECT stream_id FROM event_store.streams WHERE stream_id LIKE 'case-%'")
      .finally(() => client.end());
    expect(streams.rows).toHaveLength(6);
    const caseId = streams.rows[0]!.stream_id.slice('case-'.length);
    const token = await runTool('token.js', ['--sub', 'ml-1', '--roles', 'medico-legal'], {
      DATA_DIR: dataDir,
    });
    expect(token).toMatchObject({ code: 0 });
    const history = await fetch(`${engine.baseUrl}/api/v1/cases/${caseId}/history`, {
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    });
    expect(history.status).toBe(200);
    expect(await history.json()).toMatchObject({ integrity: { verified: true } });
  }, 180_000);

  it('`verify --all` and `migrate:event-store` read and migrate the running engine’s database and leave it running', async () => {
    const verify = await readinessDuring(
      engine.baseUrl,
      runTool('verify.js', ['--all'], { DATA_DIR: dataDir }),
    );
    expect(verify.result).toMatchObject({ code: 0, stderr: '' });
    expect(verify.result.stdout).toMatch(/Verified 6 case streams: 6 intact, 0 broken\./);
    expect(verify.statuses.filter((status) => status !== 200)).toEqual([]);

    const migrate = await readinessDuring(
      engine.baseUrl,
      runTool('migrate-event-store.js', [], { DATA_DIR: dataDir }),
    );
    expect(migrate.result).toMatchObject({
      code: 0,
      stdout: 'The event store schema is up to date.\n',
    });
    expect(migrate.result.stderr).not.toMatch(/orphan|Starting the embedded/i);
    expect(migrate.statuses.filter((status) => status !== 200)).toEqual([]);
    await expectEngineUntouched();
  }, 120_000);

  it('a second engine on the same DATA_DIR refuses to start, naming the live owner, and leaves the first serving', async () => {
    await expect(spawnEngine({ DATA_DIR: dataDir }, 60_000)).rejects.toThrow(
      new RegExp(`is run by another live process, pid ${engine.child.pid}`),
    );
    await expectEngineUntouched();
  }, 90_000);

  it('with the engine stopped, a tool starts the embedded database for its run and stops it again', async () => {
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);
    expect(isProcessAlive(postmasterPid)).toBe(false);

    const verify = await runTool('verify.js', ['--all'], { DATA_DIR: dataDir });
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stderr).toMatch(/Starting the embedded database under .* for this run/);
    expect(verify.stdout).toMatch(/Verified 6 case streams: 6 intact, 0 broken\./);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 90_000);
});
