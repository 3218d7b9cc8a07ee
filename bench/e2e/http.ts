import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { log, sleep } from './util.js';

export interface Caller {
  sub: string;
  roles: string[];
  name: string;
}

/** HS256 bearer tokens signed with the engine's AUTH_JWT_SECRET, one per caller, valid for the run. */
/**
 * Signing commands need a recent sign-in (`auth_time` within SIGNING_MAX_AGE, 300 s by default):
 * a token is signed again once it is older than this.
 */
const TOKEN_REUSE_MS = 240_000;

export class Tokens {
  private readonly cache = new Map<string, { token: string; at: number }>();
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async for(caller: Caller): Promise<string> {
    const id = `${caller.sub}|${caller.roles.join(',')}`;
    const cached = this.cache.get(id);
    if (cached && Date.now() - cached.at < TOKEN_REUSE_MS) return cached.token;
    const at = Date.now();
    const token = await new SignJWT({
      roles: caller.roles,
      name: caller.name,
      auth_time: Math.floor(at / 1000),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(caller.sub)
      .setIssuedAt()
      .setExpirationTime('6h')
      .sign(this.key);
    this.cache.set(id, { token, at });
    return token;
  }
}

export const ADMIN: Caller = { sub: 'bench-admin', roles: ['admin'], name: 'Bench Admin' };
export const COORDINATOR: Caller = { sub: 'bench-coord', roles: ['coordinator'], name: 'Bench Coordinator' };
export const QUALITY: Caller = { sub: 'bench-qc', roles: ['quality-committee'], name: 'Bench Quality' };
export const MEDICO_LEGAL: Caller = { sub: 'bench-ml', roles: ['medico-legal'], name: 'Bench Legal' };
export const radiologist = (sub: string): Caller => ({ sub, roles: ['radiologist'], name: `Dr ${sub}` });

export async function call<T = unknown>(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

interface ProjectionItem {
  name: string;
  state: string;
  lagEvents: number;
  lagSeconds: number;
  generation: number | null;
  error?: string;
  rebuild?: { generation: number; lagEvents: number };
}

export async function projectionStatus(baseUrl: string, adminToken: string): Promise<ProjectionItem[]> {
  const { status, body } = await call<{ items: ProjectionItem[] }>(
    baseUrl,
    adminToken,
    'GET',
    '/api/v1/projections',
  );
  if (status !== 200) throw new Error(`GET /api/v1/projections answered ${status}`);
  return body.items;
}

/** Waits until every projection runs, has no rebuild pending and no lag; reports progress now and then. */
export async function waitForProjections(
  baseUrl: string,
  adminToken: string,
  timeoutMs: number,
  label = 'projections',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  let quietPolls = 0;
  for (;;) {
    const items = await projectionStatus(baseUrl, adminToken);
    const failed = items.find((item) => item.state === 'failed');
    if (failed) throw new Error(`projection ${failed.name} failed: ${failed.error ?? '?'}`);
    const behind = items.filter((item) => item.state !== 'running' || item.lagEvents > 0 || item.rebuild);
    // Twice in a row: an event committed after one status read is not missed.
    quietPolls = behind.length === 0 ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return;
    if (Date.now() > deadline) {
      throw new Error(`${label} not caught up in ${timeoutMs / 1000} s: ${JSON.stringify(behind)}`);
    }
    if (Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      log(
        `  waiting for ${label}: ${behind.map((item) => `${item.name} ${item.state} lag ${item.rebuild ? item.rebuild.lagEvents : item.lagEvents}`).join(', ')}`,
      );
    }
    await sleep(behind.length === 0 ? 100 : 250);
  }
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Responses by status code, 2xx included. */
  statuses: Record<string, number>;
  non2xx: number;
  /** Socket errors and timeouts (no response). */
  errors: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Exactly this many requests (each taken from the generator once), or, without it, `duration`. */
  amount?: number;
  duration?: number;
  /** Requests a second over all connections (open loop); unlimited by default. */
  overallRate?: number;
  /** Builds each request (path, headers, body); called once per request sent. */
  next: () => { method?: string; path: string; headers: Record<string, string>; body?: string };
}

/** autocannon over `connections` keep-alive connections; latency percentiles in ms. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 10 }),
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        setupRequest: (request) => {
          const next = options.next();
          return {
            ...request,
            method: (next.method ?? 'POST') as 'POST',
            path: next.path,
            headers: next.headers,
            ...(next.body === undefined ? {} : { body: next.body }),
          };
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const statuses: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stats.count ?? 0;
  const latency = result.latency as unknown as Record<string, number>;
  const completed = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    requests: completed,
    seconds: result.duration || seconds,
    rps: completed / (result.duration || seconds),
    p50: latency.p50,
    p99: latency.p99,
    p999: latency.p99_9,
    max: latency.max,
    statuses,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
