// Blocks reads of event_store.events for a second; the app's projection workers may then sit in a
// transaction that holds back xmin for the whole cluster: runs alone (jest.serial.config.js).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type RunningApp, startTestApp } from '../support/app.js';
import { ApiClient, COORDINATOR, MEDICO_LEGAL, secondOpinionRequest } from '../support/api.js';

const PROBLEM = 'application/problem+json';

describe('request handler timeout (HTTP)', () => {
  let running: RunningApp;
  let api: ApiClient;
  beforeAll(async () => {
    running = await startTestApp({ REQUEST_HANDLER_TIMEOUT_MS: '1000' });
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => running.close());

  it('a request stuck on the event store is answered 503 problem+json timeout, and the engine serves on', async () => {
    const created = await api.post('/api/v1/cases', secondOpinionRequest(), COORDINATOR);
    expect(created.status).toBe(201);
    const path = `/api/v1/cases/${created.body.caseId as string}/history`;
    // Reads of the events table wait behind this lock (which takes no transaction id, so it holds back no reader).
    const blocker = new pg.Client({ connectionString: running.database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE event_store.events IN ACCESS EXCLUSIVE MODE');
      const startedAt = Date.now();
      const stuck = await api.get(path, MEDICO_LEGAL);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(stuck.status).toBe(503);
      expect(stuck.headers.get('content-type')).toContain(PROBLEM);
      expect(stuck.headers.get('retry-after')).toBe('5');
      expect(stuck.body).toMatchObject({ status: 503, code: 'timeout', instance: path });
      expect(stuck.text).not.toMatch(/at .*\.js:\d+/); // no stack trace
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const after = await api.get(path, MEDICO_LEGAL);
    expect(after.status).toBe(200);
  });
});
