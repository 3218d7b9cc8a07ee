import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  EventStoreUnavailableError,
  type EventStore,
  type EventToAppend,
  type Position,
} from '../../src/application/ports/event-store.port.js';
import {
  InvalidEventStoreRequestError,
  InvalidPositionError,
  KurrentDbEventStore,
} from '../../src/infrastructure/event-store/kurrentdb/kurrentdb.event-store.js';

// A real client against real sockets on this machine: a port nothing listens on, and a peer that
// accepts TCP but never answers (a hung server). No KurrentDB is imitated.
const USER = 'engine-writer';
const PASSWORD = 'pa55-Kurrent-s3cret';
const OPERATION_TIMEOUT_MS = 2_000;
/** Well inside the jest timeout, well above the adapter's bound. */
const PROMPT_MS = 5_000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const event = (): EventToAppend => ({ eventId: randomUUID(), type: 'ProbeRecorded', data: { probe: true } });

async function failure(operation: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  try {
    await operation();
  } catch (error) {
    return { error, elapsedMs: Date.now() - started };
  }
  throw new Error('expected the operation to fail');
}

function expectUnavailable(error: unknown, port: number): void {
  expect(error).toBeInstanceOf(EventStoreUnavailableError);
  const { message, code } = error as EventStoreUnavailableError;
  expect(code).toBe('event-store-unreachable');
  expect(message).toContain(`kurrentdb://127.0.0.1:${port}?tls=false`);
  expect(message).not.toContain(USER);
  expect(message).not.toContain(PASSWORD);
}

const operations: Array<[string, (store: EventStore) => Promise<unknown>]> = [
  ['append', (store) => store.append(`case-${randomUUID()}`, [event()], { expected: 'no-stream' })],
  ['readStream', (store) => store.readStream(`case-${randomUUID()}`)],
  ['readAll', (store) => store.readAll({ maxCount: 10 })],
  ['ping', (store) => store.ping()],
];

describe('KurrentDB event store when the server cannot be reached', () => {
  let port: number;
  let store: KurrentDbEventStore;

  beforeAll(async () => {
    port = await freePort();
  });

  afterEach(async () => {
    await store?.close();
  });

  it.each(operations)(
    '%s rejects promptly with EventStoreUnavailableError, naming the URL without credentials',
    async (_, run) => {
      store = new KurrentDbEventStore(`kurrentdb://${USER}:${PASSWORD}@127.0.0.1:${port}?tls=false`, {
        operationTimeoutMs: OPERATION_TIMEOUT_MS,
      });
      const { error, elapsedMs } = await failure(() => run(store));
      expectUnavailable(error, port);
      expect(elapsedMs).toBeLessThan(PROMPT_MS);
    },
  );

  it('a subscription ends its iteration with EventStoreUnavailableError', async () => {
    store = new KurrentDbEventStore(`kurrentdb://${USER}:${PASSWORD}@127.0.0.1:${port}?tls=false`);
    const subscription = store.subscribe();
    const { error } = await failure(async () => {
      for await (const _ of subscription) break;
    });
    expectUnavailable(error, port);
  });

  it('a closed store rejects further calls as unavailable', async () => {
    store = new KurrentDbEventStore(`kurrentdb://127.0.0.1:${port}?tls=false`);
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});

describe('KurrentDB event store when the server accepts connections but never answers', () => {
  let port: number;
  let server: net.Server;
  const sockets = new Set<net.Socket>();
  let store: KurrentDbEventStore;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterEach(async () => {
    await store?.close();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  // The client's server-features probe has no deadline: without the adapter's bound, append waits forever.
  it.each(operations)('%s gives up after the operation timeout', async (_, run) => {
    store = new KurrentDbEventStore(`kurrentdb://${USER}:${PASSWORD}@127.0.0.1:${port}?tls=false`, {
      operationTimeoutMs: OPERATION_TIMEOUT_MS,
    });
    const { error, elapsedMs } = await failure(() => run(store));
    expectUnavailable(error, port);
    expect(elapsedMs).toBeGreaterThanOrEqual(OPERATION_TIMEOUT_MS - 50);
    expect(elapsedMs).toBeLessThan(PROMPT_MS);
  });
});

describe('KurrentDB event store requests refused before any call to the server', () => {
  let store: KurrentDbEventStore;

  beforeAll(async () => {
    store = new KurrentDbEventStore(`kurrentdb://127.0.0.1:${await freePort()}?tls=false`);
  });

  afterAll(async () => {
    await store.close();
  });

  it.each([
    ['a position from another adapter', '1/7421/1003'],
    ['a negative position', '-1/0'],
    ['a position past 64 bits', '18446744073709551616/0'],
    ['text', 'latest'],
  ])('rejects %s as a position', async (_, position) => {
    await expect(store.readAll({ after: position as Position, maxCount: 1 })).rejects.toBeInstanceOf(
      InvalidPositionError,
    );
    expect(() => store.subscribe({ after: position as Position })).toThrow(InvalidPositionError);
  });

  it.each<[string, () => Promise<unknown>]>([
    [
      'a non-UUID event id',
      () => store.append('case-1', [{ ...event(), eventId: 'e-1' }], { expected: 'any' }),
    ],
    ['an empty batch', () => store.append('case-1', [], { expected: 'any' })],
    ['a negative expected revision', () => store.append('case-1', [event()], { expected: -1 })],
    [
      'the reserved metadata key',
      () => store.append('case-1', [{ ...event(), metadata: { $schemaVersion: 2 } }], { expected: 'any' }),
    ],
    ['a zero maxCount', () => store.readAll({ maxCount: 0 })],
    ['a fractional fromRevision', () => store.readStream('case-1', { fromRevision: 1.5 })],
  ])('rejects %s as an invalid request', async (_, run) => {
    await expect(run()).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
  });

  it('does not echo credentials when the connection string is malformed', () => {
    let message = '';
    try {
      new KurrentDbEventStore(`kurrentdb://${USER}:${PASSWORD}@127.0.0.1:notaport?tls=false`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^Invalid KurrentDB connection string kurrentdb:\/\/127\.0\.0\.1:notaport\?tls=false: /,
    );
    expect(message).not.toContain(USER);
    expect(message).not.toContain(PASSWORD);
  });
});
