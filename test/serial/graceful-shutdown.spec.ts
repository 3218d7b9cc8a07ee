import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { MEDICO_LEGAL, COORDINATOR, secondOpinionRequest } from '../support/api.js';
import { TEST_JWT_SECRET, tokenFor } from '../support/app.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';
import { spawnEngine } from '../support/engine-process.js';

// Serial: it holds a lock (and so a transaction) open while a request waits on it.
describe('graceful shutdown', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('shutdown');
  });
  afterAll(async () => database.drop());

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const engine = await spawnEngine({
      DATABASE_URL: database.url,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
      SLA_WATCH_INTERVAL_MS: '0',
    });
    const coordinator = await tokenFor(COORDINATOR.sub, COORDINATOR.roles);
    const created = await fetch(`${engine.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'application/json' },
      body: JSON.stringify(secondOpinionRequest()),
    });
    const { caseId } = (await created.json()) as { caseId: string };

    // Hold the events table so that a read of the case has to wait.
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE event_store.events IN ACCESS EXCLUSIVE MODE');
    const legal = await tokenFor(MEDICO_LEGAL.sub, MEDICO_LEGAL.roles);
    const inFlight = fetch(`${engine.baseUrl}/api/v1/cases/${caseId}/history`, {
      headers: { authorization: `Bearer ${legal}` },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    engine.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(engine.child.exitCode).toBeNull(); // still draining
    await blocker.query('ROLLBACK');
    await blocker.end();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { events: unknown[] }).events).toHaveLength(1);
    const exitCode = await engine.exited;
    if (exitCode !== 0) process.stdout.write(engine.output());
    expect(exitCode).toBe(0);
    expect(engine.output()).toMatch(/SIGTERM received: finishing in-flight requests/);
  }, 60_000);
});
