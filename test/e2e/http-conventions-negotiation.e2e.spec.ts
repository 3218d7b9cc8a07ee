import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { type RunningApp, startTestApp } from '../support/app.js';
import { ApiClient, COORDINATOR, QUALITY, type Caller, secondOpinionRequest } from '../support/api.js';
import { EventStorePosition } from '../support/event-store-position.js';
import { expectProblem } from '../support/problem.js';
import { INVALID_ON_PURPOSE, type ValidationOptions } from '../support/openapi-validation.js';
import { type RawResponse, sendRaw } from '../support/raw-http.js';

type OpenApiPaths = Record<string, Record<string, unknown>>;

/**
 * HTTP conventions of docs/api.md that are about the request itself rather than a command: the
 * method (405 with Allow), Accept (406), duplicate keys in a JSON body (400 `duplicate-key`) and
 * the body's charset (415). None of these answers writes anything.
 */
describe('HTTP conventions: 405 Allow, 406 Accept, duplicate keys, charset', () => {
  let running: RunningApp;
  let api: ApiClient;
  let store: EventStorePosition;

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    store = await EventStorePosition.connect(running.database.url);
  });
  afterAll(async () => {
    await store?.close();
    await running?.close();
  });

  /** Sends a request as `caller` (no token when null); the body is sent as given, byte for byte. */
  async function send(
    method: string,
    path: string,
    options: { as?: Caller | null; body?: string; headers?: Record<string, string> } & ValidationOptions = {},
  ): Promise<RawResponse> {
    const caller = options.as === undefined ? COORDINATOR : options.as;
    const token = caller ? await api.token(caller.sub, caller.roles, caller.name) : undefined;
    const body = options.body === undefined ? undefined : new TextEncoder().encode(options.body);
    return sendRaw(running.baseUrl, method, path, {
      token,
      body,
      headers: options.headers,
      invalidOnPurpose: options.invalidOnPurpose,
    });
  }

  /** Runs `request` and checks that the event store holds exactly what it held before. */
  async function writesNothing(request: () => Promise<RawResponse>): Promise<RawResponse> {
    const before = await store.settled();
    const response = await request();
    expect(await store.settled()).toEqual(before);
    return response;
  }

  async function createCase(): Promise<string> {
    const created = await api.post('/api/v1/cases', secondOpinionRequest(), COORDINATOR);
    expect(created.status).toBe(201);
    return created.body.caseId as string;
  }

  const JSON_BODY = { 'content-type': 'application/json' };

  describe('405: a method the path does not accept', () => {
    it('PUT, PATCH and DELETE on known paths answer 405 problem+json with the Allow header', async () => {
      const caseId = await createCase();
      const cases: Array<[string, string, string]> = [
        ['PUT', '/api/v1/cases', 'GET, HEAD, POST'],
        ['PATCH', `/api/v1/cases/${caseId}`, 'GET, HEAD'],
        ['DELETE', `/api/v1/cases/${caseId}`, 'GET, HEAD'],
        ['PUT', `/api/v1/cases/${caseId}/opinions`, 'POST'],
        ['DELETE', `/api/v1/cases/${caseId}/audit-trail`, 'GET, HEAD'],
        ['OPTIONS', `/api/v1/cases/${caseId}/history`, 'GET, HEAD'],
        ['GET', `/api/v1/cases/${caseId}/closure`, 'POST'],
        ['PATCH', '/health', 'GET, HEAD'],
      ];
      for (const [method, path, allow] of cases) {
        const response = await writesNothing(() =>
          send(method, path, {
            body:
              method === 'GET' || method === 'OPTIONS' ? undefined : JSON.stringify(secondOpinionRequest()),
            headers: method === 'GET' || method === 'OPTIONS' ? {} : JSON_BODY,
            invalidOnPurpose: true,
          }),
        );
        expect({ method, path, allow: response.headers.get('allow') }).toEqual({ method, path, allow });
        expectProblem(response, 405, 'method-not-allowed', path);
      }
    });

    it('Allow lists, for every path of the OpenAPI document, exactly the methods it documents (GET with HEAD)', async () => {
      const openapi = await api.request<{ paths: OpenApiPaths }>('GET', '/openapi.json');
      expect(openapi.status).toBe(200);
      const paths = Object.entries(openapi.body.paths);
      expect(paths.length).toBeGreaterThan(20);
      for (const [template, operations] of paths) {
        const documented = Object.keys(operations).map((method) => method.toUpperCase());
        const allow = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
        const path = template.replace(/\{\w+\}/g, () => randomUUID());
        for (const method of ['PUT', 'PATCH', 'DELETE'].filter((m) => !documented.includes(m))) {
          const response = await send(method, path, INVALID_ON_PURPOSE);
          expect({ method, template, status: response.status, allow: response.headers.get('allow') }).toEqual(
            {
              method,
              template,
              status: 405,
              allow,
            },
          );
        }
      }
    });

    it('needs no token (like a 404), and a path no method serves stays 404 without Allow', async () => {
      const response = await writesNothing(() =>
        send('DELETE', '/api/v1/cases', { as: null, invalidOnPurpose: true }),
      );
      expectProblem(response, 405, 'method-not-allowed', '/api/v1/cases');
      expect(response.headers.get('allow')).toBe('GET, HEAD, POST');

      const unknown = await send('PUT', '/api/v1/nothing-here', INVALID_ON_PURPOSE);
      expectProblem(unknown, 404, 'not-found', '/api/v1/nothing-here');
      expect(unknown.headers.get('allow')).toBeNull();
    });
  });

  describe('405 with CORS open', () => {
    let cors: RunningApp;
    beforeAll(async () => {
      cors = await startTestApp({ CORS_ORIGINS: 'https://second-opinion.example.org' });
    });
    afterAll(async () => cors?.close());

    it('Allow names OPTIONS (the preflight route serves every path), yet an unknown path stays 404', async () => {
      const token = await api.token(COORDINATOR.sub, COORDINATOR.roles, COORDINATOR.name);
      const put = await sendRaw(cors.baseUrl, 'PUT', '/api/v1/cases', { token, invalidOnPurpose: true });
      expectProblem(put, 405, 'method-not-allowed', '/api/v1/cases');
      expect(put.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
      const unknown = await sendRaw(cors.baseUrl, 'PUT', '/api/v1/nothing-here', {
        token,
        invalidOnPurpose: true,
      });
      expectProblem(unknown, 404, 'not-found', '/api/v1/nothing-here');
      expect(unknown.headers.get('allow')).toBeNull();
    });
  });

  describe('406: an Accept that allows none of the offered types', () => {
    it('a case read for XML or CSV is 406, and its access is not recorded', async () => {
      const caseId = await createCase();
      for (const accept of ['application/xml', 'text/csv', 'text/html, image/*', 'application/json;q=0']) {
        const response = await writesNothing(() =>
          send('GET', `/api/v1/cases/${caseId}`, { headers: { accept } }),
        );
        expect({ accept, status: response.status }).toEqual({ accept, status: 406 });
        expectProblem(response, 406, 'not-acceptable', `/api/v1/cases/${caseId}`);
        expect(response.text).toContain('application/json');
      }
    });

    it('a command whose answer the client cannot take is refused before it runs', async () => {
      const response = await writesNothing(() =>
        send('POST', '/api/v1/cases', {
          body: JSON.stringify(secondOpinionRequest({ patientRef: 'pt-406' })),
          headers: { ...JSON_BODY, accept: 'text/csv' },
        }),
      );
      expectProblem(response, 406, 'not-acceptable', '/api/v1/cases');
    });

    it('the audit trail offers JSON and CSV: either is served, anything else is 406', async () => {
      const caseId = await createCase();
      const path = `/api/v1/cases/${caseId}/audit-trail`;
      const csv = await send('GET', path, { as: QUALITY, headers: { accept: 'text/csv' } });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const json = await send('GET', path, { as: QUALITY, headers: { accept: 'application/json' } });
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);

      const refused = await writesNothing(() =>
        send('GET', path, { as: QUALITY, headers: { accept: 'text/html' } }),
      );
      expectProblem(refused, 406, 'not-acceptable', path);
      expect(refused.text).toContain('text/csv');
    });

    it('wildcards, a listed type among others, problem+json, or no Accept at all are served', async () => {
      const caseId = await createCase();
      for (const accept of [
        '*/*',
        'application/*',
        'text/html, application/json;q=0.1',
        'application/problem+json',
        'application/json; charset=utf-8',
        '',
        undefined,
      ]) {
        const response = await send('GET', `/api/v1/cases/${caseId}`, {
          headers: accept === undefined ? {} : { accept },
        });
        expect({ accept, status: response.status }).toEqual({ accept, status: 200 });
      }
    });

    it('authentication and the role check come first (401, 403), and public routes do not negotiate', async () => {
      const unauthenticated = await send('GET', '/api/v1/cases', {
        as: null,
        headers: { accept: 'text/html' },
      });
      expectProblem(unauthenticated, 401, 'unauthorized');
      const forbidden = await send('GET', '/api/v1/audit-trail', { headers: { accept: 'text/html' } });
      expectProblem(forbidden, 403, 'forbidden');
      expect((await send('GET', '/health', { as: null, headers: { accept: 'text/html' } })).status).toBe(200);
    });
  });

  describe('400 duplicate-key: a key twice in one JSON object', () => {
    it('is refused with the key path named, wherever it is and however it is escaped; nothing is written', async () => {
      const valid = JSON.stringify(secondOpinionRequest({ patientRef: 'pt-dup' }));
      const bodies: Array<[string, string[]]> = [
        [
          valid.replace('{"patientRef":"pt-dup"', '{"patientRef":"pt-x","patientRef":"pt-dup"'),
          ['patientRef'],
        ],
        [valid.replace('"modality":"DX"', '"modality":"CR","modality":"DX"'), ['study.modality']],
        [
          valid.replace('{"patientRef":"pt-dup"', '{"patientRef":"pt-x","patient\\u0052ef":"pt-dup"'),
          ['patientRef'],
        ],
        [
          valid.replace('{"code":"fracture"', '{"code":"joint-effusion","code":"fracture"'),
          ['priorReport.findings[0].code'],
        ],
        [
          valid
            .replace('"priority":"routine"', '"priority":"routine","priority":"urgent"')
            .replace('"kind":"patient"', '"kind":"patient","kind":"patient"'),
          ['requester.kind', 'priority'],
        ],
      ];
      for (const [body, fields] of bodies) {
        const response = await writesNothing(() =>
          send('POST', '/api/v1/cases', { body, headers: JSON_BODY }),
        );
        expectProblem(response, 400, 'duplicate-key', '/api/v1/cases');
        const errors = (response.json as { errors?: Array<{ field: string }> }).errors ?? [];
        expect({ body, fields: errors.map((error) => error.field) }).toEqual({ body, fields });
      }
    });

    it('the same key in two different objects is no duplicate', async () => {
      const body = JSON.stringify(
        secondOpinionRequest({
          priorReport: {
            author: 'rad-ext-9',
            findings: [
              { code: 'fracture', presence: 'absent' },
              { code: 'joint-effusion', presence: 'present' },
            ],
          },
        }),
      );
      const response = await send('POST', '/api/v1/cases', { body, headers: JSON_BODY });
      expect(response.status).toBe(201);
    });
  });

  describe('415: a Content-Type charset other than UTF-8', () => {
    it('latin1, UTF-16 and unknown charsets are refused before the body is read; nothing is written', async () => {
      const body = JSON.stringify(secondOpinionRequest());
      for (const contentType of [
        'application/json; charset=latin1',
        'application/json; charset=ISO-8859-1',
        'application/json;charset="utf-16"',
        'application/json; charset=no-such-charset',
      ]) {
        const response = await writesNothing(() =>
          send('POST', '/api/v1/cases', { body, headers: { 'content-type': contentType } }),
        );
        expect({ contentType, status: response.status }).toEqual({ contentType, status: 415 });
        expectProblem(response, 415, 'unsupported-media-type', '/api/v1/cases');
      }
    });

    it('comes after 401 and before 413', async () => {
      const latin1 = { 'content-type': 'application/json; charset=latin1' };
      expectProblem(
        await send('POST', '/api/v1/cases', {
          as: null,
          body: '{}',
          headers: latin1,
          invalidOnPurpose: true,
        }),
        401,
        'unauthorized',
      );
      const oversized = `{"patientRef":"${'x'.repeat(300 * 1024)}"}`;
      expectProblem(
        await writesNothing(() =>
          send('POST', '/api/v1/cases', { body: oversized, headers: latin1, invalidOnPurpose: true }),
        ),
        415,
        'unsupported-media-type',
      );
    });

    it('UTF-8 in any spelling, quoted or not, or no charset, is read', async () => {
      for (const contentType of [
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=UTF-8',
        'application/json;charset="utf-8"',
        'application/json; charset=utf8',
      ]) {
        const response = await send('POST', '/api/v1/cases', {
          body: JSON.stringify(secondOpinionRequest({ clinicalQuestion: 'Scaphoid fracture? Ça va ?' })),
          headers: { 'content-type': contentType },
        });
        expect({ contentType, status: response.status }).toEqual({ contentType, status: 201 });
      }
    });
  });
});
