import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ApiClient } from '../support/api.js';
import { TEST_JWT_SECRET } from '../support/app.js';
import { isProcessAlive } from '../../src/infrastructure/persistence/embedded-postgres.js';
import { caseSteps } from '../support/case-steps.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';
import { ENGINE_ENTRY, type EngineProcess, spawnEngine } from '../support/engine-process.js';
import { waitFor } from '../support/wait-for.js';

/** The database URL a process connects with, named so that pg_stat_activity tells the processes apart. */
const urlFor = (database: TestDatabase, applicationName: string): string => {
  const url = new URL(database.url);
  url.searchParams.set('application_name', applicationName);
  return url.toString();
};

/** Each projection with the application name of the process whose worker holds it (null: nobody alive). */
async function lockHolders(db: pg.Client): Promise<Map<string, string | null>> {
  const { rows } = await db.query<{ name: string; holder: string | null }>(
    `SELECT s.name, a.application_name AS holder
     FROM projections.projection_state s
     LEFT JOIN pg_stat_activity a ON a.pid = s.worker_pid
     ORDER BY s.name`,
  );
  return new Map(rows.map((row) => [row.name, row.holder]));
}

/** Each projection's serving generation: its schema, checkpoint and the events it counted as applied. */
async function servingGenerations(
  db: pg.Client,
): Promise<Array<{ name: string; schema: string; checkpoint: string | null; applied: number }>> {
  const { rows } = await db.query<{
    name: string;
    schema: string;
    checkpoint: string | null;
    applied: string;
  }>(
    `SELECT s.name, g.schema_name AS schema, g.checkpoint, g.events_applied::text AS applied
     FROM projections.projection_state s
     JOIN projections.projection_generations g ON g.name = s.name AND g.generation = s.active_generation
     ORDER BY s.name`,
  );
  return rows.map((row) => ({ ...row, applied: Number(row.applied) }));
}

async function eventLog(db: pg.Client): Promise<{ count: number; last: string | null }> {
  const { rows } = await db.query<{ count: string; last: string | null }>(
    `SELECT (SELECT count(*) FROM event_store.events)::text AS count,
            (SELECT restore_epoch || '/' || transaction_id || '/' || global_position FROM event_store.events
             ORDER BY restore_epoch DESC, transaction_id DESC, global_position DESC LIMIT 1) AS last`,
  );
  return { count: Number(rows[0]!.count), last: rows[0]!.last };
}

/** Pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  let listed = '';
  try {
    listed = execFileSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when it lists none
  }
  return listed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

const listening = (engine: EngineProcess): number =>
  engine.output().match(/API cluster: API process \d+ listening/g)?.length ?? 0;

async function requestedCases(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ cases: string }>(
    `SELECT count(*)::text AS cases FROM event_store.events WHERE event_type = 'SecondOpinionRequested'`,
  );
  return Number(rows[0]!.cases);
}

/**
 * Process roles on one database: an API-role process serves commands and applies nothing; projector
 * processes apply; when the projector holding the projections' locks is killed under load, the
 * standby takes every projection over within 10 s, and each event ends up applied exactly once.
 */
