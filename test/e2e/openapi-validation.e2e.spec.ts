import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, COORDINATOR, INTEGRATOR, secondOpinionRequest } from '../support/api.js';
import { type RunningApp, startTestApp } from '../support/app.js';
import { checkAgainstDocument, OpenApiViolation } from '../support/openapi-validation.js';
import { sendRaw } from '../support/raw-http.js';

/** The e2e helpers' check of every exchange against the served OpenAPI document. */
describe('validation of requests and answers against the served OpenAPI document', () => {
  let running: RunningApp;
  let api: ApiClient;

  beforeAll(async () => {
    running = await startTestApp();
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => {
    await running.close();
  });

  it('states in its schemas what the DTOs validate, so that a validator refuses what the engine refuses', async () => {
    const document = (await (await fetch(`${running.baseUrl}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Array<{ name: string; schema: object }>;
            responses: Record<string, { content?: Record<string, unknown> }>;
          }
        >
      >;
      components: {
        schemas: Record<
          string,
          { properties: Record<string, Record<string, unknown>>; additionalProperties?: boolean }
        >;
      };
    };
    const { schemas } = document.components;
    const request = schemas.RequestSecondOpinionDto!;
    expect(request.additionalProperties).toBe(false);
    expect(request.properties.clinicalQuestion).toMatchObject({
      type: 'string',
      minLength: 1,
      maxLength: 4000,
    });
    expect(request.properties.patientRef).toMatchObject({ pattern: '^[A-Za-z0-9._:@-]{1,128}$' });
    expect(request.properties.readsRequired).toMatchObject({ type: 'integer', enum: [1, 2] });
    expect(request.properties.caseId).toMatchObject({
      format: 'uuid',
      example: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(schemas.StudyDto!.properties.studyInstanceUid).toMatchObject({ maxLength: 64 });
    expect(schemas.SubmitOpinionDto!.properties.confidence).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 5,
    });
    expect(schemas.FunnelDto!.properties.outlier!.enum).toContain(null);
    expect(schemas.FunnelDto!.properties.limits95).toEqual({
      anyOf: [{ $ref: '#/components/schemas/LimitsDto' }, { type: 'object', nullable: true, enum: [null] }],
    });
    const getCase = document.paths['/api/v1/cases/{caseId}']!.get!;
    expect(getCase.parameters?.find(({ name }) => name === 'caseId')?.schema).toMatchObject({
      format: 'uuid',
    });
    for (const status of ['200', '400', '401', '403', '404', '406', '429', '503']) {
      expect(Object.keys(getCase.responses[status]?.content ?? {})).toEqual([
        status === '200' ? 'application/json' : 'application/problem+json',
      ]);
    }
    expect(
      Object.keys(document.paths['/api/v1/audit-trail']!.get!.responses['200']!.content!).sort(),
    ).toEqual(['application/json', 'text/csv']);
  });

  it('lets a request and answer that follow the document through', async () => {
    const created = await api.post('/api/v1/cases', secondOpinionRequest(), INTEGRATOR);
    expect(created.status).toBe(201);
    const read = await api.get(`/api/v1/cases/${String(created.body.caseId)}`, COORDINATOR);
    expect(read.status).toBe(200);
  });

  it('fails a request that breaks the document, naming method, path, status and the violation', async () => {
    const sent = api.post(
      '/api/v1/cases',
      secondOpinionRequest({ clinicalQuestion: 'x'.repeat(4001) }),
      INTEGRATOR,
    );
    await expect(sent).rejects.toThrow(OpenApiViolation);
    await expect(sent).rejects.toThrow(
      /POST \/api\/v1\/cases → 400[\s\S]*clinicalQuestion[\s\S]*maxLength|must NOT have more than 4000 characters/,
    );
  });

  it('lets a request sent invalid on purpose through when its answer is a documented 4xx', async () => {
    const answer = await api.request('POST', '/api/v1/cases', {
      as: INTEGRATOR,
      body: secondOpinionRequest({ unknownField: 1 }),
      invalidOnPurpose: true,
    });
    expect(answer.status).toBe(400);
    const malformed = await sendRaw(running.baseUrl, 'GET', '/api/v1/cases/not-a-uuid', {
      token: await api.token(COORDINATOR.sub, COORDINATOR.roles),
      invalidOnPurpose: true,
    });
    expect(malformed.status).toBe(400);
  });

  it('fails a malformed id sent without saying it is on purpose', async () => {
    const sent = api.get('/api/v1/cases/not-a-uuid', COORDINATOR);
    await expect(sent).rejects.toThrow(
      /GET \/api\/v1\/cases\/not-a-uuid → 400[\s\S]*request: \/path\/caseId must match format "uuid"/,
    );
  });

  it('fails an answer with an undocumented status, content type or body', async () => {
    const exchange = {
      method: 'GET',
      path: '/health',
      headers: {},
      status: 200,
      responseHeaders: new Headers({ 'content-type': 'application/json; charset=utf-8' }),
      responseText: JSON.stringify({ status: 'ok' }),
    };
    await expect(checkAgainstDocument(running.baseUrl, exchange)).resolves.toBeUndefined();
    await expect(checkAgainstDocument(running.baseUrl, { ...exchange, status: 418 })).rejects.toThrow(
      /GET \/health → 418[\s\S]*status 418 is not documented/,
    );
    await expect(
      checkAgainstDocument(running.baseUrl, {
        ...exchange,
        responseHeaders: new Headers({ 'content-type': 'text/html' }),
      }),
    ).rejects.toThrow(/content type text\/html is not documented/);
    await expect(
      checkAgainstDocument(running.baseUrl, {
        ...exchange,
        responseText: JSON.stringify({ status: 'fine' }),
      }),
    ).rejects.toThrow(/response: \/status must be equal to one of the allowed values/);
  });

  it('fails a request sent invalid on purpose whose answer is not a 4xx', async () => {
    const sent = api.request('GET', '/health', { invalidOnPurpose: true });
    await expect(sent).rejects.toThrow(/sent invalid on purpose was answered 200, not a 4xx/);
  });
});
