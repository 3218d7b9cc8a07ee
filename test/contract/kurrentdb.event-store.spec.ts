import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StartedTestContainer } from 'testcontainers';
import { KurrentDbEventStore } from '../../src/infrastructure/event-store/kurrentdb/kurrentdb.event-store.js';
import { describeEventStoreContract } from './event-store.contract.js';

/**
 * The shared contract against a real KurrentDB: the one at KURRENTDB_URL, else one started with
 * testcontainers when a Docker daemon answers, else the suite is reported as skipped, by name.
 * testcontainers is imported only after the daemon answered: some versions crash on import under
 * Node 20, and `npm test` must not fail for want of Docker.
 */
// Same image and version as docker-compose.yml.
const KURRENTDB_IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.1.4';
const KURRENTDB_PORT = 2113;
const DOCKER_PING_TIMEOUT_MS = 1_500;

type DockerEndpoint = { where: string; options: http.RequestOptions; secure: boolean };

/** Where the Docker API is, as the Docker CLI finds it: DOCKER_HOST, else the default socket. */
function dockerEndpoint(env: NodeJS.ProcessEnv): DockerEndpoint | string {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (!dockerHost) {
    const socketPath = '/var/run/docker.sock';
    return existsSync(socketPath)
      ? { where: socketPath, options: { socketPath }, secure: false }
      : `no ${socketPath}`;
  }
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length);
    return { where: socketPath, options: { socketPath }, secure: false };
  }
  if (dockerHost.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    const secure = Boolean(env.DOCKER_TLS_VERIFY);
    const certs = env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');
    const tls = secure
      ? ['ca', 'cert', 'key'].map((name) => readFileSync(path.join(certs, `${name}.pem`)))
      : undefined;
    return {
      where: dockerHost,
      options: {
        host: url.hostname,
        port: Number(url.port || (secure ? 2376 : 2375)),
        ...(tls && { ca: tls[0], cert: tls[1], key: tls[2] }),
      },
      secure,
    };
  }
  return `DOCKER_HOST=${dockerHost} is not probed (only unix:// and tcp://)`;
}

/** A real GET /_ping of the Docker API; resolves to why there is no daemon, or to null when it answered. */
async function dockerDaemonMissing(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  let endpoint: DockerEndpoint | string;
  try {
    endpoint = dockerEndpoint(env);
  } catch (error) {
    return `Docker TLS certificates unreadable (${(error as Error).message})`;
  }
  if (typeof endpoint === 'string') return endpoint;
  const { where, options, secure } = endpoint;
  return new Promise((resolve) => {
    const request = (secure ? https : http).request(
      { ...options, method: 'GET', path: '/_ping', timeout: DOCKER_PING_TIMEOUT_MS },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200 ? null : `Docker at ${where} answered ${response.statusCode}`);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer in ${DOCKER_PING_TIMEOUT_MS} ms`)));
    request.on('error', (error) => resolve(`no Docker daemon at ${where} (${error.message})`));
    request.end();
  });
}

const storeAt = async (url: string) => {
  const store = new KurrentDbEventStore(url);
  return { store, teardown: () => store.close() };
};

const kurrentDbUrl = process.env.KURRENTDB_URL?.trim() || undefined;
const noDocker = kurrentDbUrl ? null : await dockerDaemonMissing();

if (kurrentDbUrl) {
  describeEventStoreContract('KurrentDB at KURRENTDB_URL', () => storeAt(kurrentDbUrl));
} else if (noDocker === null) {
  let container: StartedTestContainer | undefined;
  let url = '';

  beforeAll(async () => {
    const { GenericContainer, Wait } = await import('testcontainers');
    container = await new GenericContainer(KURRENTDB_IMAGE)
      .withExposedPorts(KURRENTDB_PORT)
      .withEnvironment({
        KURRENTDB_CLUSTER_SIZE: '1',
        KURRENTDB_RUN_PROJECTIONS: 'All',
        KURRENTDB_START_STANDARD_PROJECTIONS: 'true',
        KURRENTDB_INSECURE: 'true',
        KURRENTDB_MEM_DB: 'true',
      })
      // The image's HEALTHCHECK polls /health/live on port 2113.
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(180_000)
      .start();
    url = `kurrentdb://${container.getHost()}:${container.getMappedPort(KURRENTDB_PORT)}?tls=false`;
  }, 240_000);

  afterAll(async () => {
    await container?.stop();
  });

  describeEventStoreContract('KurrentDB in a testcontainers container', () => storeAt(url));
} else {
  const reason = `no KURRENTDB_URL and no Docker daemon (${noDocker})`;
  process.stdout.write(
    `KurrentDB contract suite skipped: ${reason}; set KURRENTDB_URL or start a Docker daemon\n`,
  );
  describe.skip(`KurrentDB event store contract — skipped: ${reason}`, () => {
    it('runs the shared EventStore contract against KurrentDB', () => undefined);
  });
}

describe('Docker daemon detection for the KurrentDB contract suite', () => {
  const servers: net.Server[] = [];
  const socketIn = (dir: string) => path.join(dir, 'docker.sock');
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'docker-probe-'));
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    rmSync(dir, { recursive: true, force: true });
  });

  async function listen(server: net.Server, socketPath: string): Promise<void> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  }

  it('counts a daemon as present only when GET /_ping answers 200', async () => {
    const socketPath = socketIn(mkdtempSync(path.join(dir, 'ok-')));
    await listen(
      http.createServer((request, response) => {
        response.statusCode = request.method === 'GET' && request.url === '/_ping' ? 200 : 404;
        response.end('OK');
      }),
      socketPath,
    );
    await expect(dockerDaemonMissing({ DOCKER_HOST: `unix://${socketPath}` })).resolves.toBeNull();
  });

  it('names the socket when nothing listens there', async () => {
    const socketPath = socketIn(dir);
    await expect(dockerDaemonMissing({ DOCKER_HOST: `unix://${socketPath}` })).resolves.toContain(socketPath);
  });

  it('gives up promptly on a socket that accepts but never answers', async () => {
    const socketPath = socketIn(mkdtempSync(path.join(dir, 'silent-')));
    const sockets: net.Socket[] = [];
    await listen(
      net.createServer((socket) => sockets.push(socket)),
      socketPath,
    );
    const started = Date.now();
    await expect(dockerDaemonMissing({ DOCKER_HOST: `unix://${socketPath}` })).resolves.toMatch(/no answer/);
    expect(Date.now() - started).toBeLessThan(DOCKER_PING_TIMEOUT_MS + 1_000);
    for (const socket of sockets) socket.destroy();
  });

  it('does not probe transports it cannot reach (ssh, npipe)', async () => {
    await expect(dockerDaemonMissing({ DOCKER_HOST: 'ssh://builder@example.invalid' })).resolves.toMatch(
      /is not probed/,
    );
  });
});
