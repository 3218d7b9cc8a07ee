import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { ApiClient, INTEGRATOR } from '../support/api.js';
import { startTestApp } from '../support/app.js';
import { caseSteps } from '../support/case-steps.js';
import { createTestDatabase } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { HttpWebhookSender } from '../../src/infrastructure/webhooks/delivery/http-webhook-sender.js';
import { type ResolveHost, resolveDeliveryAddress } from '../../src/infrastructure/webhooks/url-guard.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('a test secret of thirty-two bytes!').toString('base64')}`;
const BODY = JSON.stringify({ type: 'case.CaseClosed', timestamp: '2026-12-07T10:00:00.000Z', data: {} });

/**
 * The server-side request forgery guard at delivery time: the sender resolves the URL's host
 * through resolveDeliveryAddress at every attempt and connects to exactly the address it checked.
 * A name is resolved here by a table (what DNS would answer at that moment), so a rebinding to a
 * private address after registration can be played without touching the machine's resolver.
 */
describe('webhook delivery to a resolved address', () => {
  let receiver: WebhookReceiver;
  let dns: Record<string, string>;
  const resolveHost: ResolveHost = async (hostname) => {
    const address = dns[hostname];
    if (!address) throw new Error(`${hostname} does not resolve`);
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  const sender = new HttpWebhookSender((url) =>
    resolveDeliveryAddress(url, { allowLoopback: true }, resolveHost),
  );
  const send = (url: string) =>
    sender.send({
      url,
      webhookId: 'msg_test',
      body: BODY,
      secrets: [SECRET],
      timeoutMs: 2000,
      signal: new AbortController().signal,
    });

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    sender.close();
    await receiver.close();
  });

  it('connects to the checked address and keeps the URL host as Host; a signed Standard Webhooks request', async () => {
    dns = { 'receiver.example.test': '127.0.0.1' };
    const response = await send(`http://receiver.example.test:${receiver.port}/hooks`);
    expect(response).toMatchObject({ status: 200 });
    const [received] = receiver.received;
    expect(received!.headers.host).toBe(`receiver.example.test:${receiver.port}`);
    expect(received!.headers['webhook-id']).toBe('msg_test');
    expect(new Webhook(SECRET).verify(received!.body, received!.headers)).toEqual(JSON.parse(BODY));
  });

  it.each([
    ['a private address', '10.0.0.7'],
    ['a link-local address (cloud metadata)', '169.254.169.254'],
    ['an IPv6 unique-local address', 'fd00::1'],
  ])('refuses, at delivery, a host that now resolves to %s, and sends nothing', async (_what, address) => {
    dns = { 'receiver.example.test': address };
    const before = receiver.received.length;
    const response = await send(`http://receiver.example.test:${receiver.port}/hooks`);
    expect(response.status).toBeUndefined();
    expect(response.error).toMatch(/^address refused: .*refused/);
    expect(receiver.received.length).toBe(before);
  });

  it('counts no answer within the time-out as a failure', async () => {
    dns = { 'receiver.example.test': '127.0.0.1' };
    receiver.answer = () => 'hold';
    const response = await sender.send({
      url: `http://receiver.example.test:${receiver.port}/hooks`,
      webhookId: 'msg_test',
      body: BODY,
      secrets: [SECRET],
      timeoutMs: 300,
      signal: new AbortController().signal,
    });
    expect(response.status).toBeUndefined();
    expect(response.error).toBe('no answer within 300 ms');
    expect(response.durationMs).toBeGreaterThanOrEqual(250);
    receiver.release();
  });

  it('the delivery worker refuses, at every attempt, an address the guard no longer allows, and logs why', async () => {
    receiver.answer = () => ({ status: 200 });
    const receivedBefore = receiver.received.length;
    const database = await createTestDatabase('e2e');
    try {
      // Registered where loopback receivers are allowed …
      const permissive = await startTestApp({ WEBHOOKS_ALLOW_LOOPBACK: 'true' }, { database });
      let api = new ApiClient(permissive.baseUrl);
      const registered = await api.post(
        '/api/v1/webhooks/endpoints',
        { url: receiver.url('/refused'), eventTypes: ['*'] },
        INTEGRATOR,
      );
      expect(registered.status).toBe(201);
      const endpointId = String(registered.body.endpointId);
      await permissive.close();
      // … delivered by an instance where they are not: the resolved 127.0.0.1 is refused.
      const strict = await startTestApp(
        { WEBHOOKS_RETRY_BASE_MS: '50', WEBHOOKS_RETRY_CAP_MS: '100', WEBHOOKS_SCAN_INTERVAL_MS: '100' },
        { database },
      );
      try {
        api = new ApiClient(strict.baseUrl);
        await caseSteps(() => api).requestCase();
        const refused = await waitFor('two refused attempts in the delivery log', async () => {
          const response = await api.get<{ items: Array<{ error?: string; delivered: boolean }> }>(
            `/api/v1/webhooks/endpoints/${endpointId}/deliveries`,
            INTEGRATOR,
          );
          return response.body.items.length >= 2 ? response.body.items : undefined;
        });
        for (const attempt of refused) {
          expect(attempt.delivered).toBe(false);
          // Plain http to 127.0.0.1: allowed only with WEBHOOKS_ALLOW_LOOPBACK.
          expect(attempt.error).toMatch(
            /^address refused: The webhook URL http:\/\/127\.0\.0\.1:\d+\/refused is refused: /,
          );
        }
        // Nothing reached the receiver.
        expect(receiver.received.length).toBe(receivedBefore);
      } finally {
        await strict.close();
      }
    } finally {
      await database.drop();
    }
  }, 60_000);
});