describe('engine processes with roles on one database', () => {
  let database: TestDatabase;
  let db: pg.Client;
  const dataDirs: string[] = [];
  const engines: EngineProcess[] = [];

  const start = async (applicationName: string, env: Record<string, string>): Promise<EngineProcess> => {
    const dataDir = await mkdtemp(join(tmpdir(), 'engine-data-'));
    dataDirs.push(dataDir);
    const engine = await spawnEngine({
      DATABASE_URL: urlFor(database, applicationName),
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'warn',
      ...env,
    });
    engines.push(engine);
    return engine;
  };

  beforeAll(async () => {
    database = await createTestDatabase('e2e');
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    for (const engine of engines) if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
    await Promise.all(engines.map((engine) => engine.exited));
    await db?.end();
    for (const dataDir of dataDirs) await rm(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('refuses an unknown ENGINE_ROLE at start-up, naming the variable and the roles', async () => {
    const child = spawn(process.execPath, [ENGINE_ENTRY], {
      env: { PATH: process.env.PATH ?? '', ENGINE_ROLE: 'worker', DATABASE_URL: database.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(78);
    expect(stderr).toMatch(/ENGINE_ROLE.*must be one of all, api, projector, got "worker"/);
  }, 60_000);

  it('an API-role process alone records commands but applies none of them', async () => {
    const api = await start('engine-api', { ENGINE_ROLE: 'api' });
    const steps = caseSteps(() => new ApiClient(api.baseUrl));
    const caseId = await steps.requestCase();
    await steps.assign(caseId, 'rad-a');
    expect((await eventLog(db)).count).toBeGreaterThan(0);
    // A process that ran the projections would have created their bookkeeping rows before listening.
    const { rows } = await db.query<{ projections: string }>(
      `SELECT count(*)::text AS projections FROM projections.projection_state`,
    );
    expect(rows[0]!.projections).toBe('0');
    expect([...(await lockHolders(db)).values()].filter((holder) => holder !== null)).toEqual([]);
  }, 120_000);

  it('a projector serves only its probes and metrics', async () => {
    const projector = await start('projector-probes', { ENGINE_ROLE: 'projector' });
    expect((await fetch(`${projector.baseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${projector.baseUrl}/ready`)).status).toBe(200);
    const metrics = await fetch(`${projector.baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/projection_lag_events/);
    const refused = await fetch(`${projector.baseUrl}/api/v1/cases`);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ code: 'not-found' });
    projector.child.kill('SIGTERM');
    expect(await projector.exited).toBe(0);
  }, 120_000);

  it('when the projector holding the locks is killed under load, the standby takes over within 10 s and applies every event once', async () => {
    // projector-a takes every projection; projector-b, started after it, stands by.
    const first = await start('projector-a', { ENGINE_ROLE: 'projector' });
    const names = await waitFor(
      'projector-a to hold every projection',
      async () => {
        const holders = await lockHolders(db);
        return holders.size >= 5 && [...holders.values()].every((holder) => holder === 'projector-a')
          ? [...holders.keys()]
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    await start('projector-b', { ENGINE_ROLE: 'projector' });
    const api = await start('engine-api-2', { ENGINE_ROLE: 'api' });

    const requestedBefore = await requestedCases(db);
    // Commands keep coming through the API process from four clients until told to stop.
    let loading = true;
    let cases = 0;
    const client = (): Promise<void> =>
      (async () => {
        const steps = caseSteps(() => new ApiClient(api.baseUrl));
        while (loading) {
          const caseId = await steps.requestCase();
          await steps.assign(caseId, 'rad-a');
          cases += 1;
        }
      })();
    const load = Promise.all([client(), client(), client(), client()]);
    let takeoverMs: number | undefined;
    try {
      await waitFor('load under way', () => cases >= 20, { timeoutMs: 60_000, intervalMs: 20 });

      const killedAt = Date.now();
      first.child.kill('SIGKILL');
      await first.exited;
      await waitFor(
        'projector-b to hold every projection',
        async () => {
          const holders = await lockHolders(db);
          return names.every((name) => holders.get(name) === 'projector-b');
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      takeoverMs = Date.now() - killedAt;

      // The load goes on past the takeover, then stops; the standby catches up with the whole log.
      const casesAtTakeover = cases;
      await waitFor('more commands after the takeover', () => cases >= casesAtTakeover + 20, {
        timeoutMs: 60_000,
        intervalMs: 20,
      });
    } finally {
      // Also when a wait failed: the clients finish their request in flight and stop.
      loading = false;
      await load;
    }
    expect(takeoverMs).toBeLessThan(10_000);
    const log = await eventLog(db);
    await waitFor(
      'every projection to reach the last event',
      async () => (await servingGenerations(db)).every(({ checkpoint }) => checkpoint === log.last),
      { timeoutMs: 60_000, intervalMs: 100 },
    );

    // Exactly once: each generation counted every event once (a batch applied twice would count twice) …
    const generations = await servingGenerations(db);
    expect(generations.map(({ name }) => name).sort()).toEqual([...names].sort());
    for (const generation of generations) expect(generation).toMatchObject({ applied: log.count });
    // … the audit trail holds one row per event, and the worklist one row per case.
    const schemaOf = (name: string) => generations.find((generation) => generation.name === name)!.schema;
    const audit = await db.query<{ rows: string; distinct_events: string; missing: string }>(
      `SELECT count(*)::text AS rows, count(DISTINCT a.event_id)::text AS distinct_events,
              (SELECT count(*) FROM event_store.events e
               WHERE NOT EXISTS (SELECT 1 FROM "${schemaOf('audit-trail')}".audit_trail t WHERE t.event_id = e.event_id::text))::text AS missing
       FROM "${schemaOf('audit-trail')}".audit_trail a`,
    );
    expect(audit.rows[0]).toEqual({
      rows: String(log.count),
      distinct_events: String(log.count),
      missing: '0',
    });
    const worklist = await db.query<{ rows: string }>(
      `SELECT count(*)::text AS rows FROM "${schemaOf('worklist')}".worklist`,
    );
    const requested = await requestedCases(db);
    expect(Number(worklist.rows[0]!.rows)).toBe(requested);
    expect(requested).toBe(requestedBefore + cases);
  }, 240_000);

  it('ENGINE_API_PROCESSES=2 runs two API processes on one port, replaces one that dies, and stops both on SIGTERM', async () => {
    const cluster = await start('engine-api-cluster', { ENGINE_ROLE: 'api', ENGINE_API_PROCESSES: '2' });
    const primary = cluster.child.pid!;
    await waitFor('two API processes listening', () => listening(cluster) === 2, { timeoutMs: 60_000 });
    const [victim, survivor] = childrenOf(primary);
    expect(childrenOf(primary)).toHaveLength(2);
    const steps = caseSteps(() => new ApiClient(cluster.baseUrl));
    for (let index = 0; index < 4; index += 1) await steps.requestCase();

    process.kill(victim!, 'SIGKILL');
    await waitFor('a replacement API process listening', () => listening(cluster) === 3, {
      timeoutMs: 60_000,
    });
    const replaced = childrenOf(primary);
    expect(replaced).toHaveLength(2);
    expect(replaced).toContain(survivor);
    expect(replaced).not.toContain(victim);
    expect((await fetch(`${cluster.baseUrl}/health`)).status).toBe(200);
    await steps.requestCase();

    cluster.child.kill('SIGTERM');
    expect(await cluster.exited).toBe(0);
    // The primary exits only once its API processes have: none is left behind.
    expect(replaced.filter(isProcessAlive)).toEqual([]);
  }, 180_000);
});
