import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { ACCESS_POLICY } from '../../src/application/auth/access-policy.js';
import { ENDPOINTS } from '../../src/infrastructure/auth/endpoints.js';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.js';
import {
  type ApiResponse,
  type Caller,
  ApiClient,
  COORDINATOR,
  INTEGRATOR,
  QUALITY,
  radiologist,
  secondOpinionRequest,
} from '../support/api.js';
import { type RunningApp, secondsAgo, startTestApp, tokenFor } from '../support/app.js';
import { caseSteps, FRACTURE_PRESENT, opinionBody } from '../support/case-steps.js';
import {
  DEFAULT_RESOURCE,
  type RunningOidcProvider,
  signInWithPkce,
  startOidcProvider,
} from '../support/oidc-provider.js';
import { EVENT_TABLE, asSuperuser, setEventField } from '../support/superuser.js';

type Json = Record<string, unknown>;

/** The RFC 9470 challenge with the default SIGNING_MAX_AGE, written out: the test pins its exact form. */
const CHALLENGE_300 =
  'Bearer error="insufficient_user_authentication", error_description="A signature needs a sign-in within the last 300 seconds", max_age=300';

/** A signing request, ready to send: the case (or flag) is where the command is accepted. */
interface Signing {
  path: string;
  body: Json;
  as: Caller;
  headers?: Record<string, string>;
  /** The stream the command appends to. */
  streamId: string;
}

/** The last revision of a stream, read from the store itself (-1: no events). */
async function lastRevision(databaseUrl: string, streamId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ revision: string | null }>(
      'SELECT max(stream_revision) AS revision FROM event_store.events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.revision === null || rows[0]?.revision === undefined ? -1 : Number(rows[0].revision);
  } finally {
    await client.end();
  }
}

function expectStepUp(response: ApiResponse, challenge = CHALLENGE_300): void {
  expect({ status: response.status, challenge: response.headers.get('www-authenticate') }).toEqual({
    status: 401,
    challenge,
  });
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    status: 401,
    code: 'insufficient-user-authentication',
    maxAge: Number(/max_age=(\d+)$/.exec(challenge)![1]),
    detail: expect.stringContaining('A signature (21 CFR 11.200) needs a sign-in within the last'),
  });
}

