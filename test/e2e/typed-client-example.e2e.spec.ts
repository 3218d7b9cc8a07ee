import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  EngineProblem,
  type TokenSource,
  type CommandBody,
  commandHeaders,
  createEngineClient,
  newIdempotencyKey,
  ok,
} from '../../clients/typescript/index.js';
import { twoPlusOneCase } from '../../examples/typescript-client/two-plus-one-case.js';
import { ApiClient, COORDINATOR, MEDICO_LEGAL, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, startTestApp, tokenFor } from '../support/app.js';
import { checkAgainstDocument } from '../support/openapi-validation.js';
import { TWO_PLUS_ONE_EVENT_TYPES } from '../support/walk-through.js';

/**
 * The typed client (clients/typescript, generated from the engine's own OpenAPI document) and its
 * runnable example, the README's 2+1 case, against the real engine. Every request the client sends
 * and every answer is checked against the served document, as ApiClient's are.
 */
describe('typed TypeScript client', () => {
  let running: RunningApp;
  let api: ApiClient;
  let coordinatorToken: string;

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
    coordinatorToken = await tokenFor(COORDINATOR.sub, COORDINATOR.roles, { name: COORDINATOR.name });
  });
  afterAll(async () => {
    await running?.close();
  });

  /** fetch, with the exchange checked against the document (a violation fails the call). */
  const fetchChecked = async (request: Request): Promise<Response> => {
    const body = request.body ? await request.clone().text() : undefined;
    const response = await fetch(request);
    const text = await response.text();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const url = new URL(request.url);
    await checkAgainstDocument(running.baseUrl, {
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
      body,
      status: response.status,
      responseHeaders: response.headers,
      responseText: text,
    });
    const { status, statusText } = response;
    return new Response(text === '' ? null : text, { status, statusText, headers: response.headers });
  };
  const client = (token: TokenSource) => createEngineClient(running.baseUrl, token, { fetch: fetchChecked });

  /** The tests' usual request, as the generated type of the body. */
  const request = () => secondOpinionRequest() as CommandBody<'/api/v1/cases'>;
  const reader = async (id: string) => ({
    id,
    token: await tokenFor(id, ['radiologist'], { name: `Dr ${id}` }),
  });

  it("the example drives the README's 2+1 case to closure, overturning the prior report", async () => {
    const lines: string[] = [];
    const result = await twoPlusOneCase(
      running.baseUrl,
      {
        coordinator: coordinatorToken,
        firstReader: await reader('rad-a'),
        secondReader: await reader('rad-b'),
        adjudicator: await reader('rad-c'),
        medicoLegal: await tokenFor(MEDICO_LEGAL.sub, MEDICO_LEGAL.roles),
      },
      (line) => lines.push(line),
      { fetch: fetchChecked },
    );

    expect(result.outcome).toBe('overturned');
    expect(result.events).toEqual(TWO_PLUS_ONE_EVENT_TYPES);
    expect(result.integrity).toMatchObject({ verified: true, lastRevision: 15 });
    // Each step printed, as the README's walk-through shows them.
    expect(lines).toHaveLength(14);
    expect(lines.find((line) => line.startsWith('rad-b prior report'))).toContain(
      '"status":"awaiting-adjudication"',
    );
    expect(lines.find((line) => line.startsWith('adjudication'))).toContain('"status":"consensus"');
    expect(lines.find((line) => line.startsWith('closure'))).toMatch(
      /If-Match "14"\).*"outcome":"overturned"/,
    );

    // The record itself, read without the typed client.
    const history = await api.get<{ state: unknown; events: Array<{ type: string }> }>(
      `/api/v1/cases/${result.caseId}/history`,
      MEDICO_LEGAL,
    );
    expect(history.status).toBe(200);
    expect(history.body.state).toMatchObject({
      caseId: result.caseId,
      status: 'closed',
      outcome: 'overturned',
    });
    expect(history.body.events.map((event) => event.type)).toEqual(TWO_PLUS_ONE_EVENT_TYPES);
  });

  it('throws an EngineProblem with the problem+json of an error answer', async () => {
    const coordinator = client(coordinatorToken);
    const caseId = '6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5';
    const refused = await ok(
      coordinator.GET('/api/v1/cases/{caseId}', { params: { path: { caseId } } }),
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EngineProblem);
    const problem = refused as EngineProblem;
    expect({ status: problem.status, code: problem.code }).toEqual({ status: 404, code: 'not-found' });
    expect(problem.problem).toMatchObject({ status: 404, instance: `/api/v1/cases/${caseId}` });

    const anonymous = client('not-a-token');
    const unauthorized = await ok(
      anonymous.GET('/api/v1/cases/{caseId}', { params: { path: { caseId } } }),
    ).catch((error: unknown) => error);
    expect(unauthorized).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('sends the token it is given on every call, a function asked each time', async () => {
    let asked = 0;
    const coordinator = client(async () => {
      asked += 1;
      return coordinatorToken;
    });
    await ok(coordinator.GET('/api/v1/cases', { params: { query: { limit: 1 } } }));
    await ok(coordinator.GET('/api/v1/cases', { params: { query: { limit: 1 } } }));
    expect(asked).toBe(2);
  });

  it('command(): the same Idempotency-Key again answers the first response and writes nothing', async () => {
    const coordinator = client(coordinatorToken);
    const idempotencyKey = newIdempotencyKey();
    const first = await coordinator.command('/api/v1/cases', { idempotencyKey, body: request() });
    const again = await coordinator.command('/api/v1/cases', { idempotencyKey, body: request() });
    expect(again.data).toEqual(first.data);
    expect(again.etag).toBe('"0"');
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    // Without a key given, each command gets a new one: a second case.
    const other = await coordinator.command('/api/v1/cases', { body: request() });
    expect(other.data.caseId).not.toBe(first.data.caseId);
    expect(other.response.headers.get('idempotent-replayed')).toBeNull();
  });

  it('If-Match with an ETag the case has moved on from is refused with 412, and nothing is written', async () => {
    const coordinator = client(coordinatorToken);
    const created = await ok(
      coordinator.POST('/api/v1/cases', { params: { header: commandHeaders() }, body: request() }),
    );
    expect(created.etag).toBe('"0"');
    const path = { caseId: created.data.caseId };
    const assigned = await ok(
      coordinator.POST('/api/v1/cases/{caseId}/assignments', {
        params: { path, header: commandHeaders({ ifMatch: created.etag }) },
        body: { readerId: 'rad-a', role: 'primary' },
      }),
    );
    expect(assigned.etag).toBe('"1"');
    const stale = await ok(
      coordinator.POST('/api/v1/cases/{caseId}/assignments', {
        params: { path, header: commandHeaders({ ifMatch: created.etag }) },
        body: { readerId: 'rad-b', role: 'primary' },
      }),
    ).catch((error: unknown) => error);
    expect(stale).toMatchObject({ status: 412, code: 'precondition-failed' });
    const history = await api.get<{ revision: number }>(`/api/v1/cases/${path.caseId}/history`, MEDICO_LEGAL);
    expect(history.body.revision).toBe(1);
  });
});
