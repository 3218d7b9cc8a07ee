import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CommandContext, CommandPath } from '../../src/application/command-path/command-path.js';
import { verifyChain } from '../../src/application/integrity/hash-chain.js';
import type { Clock } from '../../src/application/ports/clock.port.js';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';
import { type TicketCommand, ticket } from './ticket.aggregate.js';

const clock: Clock = { now: () => new Date('2026-11-28T12:00:00Z') };
const context = (): CommandContext => ({
  actor: { id: 'user-1', role: 'coordinator' },
  correlationId: 'corr-1',
});

/** The store, counting the reads and appends that reach it. */
function counting(store: EventStore): { store: EventStore; reads: () => number; appends: () => number } {
  let reads = 0;
  let appends = 0;
  const counted = Object.create(store) as EventStore;
  counted.readStream = (...args) => {
    reads++;
    return store.readStream(...args);
  };
  counted.append = (...args) => {
    appends++;
    return store.append(...args);
  };
  return { store: counted, reads: () => reads, appends: () => appends };
}

describe('CommandPath: commands of one process on one stream take turns', () => {
  let database: TestDatabase;
  let store: EventStore;
  beforeAll(async () => {
    database = await createTestDatabase('turns');
    store = await PostgresEventStore.start(database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const note = (path: CommandPath, stream: string) =>
    path.execute(ticket, stream, context(), (): TicketCommand => ({ type: 'Note' }));

  it('20 concurrent commands on one stream: no conflict, no wasted append, and the waiting ones are handed the state', async () => {
    const { store: counted, reads, appends } = counting(store);
    const path = new CommandPath(counted, clock);
    await path.execute(ticket, 'turns-hot', context(), (): TicketCommand => ({ type: 'Open', id: 'hot' }));
    const results = await Promise.all(Array.from({ length: 20 }, () => note(path, 'turns-hot')));
    expect(results.map((result) => result.revision).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(appends()).toBe(21);
    expect(reads()).toBeLessThan(21);
    const { events } = await store.readStream('turns-hot');
    expect(events.map((event) => event.data.n)).toEqual([
      undefined,
      ...Array.from({ length: 20 }, (_, i) => i + 1),
    ]);
    expect(verifyChain(events)).toEqual({ verified: true, checked: 21 });
  });

  it('two processes on one stream still meet at the expected revision and retry: every command lands once', async () => {
    const first = new CommandPath(store, clock);
    const second = new CommandPath(store, clock);
    await first.execute(ticket, 'turns-shared', context(), (): TicketCommand => ({
      type: 'Open',
      id: 'shared',
    }));
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => note(i % 2 === 0 ? first : second, 'turns-shared')),
    );
    const { events } = await store.readStream('turns-shared');
    expect(events.map((event) => event.data.n)).toEqual([
      undefined,
      ...Array.from({ length: 16 }, (_, i) => i + 1),
    ]);
    expect(verifyChain(events)).toEqual({ verified: true, checked: 17 });
  });

  it('a command refused in line leaves the state to the next one unchanged', async () => {
    const path = new CommandPath(store, clock);
    await path.execute(ticket, 'turns-take', context(), (): TicketCommand => ({ type: 'Open', id: 'take' }));
    const outcomes = await Promise.allSettled([
      path.execute(ticket, 'turns-take', context(), (): TicketCommand => ({ type: 'Take', by: 'u1' })),
      path.execute(ticket, 'turns-take', context(), (): TicketCommand => ({ type: 'Take', by: 'u2' })),
      note(path, 'turns-take'),
      path.execute(ticket, 'turns-take', context(), (): TicketCommand => ({ type: 'Take', by: 'u3' })),
      note(path, 'turns-take'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const { events } = await store.readStream('turns-take');
    expect(events.map((event) => event.type)).toEqual(['Opened', 'Taken', 'Noted', 'Noted']);
    expect(events.map((event) => event.data.n)).toEqual([undefined, undefined, 1, 2]);
    expect(verifyChain(events)).toEqual({ verified: true, checked: 4 });
  });
});
