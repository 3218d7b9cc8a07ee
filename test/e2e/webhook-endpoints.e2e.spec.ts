import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { WEBHOOK_SECRETS, type WebhookSecrets } from '../../src/application/webhook/webhook-secrets.port.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { ADMIN, ApiClient, COORDINATOR, INTEGRATOR, type Caller } from '../support/api.js';
import { expectProblem } from '../support/problem.js';
import { waitFor } from '../support/wait-for.js';

type Json = Record<string, unknown>;

interface Endpoint {
  endpointId: string;
  url: string;
  eventTypes: string[];
  caseId?: string;
  description?: string;
  status: string;
  owner: string;
  secretId: string;
  secretFingerprint: string;
  previousSecret?: { secretId: string; validUntil: string };
  revision: number;
  secret?: string;
}

const ENDPOINTS = '/api/v1/webhooks/endpoints';
const OTHER_INTEGRATOR: Caller = { sub: 'ris-2', roles: ['integrator'], name: 'Other RIS' };
const RECEIVER = 'http://127.0.0.1:9/hooks/second-opinion';
const CASE_ID = '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e';
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
/** Read models follow within moments, but a loaded machine (tests run beside others) may take longer. */
const READ_MODEL = { timeoutMs: 20_000 };

/** Webhook subscriptions over HTTP: every route, its roles, ownership, the secret shown once. */
describe('webhook endpoints', () => {
  let running: RunningApp;
  let api: ApiClient;
  let database: pg.Client;

  beforeAll(async () => {
    running = await startTestApp({ WEBHOOKS_ALLOW_LOOPBACK: 'true' });
    api = new ApiClient(running.baseUrl);
    database = new pg.Client({ connectionString: running.database.url });
    await database.connect();
  });

  afterAll(async () => {
    await database?.end();
    await running?.close();
  });

  const register = (body: Json, as: Caller = INTEGRATOR) => api.post<Endpoint>(ENDPOINTS, body, as);
  const registered = async (body: Json = {}, as: Caller = INTEGRATOR): Promise<Endpoint> => {
    const answer = await register({ url: RECEIVER, eventTypes: ['ConsensusReached'], ...body }, as);
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const one = (id: string, as: Caller = INTEGRATOR) => api.get<Endpoint>(`${ENDPOINTS}/${id}`, as);
  const patch = (id: string, body: Json, as: Caller = INTEGRATOR, headers: Record<string, string> = {}) =>
    api.request<Endpoint>('PATCH', `${ENDPOINTS}/${id}`, { as, body, headers });
  const action = (id: string, what: string, as: Caller = INTEGRATOR, body?: Json, headers = {}) =>
    api.request<Endpoint>('POST', `${ENDPOINTS}/${id}/${what}`, { as, headers, ...(body && { body }) });
  const listed = async (as: Caller) =>
    (await api.get<{ items: Endpoint[] }>(ENDPOINTS, as)).body.items.map((item) => item.endpointId);
  const streamTypes = async (id: string): Promise<Array<{ type: string; data: Json; metadata: Json }>> =>
    (
      await database.query(
        `SELECT event_type AS type, data, metadata FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision`,
        [`webhook-endpoint-${id}`],
      )
    ).rows;

  it('registers an endpoint: 201, Location, ETag, the secret once; the event names the secret by id only', async () => {
    const answer = await register({
      url: RECEIVER,
      eventTypes: ['ConsensusReached', 'CaseClosed'],
      caseId: CASE_ID,
      description: 'RIS consensus feed',
    });
    expect(answer.status).toBe(201);
    const endpoint = answer.body;
    expect(endpoint).toEqual({
      endpointId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: RECEIVER,
      eventTypes: ['ConsensusReached', 'CaseClosed'],
      caseId: CASE_ID,
      description: 'RIS consensus feed',
      status: 'enabled',
      owner: INTEGRATOR.sub,
      secretId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      secretFingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      revision: 0,
      secret: expect.stringMatching(SECRET),
    });
    expect(answer.headers.get('location')).toBe(`${ENDPOINTS}/${endpoint.endpointId}`);
    expect(answer.headers.get('etag')).toBe('"0"');
    expect(answer.headers.get('cache-control')).toBe('no-store');

    // Never again: not in GET, nor in the list, nor in the log.
    const again = await one(endpoint.endpointId);
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe('"0"');
    expect(again.body).toEqual({ ...endpoint, secret: undefined });
    expect(again.text).not.toContain(endpoint.secret!);
    const list = await waitFor(
      'the endpoint in the list',
      async () => {
        const page = await api.get<{ items: Endpoint[] }>(ENDPOINTS, INTEGRATOR);
        return page.body.items.some((item) => item.endpointId === endpoint.endpointId) ? page : undefined;
      },
      READ_MODEL,
    );
    expect(list.text).not.toContain(endpoint.secret!);
    const [event, ...more] = await streamTypes(endpoint.endpointId);
    expect(more).toEqual([]);
    expect(event).toEqual(
      expect.objectContaining({
        type: 'WebhookEndpointRegistered',
        data: expect.objectContaining({ secretId: endpoint.secretId, owner: INTEGRATOR.sub }),
        metadata: expect.objectContaining({ actor: { id: INTEGRATOR.sub, role: 'integrator' } }),
      }),
    );
    expect(JSON.stringify(event)).not.toContain(endpoint.secret!);
  });

  it('signs a new endpoint’s deliveries with its secret at once; an unknown endpoint has none', async () => {
    const endpoint = await registered();
    const secrets = running.app.get<WebhookSecrets>(WEBHOOK_SECRETS);
    expect(await secrets.signingSecrets(endpoint.endpointId, new Date())).toEqual([endpoint.secret]);
    expect(await secrets.signingSecrets('7d9e8f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6', new Date())).toEqual([]);
  });

  it('lets integrators and admins in, nobody else', async () => {
    expectProblem(await api.get(ENDPOINTS, COORDINATOR), 403, 'forbidden');
    expectProblem(
      await api.post(ENDPOINTS, { url: RECEIVER, eventTypes: ['*'] }, COORDINATOR),
      403,
      'forbidden',
    );
    expectProblem(await api.request('GET', ENDPOINTS), 401, 'unauthorized');
  });

  it('shows an integrator its own endpoints only, an admin every one', async () => {
    const mine = await registered();
    const theirs = await registered({}, OTHER_INTEGRATOR);
    await waitFor(
      'both endpoints in the admin’s list',
      async () => {
        const ids = await listed(ADMIN);
        return ids.includes(mine.endpointId) && ids.includes(theirs.endpointId);
      },
      READ_MODEL,
    );
    const integratorSees = await listed(INTEGRATOR);
    expect(integratorSees).toContain(mine.endpointId);
    expect(integratorSees).not.toContain(theirs.endpointId);
    expect(await listed(OTHER_INTEGRATOR)).toEqual([theirs.endpointId]);

    // Another's endpoint is unknown to an integrator, whatever it asks; an admin manages it.
    expectProblem(await one(theirs.endpointId), 404, 'not-found');
    expectProblem(await patch(theirs.endpointId, { description: 'mine now' }), 404, 'not-found');
    expectProblem(await action(theirs.endpointId, 'rotate-secret'), 404, 'not-found');
    expectProblem(await action(theirs.endpointId, 'disable'), 404, 'not-found');
    expectProblem(await action(theirs.endpointId, 'enable'), 404, 'not-found');
    expectProblem(
      await api.request('DELETE', `${ENDPOINTS}/${theirs.endpointId}`, { as: INTEGRATOR }),
      404,
      'not-found',
    );
    expect((await streamTypes(theirs.endpointId)).map(({ type }) => type)).toEqual([
      'WebhookEndpointRegistered',
    ]);

    const changed = await patch(theirs.endpointId, { description: 'checked by admin' }, ADMIN);
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(
      expect.objectContaining({ description: 'checked by admin', owner: OTHER_INTEGRATOR.sub }),
    );
    expect((await one(theirs.endpointId, ADMIN)).status).toBe(200);
  });

  it('changes URL, event types, case filter and description, one event with only what changed', async () => {
    const endpoint = await registered({ caseId: CASE_ID });
    const answer = await patch(endpoint.endpointId, {
      url: 'http://[::1]:9/hooks',
      eventTypes: ['*'],
      caseId: null,
      description: 'all cases',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"1"');
    expect(answer.body).toEqual(
      expect.objectContaining({
        url: 'http://[::1]:9/hooks',
        eventTypes: ['*'],
        description: 'all cases',
        revision: 1,
      }),
    );
    expect(answer.body.caseId).toBeUndefined();
    const events = await streamTypes(endpoint.endpointId);
    expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
      expect.objectContaining({ type: 'WebhookEndpointRegistered' }),
      {
        type: 'WebhookEndpointChanged',
        data: { url: 'http://[::1]:9/hooks', eventTypes: ['*'], caseId: null, description: 'all cases' },
      },
    ]);

    // The same values again change nothing and record nothing.
    const same = await patch(endpoint.endpointId, { eventTypes: ['*'] });
    expect(same.status).toBe(200);
    expect(same.headers.get('etag')).toBe('"1"');
    expect(await streamTypes(endpoint.endpointId)).toHaveLength(2);
  });

  it('rotates the secret: the new one once, the previous one signing for the overlap', async () => {
    const endpoint = await registered();
    const rotated = await action(endpoint.endpointId, 'rotate-secret', INTEGRATOR, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('etag')).toBe('"1"');
    expect(rotated.body.secret).toMatch(SECRET);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.secretId).not.toBe(endpoint.secretId);
    expect(rotated.body.secretFingerprint).not.toBe(endpoint.secretFingerprint);
    const validUntil = Date.parse(rotated.body.previousSecret!.validUntil);
    expect(rotated.body.previousSecret!.secretId).toBe(endpoint.secretId);
    expect(Math.abs(validUntil - (Date.now() + 3_600_000))).toBeLessThan(60_000);

    const shown = await one(endpoint.endpointId);
    expect(shown.text).not.toContain(rotated.body.secret!);
    expect(shown.text).not.toContain(endpoint.secret!);

    // What deliveries sign with, at once: the new secret first, the previous one while the overlap lasts.
    const secrets = running.app.get<WebhookSecrets>(WEBHOOK_SECRETS);
    expect(await secrets.signingSecrets(endpoint.endpointId, new Date())).toEqual([
      rotated.body.secret,
      endpoint.secret,
    ]);
    expect(await secrets.signingSecrets(endpoint.endpointId, new Date(validUntil + 1))).toEqual([
      rotated.body.secret,
    ]);

    // Without an overlap the previous secret stops at once; the default overlap is 24 h.
    const immediate = await action(endpoint.endpointId, 'rotate-secret', INTEGRATOR, { overlapSeconds: 0 });
    expect(await secrets.signingSecrets(endpoint.endpointId, new Date(Date.now() + 1000))).toEqual([
      immediate.body.secret,
    ]);
    const byDefault = await action(endpoint.endpointId, 'rotate-secret');
    expect(byDefault.status).toBe(200);
    const overlap = Date.parse(byDefault.body.previousSecret!.validUntil) - Date.now();
    expect(Math.abs(overlap - 86_400_000)).toBeLessThan(60_000);
    const rotations = (await streamTypes(endpoint.endpointId)).filter(
      ({ type }) => type === 'WebhookSecretRotated',
    );
    expect(rotations).toHaveLength(3);
    for (const secret of [
      endpoint.secret,
      rotated.body.secret,
      immediate.body.secret,
      byDefault.body.secret,
    ]) {
      expect(JSON.stringify(rotations)).not.toContain(secret!);
    }
  });

  it('disables, enables and removes, each an event; a removed endpoint takes no command (409)', async () => {
    const endpoint = await registered();
    const disabled = await action(endpoint.endpointId, 'disable');
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    expect((await action(endpoint.endpointId, 'disable')).headers.get('etag')).toBe('"1"');
    const enabled = await action(endpoint.endpointId, 'enable');
    expect(enabled.body).toEqual(expect.objectContaining({ status: 'enabled', revision: 2 }));

    const removed = await api.request('DELETE', `${ENDPOINTS}/${endpoint.endpointId}`, { as: INTEGRATOR });
    expect(removed.status).toBe(204);
    expect(removed.headers.get('etag')).toBe('"3"');
    expect((await one(endpoint.endpointId)).body.status).toBe('removed');
    expect((await streamTypes(endpoint.endpointId)).map(({ type }) => type)).toEqual([
      'WebhookEndpointRegistered',
      'WebhookEndpointDisabled',
      'WebhookEndpointEnabled',
      'WebhookEndpointRemoved',
    ]);
    expect((await streamTypes(endpoint.endpointId))[1]!.data).toEqual({ reason: 'requested' });

    expectProblem(await patch(endpoint.endpointId, { description: 'x' }), 409, 'webhook-endpoint-removed');
    expectProblem(await action(endpoint.endpointId, 'enable'), 409, 'webhook-endpoint-removed');
    expectProblem(await action(endpoint.endpointId, 'rotate-secret'), 409, 'webhook-endpoint-removed');
    expectProblem(
      await api.request('DELETE', `${ENDPOINTS}/${endpoint.endpointId}`, { as: INTEGRATOR }),
      409,
      'webhook-endpoint-removed',
    );
    expect(await streamTypes(endpoint.endpointId)).toHaveLength(4);
    await waitFor(
      'the removed endpoint to leave the list',
      async () => !(await listed(INTEGRATOR)).includes(endpoint.endpointId),
      READ_MODEL,
    );
  });

  it('lists what the events say, and a rebuild of the read model lists the same', async () => {
    const endpoint = await registered({ caseId: CASE_ID, description: 'before' });
    await patch(endpoint.endpointId, { url: 'http://127.0.0.2:9/moved', caseId: null });
    const rotated = await action(endpoint.endpointId, 'rotate-secret', INTEGRATOR, { overlapSeconds: 60 });
    await action(endpoint.endpointId, 'disable');
    const inList = async (): Promise<Json | undefined> =>
      (await api.get<{ items: Json[] }>(ENDPOINTS, ADMIN)).body.items.find(
        (item) => item.endpointId === endpoint.endpointId,
      );
    const listed = await waitFor('the list to show all four events', inList, {
      ...READ_MODEL,
      until: (item) => item?.revision === 3,
    });
    expect(listed).toEqual({
      endpointId: endpoint.endpointId,
      url: 'http://127.0.0.2:9/moved',
      eventTypes: ['ConsensusReached'],
      description: 'before',
      status: 'disabled',
      owner: INTEGRATOR.sub,
      secretId: rotated.body.secretId,
      secretFingerprint: rotated.body.secretFingerprint,
      previousSecret: rotated.body.previousSecret,
      disabled: { reason: 'requested', at: expect.any(String) },
      revision: 3,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(Date.parse(String(listed.updatedAt))).toBeGreaterThanOrEqual(Date.parse(String(listed.createdAt)));
    const before = (await api.get<{ items: Json[] }>(ENDPOINTS, ADMIN)).body.items;

    const rebuild = await api.post('/api/v1/projections/webhook-endpoints/rebuild', undefined, ADMIN);
    expect(rebuild.status).toBe(202);
    await waitFor(
      'the rebuilt generation to serve',
      async () => {
        const { body } = await api.get<{ items: Array<{ name: string; generation: number; state: string }> }>(
          '/api/v1/projections',
          ADMIN,
        );
        const status = body.items.find((item) => item.name === 'webhook-endpoints');
        return status?.generation === 2 && status.state === 'running';
      },
      READ_MODEL,
    );
    expect((await api.get<{ items: Json[] }>(ENDPOINTS, ADMIN)).body.items).toEqual(before);
  });

  it('leaves every read model running over the webhook endpoint events (none is a poison event)', async () => {
    await registered({ caseId: CASE_ID });
    const { body } = await api.get<{ items: Array<{ name: string; state: string; error?: unknown }> }>(
      '/api/v1/projections',
      ADMIN,
    );
    const caughtUp = await waitFor(
      'every read model to catch up',
      async () => {
        const answer = await api.get<{ items: Array<{ name: string; state: string; lagEvents: number }> }>(
          '/api/v1/projections',
          ADMIN,
        );
        return answer.body.items.every((item) => item.lagEvents === 0) ? answer.body.items : undefined;
      },
      READ_MODEL,
    );
    expect(body.items.map((item) => item.name)).toContain('webhook-endpoints');
    for (const item of caughtUp)
      expect({ name: item.name, state: item.state }).toEqual({ name: item.name, state: 'running' });
  });

  it('checks If-Match: a stale revision is 412 and writes nothing', async () => {
    const endpoint = await registered();
    expectProblem(
      await patch(endpoint.endpointId, { description: 'stale' }, INTEGRATOR, { 'if-match': '"5"' }),
      412,
      'precondition-failed',
    );
    expectProblem(
      await action(endpoint.endpointId, 'disable', INTEGRATOR, undefined, { 'if-match': '"3"' }),
      412,
      'precondition-failed',
    );
    expect(await streamTypes(endpoint.endpointId)).toHaveLength(1);
    const current = await patch(endpoint.endpointId, { description: 'current' }, INTEGRATOR, {
      'if-match': '"0"',
    });
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).toBe('"1"');
  });

  it('answers 404 for an unknown endpoint and 400 for an id that is not a UUID', async () => {
    const unknown = '7d9e8f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6';
    expectProblem(await one(unknown), 404, 'not-found');
    expectProblem(await patch(unknown, { description: 'x' }), 404, 'not-found');
    expectProblem(await action(unknown, 'rotate-secret'), 404, 'not-found');
    expect(
      (await database.query(`SELECT 1 FROM webhook_secrets WHERE endpoint_id = $1`, [unknown])).rowCount,
    ).toBe(0);
    expectProblem(
      await api.request('GET', `${ENDPOINTS}/not-a-uuid`, { as: INTEGRATOR, invalidOnPurpose: true }),
      400,
      'validation-failed',
    );
  });

  it.each<[string, Json, string]>([
    ['no URL', { eventTypes: ['*'] }, 'url'],
    ['no event types', { url: RECEIVER }, 'eventTypes'],
    ['an empty event type list', { url: RECEIVER, eventTypes: [] }, 'eventTypes'],
    ['a case id that is not a UUID', { url: RECEIVER, eventTypes: ['*'], caseId: 'case-1' }, 'caseId'],
    ['a null case id', { url: RECEIVER, eventTypes: ['*'], caseId: null }, 'caseId'],
    ['an unknown field', { url: RECEIVER, eventTypes: ['*'], secret: 'whsec_mine' }, 'secret'],
    ['a URL that is not a string', { url: 42, eventTypes: ['*'] }, 'url'],
    ['a URL that is not absolute', { url: '/hooks', eventTypes: ['*'] }, 'url'],
    ['an event type twice', { url: RECEIVER, eventTypes: ['CaseClosed', 'CaseClosed'] }, 'eventTypes'],
  ])('refuses a registration with %s (400, nothing written)', async (_what, body, field) => {
    const before = await database.query(
      `SELECT count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'webhook-endpoint-%'`,
    );
    const answer = await api.request('POST', ENDPOINTS, { as: INTEGRATOR, body, invalidOnPurpose: true });
    expectProblem(answer, 400, 'validation-failed');
    expect(
      (answer.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field),
    ).toContain(field);
    const after = await database.query(
      `SELECT count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'webhook-endpoint-%'`,
    );
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it.each<[string, Json, string, RegExp]>([
    [
      'an unknown event type',
      { url: RECEIVER, eventTypes: ['CasePainted'] },
      'unknown-event-type',
      /CasePainted/,
    ],
    [
      '"*" beside another type',
      { url: RECEIVER, eventTypes: ['*', 'CaseClosed'] },
      'unknown-event-type',
      /alone/,
    ],
    [
      'a private address',
      { url: 'https://10.0.0.1/hook', eventTypes: ['*'] },
      'webhook-url-refused',
      /private address/,
    ],
    [
      'a link-local address',
      { url: 'https://169.254.169.254/latest', eventTypes: ['*'] },
      'webhook-url-refused',
      /link-local/,
    ],
    [
      'an IPv4-mapped private address',
      { url: 'https://[::ffff:192.168.0.1]/', eventTypes: ['*'] },
      'webhook-url-refused',
      /private address/,
    ],
    [
      'http to a public address',
      { url: 'http://93.184.215.14/hook', eventTypes: ['*'] },
      'webhook-url-refused',
      /http is allowed only to a loopback/,
    ],
    [
      'a URL with credentials',
      { url: 'https://u:p@127.0.0.1/hook', eventTypes: ['*'] },
      'webhook-url-refused',
      /credentials/,
    ],
  ])('refuses a registration with %s (422, nothing written)', async (_what, body, code, detail) => {
    const secretsBefore = await database.query(`SELECT count(*)::int AS n FROM webhook_secrets`);
    // An unknown event type breaks the document's enum too: it is sent invalid on purpose.
    const answer = await api.request('POST', ENDPOINTS, {
      as: INTEGRATOR,
      body,
      invalidOnPurpose: /CasePainted/.test(JSON.stringify(body)),
    });
    expectProblem(answer, 422, code);
    expect((answer.body as unknown as { detail: string }).detail).toMatch(detail);
    const secretsAfter = await database.query(`SELECT count(*)::int AS n FROM webhook_secrets`);
    // The URL is refused before a secret is made (an unknown event type only after: it never signs).
    if (code === 'webhook-url-refused') expect(secretsAfter.rows[0].n).toBe(secretsBefore.rows[0].n);
  });

  it('refuses a changed URL the guard refuses, and bad change bodies', async () => {
    const endpoint = await registered();
    const refused = await patch(endpoint.endpointId, { url: 'https://[fd00::1]/hook' });
    expectProblem(refused, 422, 'webhook-url-refused');
    expect((refused.body as unknown as { detail: string }).detail).toMatch(/unique-local/);
    expectProblem(
      await api.request('PATCH', `${ENDPOINTS}/${endpoint.endpointId}`, {
        as: INTEGRATOR,
        body: {},
        invalidOnPurpose: true,
      }),
      400,
      'validation-failed',
    );
    expectProblem(
      await api.request('POST', `${ENDPOINTS}/${endpoint.endpointId}/rotate-secret`, {
        as: INTEGRATOR,
        body: { overlapSeconds: 7 * 86_400 + 1 },
        invalidOnPurpose: true,
      }),
      400,
      'validation-failed',
    );
    expect(await streamTypes(endpoint.endpointId)).toHaveLength(1);
  });
});

describe('webhook endpoints without WEBHOOKS_ALLOW_LOOPBACK', () => {
  let running: RunningApp;
  let api: ApiClient;

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
  });

  afterAll(async () => {
    await running?.close();
  });

  it.each<[string, RegExp]>([
    ['http://127.0.0.1:4000/hook', /over https only/],
    ['https://127.0.0.1:4000/hook', /its host is a loopback address/],
    ['https://[::1]:4000/hook', /its host is a loopback address/],
    ['https://localhost:4000/hook', /resolves to a loopback address/],
  ])('refuses %s', async (url, detail) => {
    const answer = await api.post(ENDPOINTS, { url, eventTypes: ['*'] }, INTEGRATOR);
    expectProblem(answer, 422, 'webhook-url-refused');
    expect(String(answer.body.detail)).toMatch(detail);
  });
});
