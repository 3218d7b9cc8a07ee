import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { ApiClient, MEDICO_LEGAL } from '../support/api.js';
import { caseSteps } from '../support/case-steps.js';
import { runTool } from '../support/engine-process.js';
import { EVENT_TABLE, asSuperuser, setEventField } from '../support/superuser.js';
import { waitFor } from '../support/wait-for.js';

/** The compiled CLI behind `npm run verify`; `npm test` builds it (tsc) before jest runs. */

interface Integrity {
  verified: boolean;
  firstBrokenRevision?: number;
  reason?: string;
}

const runVerify = (args: string[], env: Record<string, string>) => runTool('verify.js', args, env);

/**
 * `--all` finds streams in the global log, which shows a transaction only once every older one in
 * the cluster has ended (event-store.md); another suite's open transaction may hold it back a while.
 */
async function untilTheLogShows(databaseUrl: string, streamIds: string[], timeoutMs = 30_000): Promise<void> {
  const store = new PostgresEventStore(databaseUrl, { maxConnections: 1 });
  try {
    await waitFor(
      `the global log to show ${streamIds.join(', ')}`,
      async () => {
        const seen = new Set((await store.readAll({ maxCount: 10_000 })).map((event) => event.streamId));
        return streamIds.every((id) => seen.has(id));
      },
      { timeoutMs, intervalMs: 100 },
    );
  } finally {
    await store.close();
  }
}

describe('tamper evidence: the history endpoint and `npm run verify` name the first broken revision', () => {
  let running: RunningApp;
  let api: ApiClient;
  let env: Record<string, string>;
  const cases: Record<'altered' | 'intact' | 'gap', string> = { altered: '', intact: '', gap: '' };

  const { caseWithOpinion } = caseSteps(() => api);
  /** Request, two primaries, rad-a reads and submits: revisions 0–4, the opinion at 4. */
  const caseWithAnOpinion = async (): Promise<string> =>
    (await caseWithOpinion({ impression: 'Non-displaced scaphoid waist fracture.' })).caseId;

  const integrityOf = async (caseId: string, query = ''): Promise<Integrity> => {
    const response = await api.get<{ integrity: Integrity }>(
      `/api/v1/cases/${caseId}/history${query}`,
      MEDICO_LEGAL,
    );
    expect(response.status).toBe(200);
    return response.body.integrity;
  };

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    env = { DATABASE_URL: running.database.url, EVENT_STORE: 'postgres' };
    cases.altered = await caseWithAnOpinion();
    cases.intact = await caseWithAnOpinion();
    cases.gap = await caseWithAnOpinion();
    await untilTheLogShows(
      running.database.url,
      Object.values(cases).map((caseId) => `case-${caseId}`),
    );
  }, 60_000);
  afterAll(async () => running.close());

  it('on an untampered database every chain verifies and the CLI exits 0', async () => {
    for (const caseId of Object.values(cases)) {
      expect(await integrityOf(caseId)).toMatchObject({ verified: true });
    }
    const all = await runVerify(['--all'], env);
    expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 0, stderr: '' });
    expect(all.stdout).toContain('Verified 3 case streams: 3 intact, 0 broken.');
    expect(all.stdout).not.toContain('BROKEN');
    const one = await runVerify([cases.intact], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`ok      case-${cases.intact}: 5 events, chain intact`);
  });

  it('an event altered in place (trigger switched off by a superuser) is reported at its revision', async () => {
    // Replayed and verified just before: what the engine derived from the event then does not vouch for it after.
    expect(await integrityOf(cases.altered)).toMatchObject({ verified: true });
    expect(await integrityOf(cases.altered, '?revision=2')).toMatchObject({ verified: true });
    const altered = await asSuperuser(running.database.url, [EVENT_TABLE], (sql) =>
      setEventField(sql, { streamId: `case-${cases.altered}`, revision: 4 }, 'impression', 'No fracture.'),
    );
    expect(altered).toBe(1);
    expect(await integrityOf(cases.altered)).toMatchObject({
      verified: false,
      firstBrokenRevision: 4,
      reason: 'hash-mismatch',
    });
    // The whole stream is verified whatever point in time is asked for.
    expect(await integrityOf(cases.altered, '?revision=2')).toMatchObject({
      verified: false,
      firstBrokenRevision: 4,
    });
    expect(await integrityOf(cases.intact)).toEqual(expect.objectContaining({ verified: true }));
    // The trigger is back on: the production guard still holds.
    const sql = new pg.Client({ connectionString: running.database.url });
    await sql.connect();
    try {
      await expect(sql.query('DELETE FROM event_store.events')).rejects.toMatchObject({ code: 'ES003' });
    } finally {
      await sql.end();
    }
  });

  it('a deleted event is reported as the missing revision', async () => {
    const deleted = await asSuperuser(running.database.url, [EVENT_TABLE], async (sql) => {
      const { rowCount } = await sql.query(
        `DELETE FROM ${EVENT_TABLE} WHERE stream_id = $1 AND stream_revision = 2`,
        [`case-${cases.gap}`],
      );
      return rowCount;
    });
    expect(deleted).toBe(1);
    expect(await integrityOf(cases.gap)).toMatchObject({
      verified: false,
      firstBrokenRevision: 2,
      reason: 'missing-revision',
    });
  });

  it('`verify --all` names every broken case with its first broken revision and exits 1', async () => {
    const all = await runVerify(['--all'], env);
    expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 1, stderr: '' });
    expect(all.stdout).toContain(
      `BROKEN  case-${cases.altered}: first broken revision 4: revision 4 does not match its hash (it was altered)`,
    );
    expect(all.stdout).toContain(
      `BROKEN  case-${cases.gap}: first broken revision 2: revision 2 is missing or out of order`,
    );
    expect(all.stdout).not.toContain(cases.intact);
    expect(all.stdout).toContain('Verified 3 case streams: 1 intact, 2 broken.');
  });

  it('`verify <caseId>…` answers for the named cases: 1 when one is broken, 0 when all are intact, 2 for an unknown case', async () => {
    const mixed = await runVerify([cases.intact, cases.altered], env);
    expect(mixed.code).toBe(1);
    expect(mixed.stdout).toContain(`ok      case-${cases.intact}`);
    expect(mixed.stdout).toContain(`BROKEN  case-${cases.altered}: first broken revision 4`);
    expect((await runVerify([`case-${cases.intact}`], env)).code).toBe(0);
    const unknown = await runVerify([randomUUID()], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no such case stream/);
  });

  it('without a database to read it explains what to set and exits 2', async () => {
    const result = await runVerify(['--all'], { DATA_DIR: resolve('.no-such-data-dir') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /No DATABASE_URL, and no embedded database under .*\.no-such-data-dir\/postgres/,
    );
  });
});