// Signatures need a recent sign-in (21 CFR 11.200(a)): RFC 9470's step-up challenge on every signing route.
describe('step-up authentication for signatures', () => {
  let running: RunningApp;
  let api: ApiClient;
  const steps = caseSteps(() => api);
  const { requestCase, assign, startRead, submitOpinion, command, caseWithStartedRead, history } = steps;

  /** POST as `caller`, with a token whose sign-in was at `authTime` (null: no auth_time). */
  async function sign(signing: Signing, authTime?: number | null, extra: Record<string, string> = {}) {
    const token = await tokenFor(signing.as.sub, signing.as.roles, { name: signing.as.name, authTime });
    return api.request('POST', signing.path, {
      token,
      body: signing.body,
      headers: { ...signing.headers, ...extra },
    });
  }

  /** A case in review with rad-a's opinion submitted (readsRequired 2: the round stays open). */
  async function withOpinion(): Promise<{ caseId: string; assignmentId: string; opinionId: string }> {
    const { caseId, assignmentId } = await caseWithStartedRead();
    const { opinionId } = await submitOpinion(caseId, assignmentId, 'rad-a');
    return { caseId, assignmentId, opinionId: opinionId as string };
  }

  /** A case escalated to adjudication before any opinion (one primary assigned). */
  async function escalatedToAdjudication(): Promise<string> {
    const caseId = await requestCase();
    await assign(caseId, 'rad-a');
    await command(`/api/v1/cases/${caseId}/escalations`, {
      level: 'adjudication',
      reason: 'clinical-concern',
    });
    return caseId;
  }

  /** An OS-2 flag (five requests within 90 days) raised on a patient of its own, as the projection shows it. */
  async function openFlag(): Promise<string> {
    const patientRef = `step-up-${randomUUID().slice(0, 8)}`;
    const start = Date.now() - 200 * 86_400_000;
    for (let request = 0; request < 5; request++) {
      await requestCase(
        {
          patientRef,
          study: { ...(secondOpinionRequest().study as Json), studyInstanceUid: `1.2.826.0.77.${request}` },
          occurredAt: new Date(start + request * 10 * 86_400_000).toISOString(),
        },
        INTEGRATOR,
      );
    }
    await running.app
      .get(ProjectionRunner)
      .waitUntilCaughtUp({ names: ['opinion-shopping'], timeoutMs: 20_000 });
    const flags = await api.get<{ items: Array<{ flagId: string }> }>(
      `/api/v1/opinion-shopping/flags?patientRef=${patientRef}&rule=OS-2`,
      QUALITY,
    );
    expect(flags.body.items).toHaveLength(1);
    return flags.body.items[0]!.flagId;
  }

  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_PER_USER_PER_MINUTE: '0' });
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => running?.close());

  // Every signing command, panel votes among them, each brought to where it is accepted.
  const SIGNING_COMMANDS: Array<{ command: string; prepare: () => Promise<Signing> }> = [
    {
      command: 'SubmitOpinion',
      prepare: async () => {
        const { caseId, assignmentId } = await caseWithStartedRead();
        const body = opinionBody(assignmentId);
        return {
          path: `/api/v1/cases/${caseId}/opinions`,
          body,
          as: radiologist('rad-a'),
          streamId: `case-${caseId}`,
        };
      },
    },
    {
      command: 'SubmitOpinion by a panelist (a panel vote)',
      prepare: async () => {
        const caseId = await escalatedToAdjudication();
        await command(`/api/v1/cases/${caseId}/escalations`, { level: 'panel', reason: 'quality-review' });
        const assignmentId = await assign(caseId, 'rad-p', 'panelist');
        await startRead(caseId, assignmentId, 'rad-p');
        const body = opinionBody(assignmentId);
        return {
          path: `/api/v1/cases/${caseId}/opinions`,
          body,
          as: radiologist('rad-p'),
          streamId: `case-${caseId}`,
        };
      },
    },
    {
      command: 'ReviewPriorReport',
      prepare: async () => {
        const { caseId, assignmentId } = await withOpinion();
        return {
          path: `/api/v1/cases/${caseId}/prior-report-reviews`,
          body: { assignmentId, score: '2a' },
          as: radiologist('rad-a'),
          streamId: `case-${caseId}`,
        };
      },
    },
    {
      command: 'SubmitAdjudication',
      prepare: async () => {
        const caseId = await escalatedToAdjudication();
        const assignmentId = await assign(caseId, 'rad-c', 'adjudicator');
        await startRead(caseId, assignmentId, 'rad-c');
        return {
          path: `/api/v1/cases/${caseId}/adjudication`,
          body: {
            assignmentId,
            findings: FRACTURE_PRESENT,
            rationale: 'Cortical break on the oblique view.',
          },
          as: radiologist('rad-c'),
          streamId: `case-${caseId}`,
        };
      },
    },
    {
      command: 'AppendAddendum',
      prepare: async () => {
        const { caseId, opinionId } = await withOpinion();
        return {
          path: `/api/v1/cases/${caseId}/opinions/${opinionId}/addenda`,
          body: { text: 'The effusion is small.', reason: 'Clarification' },
          as: radiologist('rad-a'),
          streamId: `case-${caseId}`,
        };
      },
    },
    {
      command: 'ReviewShoppingFlag',
      prepare: async () => {
        const flagId = await openFlag();
        return {
          path: `/api/v1/opinion-shopping/flags/${flagId}/review`,
          body: { disposition: 'dismissed', note: 'Second opinions before surgery.' },
          as: QUALITY,
          streamId: `flag-${flagId}`,
        };
      },
    },
  ];

  it.each(SIGNING_COMMANDS)(
    '$command: a sign-in older than SIGNING_MAX_AGE, or none, is 401 with the step-up challenge and writes nothing; a fresh one signs',
    async ({ prepare }) => {
      const signing = await prepare();
      const before = await lastRevision(running.database.url, signing.streamId);
      // The same Idempotency-Key throughout: a refusal is not stored, so the fresh request is not a replay.
      const key = { 'idempotency-key': randomUUID() };
      expectStepUp(await sign(signing, secondsAgo(301), key));
      expectStepUp(await sign(signing, secondsAgo(8 * 3600), key));
      expectStepUp(await sign(signing, null, key));
      // A claimed sign-in in the future proves nothing either.
      expectStepUp(await sign(signing, secondsAgo(-3600), key));
      expect(await lastRevision(running.database.url, signing.streamId)).toBe(before);

      const signed = await sign(signing, secondsAgo(240), key);
      expect({ status: signed.status, body: signed.body }).toMatchObject({ status: 201 });
      expect(signed.headers.get('idempotent-replayed')).toBeNull();
      expect(await lastRevision(running.database.url, signing.streamId)).toBeGreaterThan(before);
    },
  );

  it('asks for a recent sign-in on exactly the signing routes, and on no other', async () => {
    const signingRoutes: string[] = [];
    const { paths } = (await (await fetch(`${running.baseUrl}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { parameters?: Array<{ in: string; required?: boolean }>; requestBody?: { required?: boolean } }
        >
      >;
    };
    // What the probe sends breaks the document where the route needs a body or a query it lacks.
    const breaksDocument = (method: string, template: string): boolean => {
      const operation = paths[template]?.[method.toLowerCase()];
      return (
        method === 'POST' ||
        operation?.requestBody?.required === true ||
        (operation?.parameters ?? []).some(
          (parameter) => parameter.in === 'query' && parameter.required === true,
        )
      );
    };
    for (const endpoint of ENDPOINTS) {
      const role = ACCESS_POLICY[endpoint.action][0]!;
      const token = await tokenFor(`probe-${role}`, [role], { authTime: null });
      // Unknown ids and empty bodies: no route that does not sign gets as far as writing anything.
      const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) =>
        name === 'flagId'
          ? 'os1-0123456789abcdef0123456789abcdef'
          : name === 'name'
            ? 'no-such'
            : randomUUID(),
      );
      const response = await api.request(endpoint.method, path, {
        token,
        // An empty body (every POST here lacks its required fields), or none where the route needs
        // one, or no query where it requires one: invalid on purpose.
        ...(endpoint.method === 'POST' && { body: {} }),
        invalidOnPurpose: breaksDocument(endpoint.method, endpoint.path),
      });
      if (response.status === 401) {
        expectStepUp(response);
        signingRoutes.push(`${endpoint.method} ${endpoint.path}`);
      }
    }
    expect(signingRoutes.sort()).toEqual(
      [
        'POST /api/v1/cases/{caseId}/opinions',
        'POST /api/v1/cases/{caseId}/prior-report-reviews',
        'POST /api/v1/cases/{caseId}/adjudication',
        'POST /api/v1/cases/{caseId}/opinions/{opinionId}/addenda',
        'POST /api/v1/opinion-shopping/flags/{flagId}/review',
      ].sort(),
    );
  });

  it('checks the role first: a caller the role check refuses is 403, not asked to sign in again', async () => {
    const { caseId, assignmentId } = await caseWithStartedRead();
    const token = await tokenFor(COORDINATOR.sub, COORDINATOR.roles, { authTime: null });
    const response = await api.request('POST', `/api/v1/cases/${caseId}/opinions`, {
      token,
      body: opinionBody(assignmentId),
    });
    expect({ status: response.status, code: (response.body as Json).code }).toEqual({
      status: 403,
      code: 'forbidden',
    });
  });

  it('an integrator signing for a reader needs a recent sign-in too, and is recorded as the signer’s agent', async () => {
    const { caseId, assignmentId } = await caseWithStartedRead();
    const signing: Signing = {
      path: `/api/v1/cases/${caseId}/opinions`,
      body: opinionBody(assignmentId),
      as: INTEGRATOR,
      headers: { 'x-on-behalf-of': 'rad-a', 'x-on-behalf-of-name': 'Dr Ana Alvarez' },
      streamId: `case-${caseId}`,
    };
    expectStepUp(await sign(signing, null));
    expectStepUp(await sign(signing, secondsAgo(900)));
    expect((await sign(signing)).status).toBe(201);
    const opinion = (await history(caseId)).events.find((event) => event.type === 'OpinionSubmitted')!;
    expect(opinion.metadata.actor).toEqual({ id: INTEGRATOR.sub, role: 'integrator', onBehalfOf: 'rad-a' });
    expect(opinion.data.signature).toEqual({
      signerName: 'Dr Ana Alvarez',
      meaning: 'authorship',
      signedAt: expect.any(String),
      agent: { id: INTEGRATOR.sub, name: INTEGRATOR.name },
    });
    // A reader signing for itself has no agent.
    const own = await withOpinion();
    const ownOpinion = (await history(own.caseId)).events.find((event) => event.type === 'OpinionSubmitted')!;
    expect(ownOpinion.data.signature).toEqual({
      signerName: 'Dr rad-a',
      meaning: 'authorship',
      signedAt: expect.any(String),
    });
  });

  it("the signature's meaning is hashed with the event: changing it breaks the chain at that event", async () => {
    const { caseId } = await withOpinion();
    const opinion = (await history(caseId)).events.find((event) => event.type === 'OpinionSubmitted')!;
    expect(opinion.data.signature).toMatchObject({ meaning: 'authorship' });
    const altered = await asSuperuser(running.database.url, [EVENT_TABLE], (sql) =>
      setEventField(
        sql,
        { streamId: `case-${caseId}`, revision: opinion.revision },
        ['signature', 'meaning'],
        'approval',
      ),
    );
    expect(altered).toBe(1);
    const response = await api.get<{ integrity: Json; events: Array<{ type: string; data: Json }> }>(
      `/api/v1/cases/${caseId}/history`,
      { sub: 'ml-1', roles: ['medico-legal'] },
    );
    expect(response.status).toBe(200);
    expect(response.body.integrity).toMatchObject({
      verified: false,
      firstBrokenRevision: opinion.revision,
      reason: 'hash-mismatch',
    });
  });
});

describe('SIGNING_MAX_AGE', () => {
  let running: RunningApp;
  let api: ApiClient;
  const { caseWithStartedRead } = caseSteps(() => api);

  beforeAll(async () => {
    running = await startTestApp({ SIGNING_MAX_AGE: '60' });
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => running?.close());

  it('sets how recent the sign-in must be, and the max_age the challenge names', async () => {
    const { caseId, assignmentId } = await caseWithStartedRead();
    const submit = async (authTime: number) =>
      api.request('POST', `/api/v1/cases/${caseId}/opinions`, {
        token: await tokenFor('rad-a', ['radiologist'], { authTime }),
        body: opinionBody(assignmentId),
      });
    // Recent enough for the default 300 s, not for 60.
    expectStepUp(
      await submit(secondsAgo(120)),
      'Bearer error="insufficient_user_authentication", error_description="A signature needs a sign-in within the last 60 seconds", max_age=60',
    );
    expect((await submit(secondsAgo(30))).status).toBe(201);
  });
});

describe('signing with an OpenID provider’s access token', () => {
  const REDIRECT_URI = 'http://127.0.0.1:5173/app/callback';
  let provider: RunningOidcProvider;
  let running: RunningApp;
  let api: ApiClient;

  beforeAll(async () => {
    provider = await startOidcProvider({
      redirectUris: [REDIRECT_URI],
      accounts: {
        'coord-9': { roles: ['coordinator'] },
        'rad-9': { roles: ['radiologist'], name: 'Dr Nine' },
      },
    });
    running = await startTestApp({
      AUTH_JWT_SECRET: '',
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_RESOURCE: DEFAULT_RESOURCE,
    });
    api = new ApiClient(running.baseUrl);
  });
  afterAll(async () => {
    await running?.close();
    await provider?.close();
  });

  it('carries auth_time (the sign-in at the provider), so a reader signed in through the web app can sign', async () => {
    const signIn = async (login: string) =>
      (await signInWithPkce(provider, { login, redirectUri: REDIRECT_URI })).access_token;
    const coordinator = await signIn('coord-9');
    const reader = await signIn('rad-9');
    const { auth_time: authTime } = decodeJwt(reader);
    expect(typeof authTime).toBe('number');
    expect(Math.abs(Date.now() / 1000 - (authTime as number))).toBeLessThan(60);

    const post = async (path: string, token: string, body: Json): Promise<Json> => {
      const response = await api.request('POST', path, { token, body });
      expect({ path, status: response.status, body: response.body }).toMatchObject({ status: 201 });
      return response.body as Json;
    };
    const { caseId } = await post('/api/v1/cases', coordinator, secondOpinionRequest());
    const { assignmentId } = await post(`/api/v1/cases/${caseId as string}/assignments`, coordinator, {
      readerId: 'rad-9',
      role: 'primary',
    });
    await post(`/api/v1/cases/${caseId as string}/reads`, reader, { assignmentId });
    await post(`/api/v1/cases/${caseId as string}/opinions`, reader, opinionBody(assignmentId as string));
  });
});
