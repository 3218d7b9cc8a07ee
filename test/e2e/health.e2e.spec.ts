import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningApp, startTestApp } from '../support/app.js';
import { sendRaw } from '../support/raw-http.js';

describe('operations endpoints (HTTP)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => {
    await running.close();
  });

  it('GET /health answers without authentication', async () => {
    const response = await sendRaw(running.baseUrl, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
  });

  it('GET /ready reports the event store and the read-model database up', async () => {
    const response = await sendRaw(running.baseUrl, 'GET', '/ready');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      status: 'ready',
      checks: { eventStore: 'up', readModels: 'up' },
    });
  });

  it('an unknown route is a problem+json 404', async () => {
    const response = await sendRaw(running.baseUrl, 'GET', '/nowhere?patientRef=p-1', {
      invalidOnPurpose: true,
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.json).toMatchObject({ status: 404, code: 'not-found', instance: '/nowhere' });
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const document = await fetch(`${running.baseUrl}/openapi.json`);
    expect(document.status).toBe(200);
    expect(await document.json()).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      info: { version: '1' },
    });
    const ui = await fetch(`${running.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
