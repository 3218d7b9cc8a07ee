import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, COORDINATOR, INTEGRATOR, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** `minutes` before now, to the second, as an integrator would send it. */
const minutesAgo = (minutes: number): string =>
  new Date(Math.floor((Date.now() - minutes * MINUTE) / 1000) * 1000).toISOString().replace('.000Z', 'Z');

// dueAt = occurredAt + the priority's SLA, unless occurredAt lies more than
// importedHistoryThresholdHours (1 hour by default) before the server's time: then null.
describe('dueAt of a second-opinion request (POST /api/v1/cases, default policy)', () => {
  let running: RunningApp;
  let api: ApiClient;

  beforeAll(async () => {
    running = await startTestApp({ SLA_WATCH_INTERVAL_MS: '0' });
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => running.close());

  /** Requests a case as the integrator (`occurredAt` when given); its dueAt as the case view shows it. */
  async function dueAtOf(priority: string, occurredAt?: string): Promise<unknown> {
    const created = await api.post(
      '/api/v1/cases',
      secondOpinionRequest({ priority, ...(occurredAt && { occurredAt }) }),
      INTEGRATOR,
    );
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    const view = await api.get(`/api/v1/cases/${created.body.caseId as string}`, COORDINATOR);
    expect(view.status).toBe(200);
    return view.body.dueAt;
  }

  it.each([
    ['routine', 72],
    ['urgent', 24],
    ['stat', 4],
  ])(
    'a %s request backfilled 59 minutes ago is due %i h after its occurredAt, not after it was sent',
    async (priority, slaHours) => {
      const occurredAt = minutesAgo(59);
      expect(await dueAtOf(priority, occurredAt)).toBe(
        new Date(Date.parse(occurredAt) + slaHours * HOUR).toISOString(),
      );
    },
  );

  it.each(['routine', 'stat'])(
    'a %s request backfilled 61 minutes ago is imported history: dueAt null',
    async (priority) => {
      expect(await dueAtOf(priority, minutesAgo(61))).toBeNull();
    },
  );

  it('a request backfilled three days ago has no due time either, although its SLA has long passed', async () => {
    expect(await dueAtOf('stat', minutesAgo(3 * 24 * 60))).toBeNull();
  });

  it('a request without occurredAt is due the SLA after the server received it', async () => {
    const before = Date.now();
    const dueAt = await dueAtOf('stat');
    const after = Date.now();
    expect(typeof dueAt).toBe('string');
    const due = Date.parse(dueAt as string);
    expect(due).toBeGreaterThanOrEqual(before + 4 * HOUR);
    expect(due).toBeLessThanOrEqual(after + 4 * HOUR);
  });

  it('the OpenAPI description of the request body’s occurredAt says so', async () => {
    const response = await fetch(`${running.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> };
    };
    const description =
      document.components.schemas.RequestSecondOpinionDto?.properties.occurredAt?.description;
    expect(description).toContain('dueAt = occurredAt + the SLA of the priority');
    expect(description).toContain(
      "when occurredAt lies more than importedHistoryThresholdHours (case policy, default 1 hour) before the server's time",
    );
    expect(description).toContain('dueAt is null and no SLA applies');
  });
});
