import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { ADMIN, ApiClient, type Caller, COORDINATOR, INTEGRATOR, radiologist } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import { waitFor } from '../support/wait-for.js';
import { type ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver.js';

// Short settings so that retries, time-outs and disabling happen within seconds.
const TIMEOUT_MS = 2500;
const DISABLE_AFTER_SECONDS = 6;
const SETTINGS = {
  WEBHOOKS_ALLOW_LOOPBACK: 'true',
  WEBHOOKS_DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS),
  WEBHOOKS_RETRY_BASE_MS: '50',
  WEBHOOKS_RETRY_CAP_MS: '400',
  WEBHOOKS_DISABLE_AFTER_SECONDS: String(DISABLE_AFTER_SECONDS),
  WEBHOOKS_SCAN_INTERVAL_MS: '100',
};

interface Registered {
  endpointId: string;
  secret: string;
}

interface Delivery {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  attempt: number;
  trigger: string;
  statusCode?: number;
  error?: string;
  delivered: boolean;
  nextAttemptAt?: string;
}

describe('webhook delivery', () => {
  let running: RunningApp;
  let api: ApiClient;
  const receivers: WebhookReceiver[] = [];
  const steps = caseSteps(() => api);

  const receiver = async (): Promise<WebhookReceiver> => {
    const started = await WebhookReceiver.start();
    receivers.push(started);
    return started;
  };

  const register = async (body: Record<string, unknown>, as = INTEGRATOR): Promise<Registered> => {
    const response = await api.post('/api/v1/webhooks/endpoints', body, as);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
    return { endpointId: String(response.body.endpointId), secret: String(response.body.secret) };
  };

  const deliveries = async (endpointId: string, as = INTEGRATOR): Promise<Delivery[]> => {
    const response = await api.get<{ items: Delivery[] }>(
      `/api/v1/webhooks/endpoints/${endpointId}/deliveries`,
      as,
    );
    expect(response.status).toBe(200);
    return response.body.items;
  };

  const redeliver = (endpointId: string, deliveryId: string, as: Caller = INTEGRATOR) =>
    api.request<Delivery>(
      'POST',
      `/api/v1/webhooks/endpoints/${endpointId}/deliveries/${deliveryId}/redeliver`,
      { as },
    );

  const ofCase = (receiver: WebhookReceiver, caseId: string): ReceivedWebhook[] =>
    receiver.received.filter(({ payload }) => payload.data.caseId === caseId);

  beforeAll(async () => {
    running = await startTestApp(SETTINGS);
    api = new ApiClient(running.baseUrl);
  });

  afterAll(async () => {
    await running?.close();
    await Promise.all(receivers.map((started) => started.close()));
  });

  it('delivers every subscribed event in log order, signed, with a thin payload and a stable webhook-id', async () => {
    const hooks = await receiver();
    const { endpointId, secret } = await register({ url: hooks.url(), eventTypes: ['*'] });
    const cases = [await steps.requestCase(), await steps.requestCase(), await steps.requestCase()];
    // Interleave the cases' events in the log.
    for (const reader of ['rad-a', 'rad-b']) {
      for (const caseId of cases) await steps.assign(caseId, reader);
    }
    const expected = new Map<string, number>();
    for (const caseId of cases) expected.set(caseId, (await steps.history(caseId)).events.length);
    await hooks.waitUntil('every event of the three cases', () =>
      cases.every((caseId) => ofCase(hooks, caseId).length === expected.get(caseId)),
    );

    const verifier = new Webhook(secret);
    for (const caseId of cases) {
      const received = ofCase(hooks, caseId);
      // In order per case: revisions 0, 1, 2, … exactly once each.
      expect(received.map(({ payload }) => payload.data.revision)).toEqual([
        ...Array(expected.get(caseId)).keys(),
      ]);
      for (const { body, headers, payload } of received) {
        expect(verifier.verify(body, headers)).toEqual(payload);
        expect(headers['content-type']).toBe('application/json');
        expect(payload.type).toBe(`case.${payload.data.eventType}`);
        // Thin: where the event is, never what it says.
        expect(Object.keys(payload.data).sort()).toEqual(
          ['caseId', 'eventId', 'eventType', 'occurredAt', 'position', 'revision'].sort(),
        );
        expect(body).not.toMatch(/Scaphoid|pt-001|rad-a|rad-b|St\. Elsewhere/);
      }
    }
    // One webhook-id per event, and the log's order across cases (positions as the store gave them).
    const all = hooks.received.filter(({ payload }) => cases.includes(payload.data.caseId));
    expect(new Set(all.map(({ headers }) => headers['webhook-id'])).size).toBe(all.length);
    const log = await deliveries(endpointId);
    expect(log.filter(({ delivered }) => delivered)).toHaveLength(all.length);
  }, 60_000);

  it('retries after a 500 and a time-out with the same webhook-id, honours Retry-After, logs every attempt, and redelivers by hand', async () => {
    const hooks = await receiver();
    hooks.answer = (_request, index) =>
      [
        { status: 500 },
        { status: 200, delayMs: TIMEOUT_MS + 500 }, // answered too late: a time-out
        { status: 429, headers: { 'retry-after': '1' } },
      ][index] ?? { status: 200 };
    const caseId = await steps.requestCase();
    const { endpointId, secret } = await register({
      url: hooks.url(),
      eventTypes: ['*'],
      caseId,
    });
    await steps.assign(caseId, 'rad-a');
    await hooks.waitUntil(
      'the assignment acknowledged after three failures',
      () => hooks.delivered.length === 1,
    );

    const attempts = hooks.received;
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map(({ headers }) => headers['webhook-id'])).size).toBe(1);
    for (const { body, headers } of attempts)
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    // The backoff is capped at 400 ms here: a wait of a second is the receiver's Retry-After.
    expect(attempts[3]!.receivedAt - attempts[2]!.receivedAt).toBeGreaterThanOrEqual(950);

    const log = await waitFor('four logged attempts', async () => {
      const items = await deliveries(endpointId);
      return items.length >= 4 ? items : undefined;
    });
    expect(log.map(({ attempt, delivered, statusCode }) => ({ attempt, delivered, statusCode }))).toEqual([
      { attempt: 4, delivered: true, statusCode: 200 },
      { attempt: 3, delivered: false, statusCode: 429 },
      { attempt: 2, delivered: false, statusCode: undefined },
      { attempt: 1, delivered: false, statusCode: 500 },
    ]);
    expect(log[2]!.error).toMatch(/no answer within/);
    expect(log.slice(1).every(({ nextAttemptAt }) => nextAttemptAt !== undefined)).toBe(true);
    expect(log[0]!.nextAttemptAt).toBeUndefined();

    // Manual redelivery: the same webhook-id again, logged as a manual attempt.
    const redelivered = await redeliver(endpointId, log[3]!.deliveryId);
    expect(redelivered.status).toBe(201);
    expect(redelivered.body).toMatchObject({
      attempt: 5,
      trigger: 'manual',
      delivered: true,
      statusCode: 200,
    });
    expect(hooks.received).toHaveLength(5);
    expect(hooks.received[4]!.headers['webhook-id']).toBe(attempts[0]!.headers['webhook-id']);
    expect(hooks.received[4]!.body).toBe(attempts[0]!.body);
    expect((await deliveries(endpointId))[0]).toMatchObject({ trigger: 'manual', attempt: 5 });

    // Integrators see their own endpoints only; admins every one; other roles none.
    const other = { sub: 'ris-2', roles: ['integrator'] };
    expect((await api.get(`/api/v1/webhooks/endpoints/${endpointId}/deliveries`, other)).status).toBe(404);
    expect((await redeliver(endpointId, log[3]!.deliveryId, other)).status).toBe(404);
    expect((await api.get(`/api/v1/webhooks/endpoints/${endpointId}/deliveries`, ADMIN)).status).toBe(200);
    expect((await api.get(`/api/v1/webhooks/endpoints/${endpointId}/deliveries`, COORDINATOR)).status).toBe(
      403,
    );
    expect(
      (
        await api.get(
          `/api/v1/webhooks/endpoints/${endpointId}/deliveries?limit=0`,
          INTEGRATOR,
          {},
          {
            invalidOnPurpose: true,
          },
        )
      ).status,
    ).toBe(400);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await redeliver(endpointId, unknown)).status).toBe(404);
  }, 60_000);

  it('pages the delivery log newest first', async () => {
    const hooks = await receiver();
    const { endpointId } = await register({ url: hooks.url(), eventTypes: ['SecondOpinionRequested'] });
    for (let count = 0; count < 3; count++) await steps.requestCase();
    await hooks.waitUntil('three requests', () => hooks.delivered.length === 3);
    const first = await api.get<{ items: Delivery[]; nextCursor?: string }>(
      `/api/v1/webhooks/endpoints/${endpointId}/deliveries?limit=2`,
      INTEGRATOR,
    );
    expect(first.body.items).toHaveLength(2);
    const second = await api.get<{ items: Delivery[]; nextCursor?: string }>(
      `/api/v1/webhooks/endpoints/${endpointId}/deliveries?limit=2&cursor=${first.body.nextCursor}`,
      INTEGRATOR,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    const order = [...first.body.items, ...second.body.items].map(({ eventId }) => eventId);
    expect(order).toEqual(hooks.received.map(({ payload }) => payload.data.eventId).reverse());
  }, 60_000);

  it('keeps a fast receiver and the command path unaffected by a slow receiver', async () => {
    const slow = await receiver();
    slow.answer = () => ({ status: 200, delayMs: 2000 });
    const fast = await receiver();
    await register({ url: slow.url(), eventTypes: ['SecondOpinionRequested'] });
    await register({ url: fast.url(), eventTypes: ['SecondOpinionRequested'] });
    // The slow receiver holds each delivery two seconds.
    const latencies: number[] = [];
    const cases: string[] = [];
    for (let count = 0; count < 4; count++) {
      const started = performance.now();
      cases.push(await steps.requestCase());
      latencies.push(performance.now() - started);
    }
    await fast.waitUntil('all four events at the fast receiver', () => fast.delivered.length === 4, 5000);
    // The slow receiver has not answered more than two of them by then.
    expect(slow.delivered.length).toBeLessThanOrEqual(2);
    expect(Math.max(...latencies)).toBeLessThan(1500);
    await slow.waitUntil(
      'all four at the slow receiver, in order',
      () => slow.delivered.length === 4,
      20_000,
    );
    // In the log's order at both.
    expect(fast.delivered.map(({ payload }) => payload.data.caseId)).toEqual(cases);
    expect(slow.delivered.map(({ payload }) => payload.data.caseId)).toEqual(cases);
  }, 60_000);

  it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
    const hooks = await receiver();
    const caseId = await steps.requestCase();
    const { endpointId, secret: oldSecret } = await register({ url: hooks.url(), eventTypes: ['*'], caseId });
    const rotated = await api.post(
      `/api/v1/webhooks/endpoints/${endpointId}/rotate-secret`,
      // Long enough for the next delivery to fall inside it on a loaded machine (3 s was not).
      { overlapSeconds: 12 },
      INTEGRATOR,
    );
    expect(rotated.status).toBe(200);
    const newSecret = String(rotated.body.secret);
    const overlapEnds = Date.parse(
      (rotated.body.previousSecret as { validUntil: string } | undefined)?.validUntil ?? '',
    );
    expect(Number.isNaN(overlapEnds)).toBe(false);
    // The endpoints' list (a read model) shows the rotation too.
    await waitFor(
      'the rotation in the read model',
      async () => {
        const response = await api.get<{ items: Array<Record<string, unknown>> }>(
          '/api/v1/webhooks/endpoints',
          INTEGRATOR,
        );
        return response.body.items.find((item) => item.endpointId === endpointId)?.previousSecret;
      },
      { intervalMs: 200 },
    );
    await steps.assign(caseId, 'rad-a');
    await hooks.waitUntil('the assignment during the overlap', () => hooks.delivered.length === 1);
    const during = hooks.received[0]!;
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(during.body, during.headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(during.body, during.headers)).not.toThrow();

    expect(Date.now()).toBeLessThan(overlapEnds); // that delivery was made inside the overlap
    await new Promise((resolve) => setTimeout(resolve, overlapEnds - Date.now() + 500)); // the overlap ends
    await steps.assign(caseId, 'rad-b');
    await hooks.waitUntil('the assignment after the overlap', () => hooks.delivered.length === 2);
    const after = hooks.received[1]!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => new Webhook(newSecret).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(after.body, after.headers)).toThrow();
  }, 60_000);

  it('disables an endpoint that keeps failing (with its event), and resumes from its checkpoint when re-enabled', async () => {
    const hooks = await receiver();
    hooks.answer = () => ({ status: 500 });
    const caseId = await steps.requestCase();
    const { endpointId } = await register({ url: hooks.url(), eventTypes: ['*'], caseId });
    await steps.assign(caseId, 'rad-a');
    const disabled = await waitFor(
      'the endpoint disabled',
      async () => {
        const response = await api.get<{ items: Array<Record<string, unknown>> }>(
          '/api/v1/webhooks/endpoints',
          INTEGRATOR,
        );
        const endpoint = response.body.items.find((item) => item.endpointId === endpointId);
        return endpoint?.status === 'disabled' && endpoint.disabled ? endpoint : undefined;
      },
      { timeoutMs: (DISABLE_AFTER_SECONDS + 10) * 1000, intervalMs: 200 },
    );
    expect(disabled.disabled).toMatchObject({ reason: 'failing', lastError: 'HTTP 500' });
    const failingFor =
      Date.parse(String((disabled.disabled as { at: string }).at)) -
      Date.parse(String((disabled.disabled as { failingSince: string }).failingSince));
    expect(failingFor).toBeGreaterThanOrEqual(DISABLE_AFTER_SECONDS * 1000);
    const tried = hooks.received.length;
    await steps.assign(caseId, 'rad-b'); // recorded while the endpoint is disabled
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.received.length).toBe(tried); // its loop stopped

    hooks.answer = () => ({ status: 200 });
    const enabled = await api.request('POST', `/api/v1/webhooks/endpoints/${endpointId}/enable`, {
      as: INTEGRATOR,
    });
    expect(enabled.status).toBe(200);
    await hooks.waitUntil(
      'both events delivered after re-enabling',
      () => hooks.delivered.length === 2,
      20_000,
    );
    expect(hooks.delivered.map(({ payload }) => payload.data.revision)).toEqual([1, 2]);
  }, 60_000);

  it('with two instances on one database, each endpoint is delivered by one of them: every event once', async () => {
    const second = await startTestApp(SETTINGS, { database: running.database });
    try {
      const hooks = await receiver();
      await register({ url: hooks.url(), eventTypes: ['SecondOpinionRequested'] });
      const cases: string[] = [];
      for (let count = 0; count < 5; count++) cases.push(await steps.requestCase());
      await hooks.waitUntil('five requests', () => hooks.delivered.length === 5);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // time for a second deliverer, if there were one
      expect(hooks.received.map(({ payload }) => payload.data.caseId)).toEqual(cases);
      const metrics = await Promise.all(
        [running.baseUrl, second.baseUrl].map(async (base) => (await fetch(`${base}/metrics`)).text()),
      );
      const delivering = metrics.map((text) => Number(/^webhook_delivery_endpoints (\d+)$/m.exec(text)?.[1]));
      expect(delivering.every((count) => Number.isInteger(count))).toBe(true);
      expect(metrics.join('\n')).toMatch(
        /^webhook_delivery_attempts_total\{outcome="delivered",trigger="automatic"\} \d+/m,
      );
    } finally {
      await second.close();
    }
  }, 60_000);

  it('answers 404 for an endpoint that does not exist, 400 for a malformed id, and 403 to a radiologist', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await api.get(`/api/v1/webhooks/endpoints/${unknown}/deliveries`, INTEGRATOR)).status).toBe(404);
    const invalid = await api.get(
      `/api/v1/webhooks/endpoints/not-a-uuid/deliveries`,
      INTEGRATOR,
      {},
      {
        invalidOnPurpose: true,
      },
    );
    expect(invalid.status).toBe(400);
    expect(
      (await api.get(`/api/v1/webhooks/endpoints/${unknown}/deliveries`, radiologist('rad-a'))).status,
    ).toBe(403);
  });
});
