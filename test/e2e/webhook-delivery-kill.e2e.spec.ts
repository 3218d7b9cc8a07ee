import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { ApiClient, INTEGRATOR } from '../support/api.js';
import { TEST_JWT_SECRET } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';
import { type EngineProcess, spawnEngine } from '../support/engine-process.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * At least once across a crash: the compiled engine is killed (SIGKILL) while the receiver holds a
 * delivery, and started again on the same database. Every event arrives and is acknowledged; an
 * event sent twice carries the same webhook-id both times; each case's events still arrive in order.
 */
describe('webhook delivery when the engine is killed mid-delivery', () => {
  let database: TestDatabase;
  let dataDir: string;
  let receiver: WebhookReceiver;
  const engines: EngineProcess[] = [];

  const start = async (): Promise<EngineProcess> => {
    const engine = await spawnEngine({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'warn',
      WEBHOOKS_ALLOW_LOOPBACK: 'true',
      WEBHOOKS_DELIVERY_TIMEOUT_MS: '30000',
      WEBHOOKS_RETRY_BASE_MS: '50',
      WEBHOOKS_RETRY_CAP_MS: '200',
      WEBHOOKS_SCAN_INTERVAL_MS: '100',
    });
    engines.push(engine);
    return engine;
  };

  beforeAll(async () => {
    database = await createTestDatabase('e2e');
    dataDir = await mkdtemp(join(tmpdir(), 'engine-data-'));
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    for (const engine of engines) if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
    await Promise.all(engines.map((engine) => engine.exited));
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('loses nothing, and a duplicate carries the same webhook-id', async () => {
    const first = await start();
    let api = new ApiClient(first.baseUrl);
    const steps = caseSteps(() => api);
    const registered = await api.post(
      '/api/v1/webhooks/endpoints',
      { url: receiver.url(), eventTypes: ['*'] },
      INTEGRATOR,
    );
    expect(registered.status).toBe(201);
    const secret = String(registered.body.secret);

    // The third request is held: the engine dies while it waits for the answer.
    receiver.answer = (_request, index) => (index === 2 ? 'hold' : { status: 200 });
    const cases = [await steps.requestCase(), await steps.requestCase()];
    for (const caseId of cases) await steps.assign(caseId, 'rad-a');
    await receiver.waitUntil('the held delivery', () => receiver.holding === 1);
    first.child.kill('SIGKILL');
    await first.exited;
    receiver.release(200); // the connection is gone: this answer reaches no one
    receiver.answer = () => ({ status: 200 });

    const second = await start();
    api = new ApiClient(second.baseUrl);
    const expected = new Set<string>();
    for (const caseId of cases) {
      for (const event of (await steps.history(caseId)).events) expected.add(event.eventId);
    }
    await receiver.waitUntil(
      'every event acknowledged after the restart',
      () =>
        expected.size > 0 &&
        [...expected].every((eventId) =>
          receiver.delivered.some(({ payload }) => payload.data.eventId === eventId),
        ),
      30_000,
    );

    const byEvent = new Map<string, Set<string>>();
    for (const { payload, headers, body } of receiver.received) {
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
      const ids = byEvent.get(payload.data.eventId) ?? new Set<string>();
      ids.add(headers['webhook-id']!);
      byEvent.set(payload.data.eventId, ids);
    }
    // A duplicate only ever with the same webhook-id.
    for (const ids of byEvent.values()) expect(ids.size).toBe(1);
    // The held one was sent again after the restart.
    expect(receiver.received.length).toBeGreaterThan(expected.size);
    // In order per case (first arrival of each event).
    for (const caseId of cases) {
      const seen: number[] = [];
      for (const { payload } of receiver.received) {
        if (payload.data.caseId === caseId && !seen.includes(payload.data.revision))
          seen.push(payload.data.revision);
      }
      expect(seen).toEqual([0, 1]);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
