import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ADMIN, ApiClient, MEDICO_LEGAL } from '../support/api.js';
import { type RunningApp, TEST_JWT_SECRET, startTestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { ENGINE_ENTRY, spawnEngine } from '../support/engine-process.js';
import { waitFor } from '../support/wait-for.js';

/** A protected route every test app serves: an unknown case's history is a plain 404. */
const unknownHistory = (): string => `/api/v1/cases/${randomUUID()}/history`;

const forwardedFor = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

/** The retry delay of a 429: whole seconds within the one-minute window. */
function expectRetryAfter(headers: Headers): void {
  const retryAfter = Number(headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

// Two instances on one database count against the same budgets: the limit is the configured total,
// not that total per instance.
describe('rate limits shared by the instances on one database (HTTP)', () => {
  const LIMIT = { RATE_LIMIT_PER_IP_PER_MINUTE: '4', RATE_LIMIT_PER_USER_PER_MINUTE: '4' };
  let first: RunningApp;
  let second: RunningApp;
  let instances: [ApiClient, ApiClient];

  beforeAll(async () => {
    first = await startTestApp(LIMIT);
    second = await startTestApp(LIMIT, { database: first.database });
    instances = [new ApiClient(first.baseUrl), new ApiClient(second.baseUrl)];
  }, 60_000);

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('unauthenticated requests split across both instances reach the per-IP limit at the configured total', async () => {
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await instances[attempt % 2]!.request('GET', '/nowhere', { invalidOnPurpose: true });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-ratelimit-limit')).toBe('4');
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(4 - attempt));
    }
    for (const api of instances) {
      const limited = await api.request('GET', '/nowhere', { invalidOnPurpose: true });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      expect(limited.body).toMatchObject({ status: 429, code: 'rate-limited', instance: '/nowhere' });
      expectRetryAfter(limited.headers);
    }
  });

  it("a user's requests split across both instances reach the per-user limit at the configured total", async () => {
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await instances[attempt % 2]!.get(unknownHistory(), MEDICO_LEGAL);
      expect(response.status).toBe(404);
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(4 - attempt));
    }
    for (const api of instances) {
      const limited = await api.get(unknownHistory(), MEDICO_LEGAL);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({
        code: 'rate-limited',
        detail: expect.stringContaining('this user'),
      });
      expectRetryAfter(limited.headers);
    }
  });
});

// The counters live in the read-model database; when it cannot count, requests are served unlimited
// rather than failed (the probes and the handlers report the database themselves).
describe('rate limits while their counters cannot be reached (HTTP)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: '2', RATE_LIMIT_PER_USER_PER_MINUTE: '2' });
  }, 60_000);
  afterAll(async () => running?.close());

  it('answers requests as if unlimited, never 500', async () => {
    const admin = new pg.Client({ connectionString: running.database.url });
    await admin.connect();
    try {
      await admin.query('DROP TABLE rate_limit_counters');
    } finally {
      await admin.end();
    }
    const api = new ApiClient(running.baseUrl);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++)
      statuses.push((await api.request('GET', '/nowhere', { invalidOnPurpose: true })).status);
    expect(statuses).toEqual([404, 404, 404, 404]);
  });
});

interface AccessRow {
  ip: string;
  userAgent: string;
  status: number;
}

/** The access-log row of the one request made with `userAgent`, once the projection has it. */
async function accessRowOf(api: ApiClient, userAgent: string): Promise<AccessRow> {
  const rows = await waitFor(
    `the access-log row of ${userAgent}`,
    async () => {
      const log = await api.get<{ items: AccessRow[] }>('/api/v1/access-log?limit=500', ADMIN);
      expect(log.status).toBe(200);
      return log.body.items.filter((row) => row.userAgent === userAgent);
    },
    { until: (found) => found.length >= 1, intervalMs: 50 },
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

// TRUST_PROXY decides whose X-Forwarded-For is believed; unset, the socket's address is the client's.
describe('X-Forwarded-For and TRUST_PROXY (HTTP)', () => {
  /** A per-IP budget of 2; authenticated requests unlimited, so that the access log can be read. */
  const LIMITS = { RATE_LIMIT_PER_IP_PER_MINUTE: '2', RATE_LIMIT_PER_USER_PER_MINUTE: '0' };

  describe.each([
    ['unset', {}],
    ['a range the proxy is not in (10.0.0.0/8)', { TRUST_PROXY: '10.0.0.0/8' }],
  ])('with TRUST_PROXY %s', (_label, trust: Record<string, string>) => {
    let running: RunningApp;
    let api: ApiClient;
    beforeAll(async () => {
      running = await startTestApp({ ...LIMITS, ...trust });
      api = new ApiClient(running.baseUrl);
    }, 60_000);
    afterAll(async () => running?.close());

    it('ignores X-Forwarded-For: every forwarded address counts against the socket address', async () => {
      const statuses: number[] = [];
      for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        statuses.push(
          (await api.request('GET', '/nowhere', { headers: forwardedFor(address), invalidOnPurpose: true }))
            .status,
        );
      }
      expect(statuses).toEqual([404, 404, 429]);
      expect((await api.request('GET', '/nowhere', { invalidOnPurpose: true })).status).toBe(429);
    });

    it('records the socket address in the access log', async () => {
      const userAgent = `trust-proxy-${randomUUID()}`;
      const response = await api.get(`/api/v1/cases/${randomUUID()}`, MEDICO_LEGAL, {
        'user-agent': userAgent,
        ...forwardedFor('203.0.113.9'),
      });
      expect(response.status).toBe(404);
      expect(await accessRowOf(api, userAgent)).toMatchObject({ status: 404, ip: '127.0.0.1' });
    });
  });

  describe.each([
    ['1 (one proxy hop)', '1'],
    ['127.0.0.1 (the proxy address)', '127.0.0.1'],
    ['127.0.0.0/8,::1 (a CIDR list)', '127.0.0.0/8,::1'],
  ])('with TRUST_PROXY=%s', (_label, trustProxy) => {
    let running: RunningApp;
    let api: ApiClient;
    beforeAll(async () => {
      running = await startTestApp({ ...LIMITS, TRUST_PROXY: trustProxy });
      api = new ApiClient(running.baseUrl);
    }, 60_000);
    afterAll(async () => running?.close());

    it('counts the per-IP limit against the forwarded address, the one the proxy appended', async () => {
      const client = forwardedFor('203.0.113.7');
      expect((await api.request('GET', '/nowhere', { headers: client, invalidOnPurpose: true })).status).toBe(
        404,
      );
      expect((await api.request('GET', '/nowhere', { headers: client, invalidOnPurpose: true })).status).toBe(
        404,
      );
      const limited = await api.request('GET', '/nowhere', { headers: client, invalidOnPurpose: true });
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({
        code: 'rate-limited',
        detail: expect.stringContaining('this address'),
      });
      // A client cannot escape by sending an X-Forwarded-For of its own: the proxy appends the real one.
      expect(
        (
          await api.request('GET', '/nowhere', {
            headers: forwardedFor('198.51.100.1, 203.0.113.7'),
            invalidOnPurpose: true,
          })
        ).status,
      ).toBe(429);
      // Other clients behind the same proxy keep their own budgets, and so does the proxy itself.
      expect(
        (
          await api.request('GET', '/nowhere', {
            headers: forwardedFor('203.0.113.8'),
            invalidOnPurpose: true,
          })
        ).status,
      ).toBe(404);
      expect((await api.request('GET', '/nowhere', { invalidOnPurpose: true })).status).toBe(404);
    });

    it('records the forwarded address in the access log', async () => {
      const userAgent = `trust-proxy-${randomUUID()}`;
      const response = await api.get(`/api/v1/cases/${randomUUID()}`, MEDICO_LEGAL, {
        'user-agent': userAgent,
        ...forwardedFor('203.0.113.9'),
      });
      expect(response.status).toBe(404);
      expect(await accessRowOf(api, userAgent)).toMatchObject({ status: 404, ip: '203.0.113.9' });
    });
  });
});

// The engine process (node dist/src/main.js): an invalid TRUST_PROXY stops start-up, and the request
// log shows the address TRUST_PROXY lets it believe.
describe('TRUST_PROXY in the engine process', () => {
  /** `node dist/src/main.js` with `env` until it exits: configuration errors stop it before any database. */
  function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [ENGINE_ENTRY], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((done) => child.on('close', (code) => done({ code, output })));
  }

  it('refuses a TRUST_PROXY that is neither a hop count nor addresses: exit code 78, a message naming the variable', async () => {
    const refused = ['yes', '10.0.0.0/33', '0.0.0.0/0', '127.0.0.1,', '21'];
    const runs = await Promise.all(refused.map((value) => runUntilExit({ TRUST_PROXY: value })));
    expect(runs).toEqual(
      refused.map((value) => ({
        code: 78,
        output:
          'Invalid configuration: TRUST_PROXY must be a number of proxy hops (0 to 20) or a comma-separated ' +
          `list of proxy addresses and CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1), got "${value}"\n`,
      })),
    );
  }, 120_000);

  it.each([
    ['unset', '127.0.0.1', {}],
    ['127.0.0.1', '203.0.113.5', { TRUST_PROXY: '127.0.0.1' }],
  ])(
    'with TRUST_PROXY %s the request log names %s as the client of a request forwarded for 203.0.113.5',
    async (_label, logged, trust: Record<string, string>) => {
      const database = await createTestDatabase('e2e');
      try {
        const engine = await spawnEngine({
          DATABASE_URL: database.url,
          AUTH_JWT_SECRET: TEST_JWT_SECRET,
          SLA_WATCH_INTERVAL_MS: '0',
          ...trust,
        });
        const response = await fetch(`${engine.baseUrl}/nowhere-${randomUUID()}`, {
          headers: forwardedFor('203.0.113.5'),
        });
        expect(response.status).toBe(404);
        engine.child.kill('SIGTERM');
        expect(await engine.exited).toBe(0);
        const line = engine
          .output()
          .split('\n')
          .find((entry) => entry.includes('"/nowhere-') && entry.includes('"remoteAddress"'));
        expect(line).toBeDefined();
        expect((JSON.parse(line!) as { req: { remoteAddress: string } }).req.remoteAddress).toBe(logged);
      } finally {
        await database.drop();
      }
    },
    120_000,
  );
});
