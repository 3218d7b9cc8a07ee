import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandIds } from '../../src/application/command-path/command-ids.js';
import { type CommandContext, CommandPath } from '../../src/application/command-path/command-path.js';
import { verifyChain } from '../../src/application/integrity/hash-chain.js';
import type { Clock } from '../../src/application/ports/clock.port.js';
import { type EventStore, WrongExpectedVersionError } from '../../src/application/ports/event-store.port.js';
import { type DomainError } from '../../src/domain/kernel/domain-error.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';
import { type TicketCommand, ticket } from './ticket.aggregate.js';

const clock: Clock = { now: () => new Date('2026-11-28T12:00:00Z') };
const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  actor: { id: 'user-1', role: 'coordinator' },
  correlationId: 'corr-1',
  ...overrides,
});

describe('CommandPath (read → fold → decide → append with expected revision) on PostgreSQL', () => {
  let database: TestDatabase;
  let store: EventStore;
  let path: CommandPath;
  beforeAll(async () => {
    database = await createTestDatabase('path');
    store = await PostgresEventStore.start(database.url);
    path = new CommandPath(store, clock);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const open = async (stream: string) =>
    path.execute(ticket, stream, context(), (): TicketCommand => ({ type: 'Open', id: stream }));

  /**
   * A second engine instance on the same store: its own CommandPath (its own turns), its writes
   * landing between this instance's read and append whenever `interleave` is armed.
   */
  const secondInstance = (): {
    path: CommandPath;
    /** Before this instance's next append, run `write` (another instance's command) to completion. */
    interleave(write: () => Promise<unknown>): void;
    conflicts(): number;
  } => {
    let before: (() => Promise<unknown>) | undefined;
    let conflicts = 0;
    const interleaved = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'append') {
          return async (...args: Parameters<EventStore['append']>) => {
            const write = before;
            before = undefined;
            if (write) await write();
            try {
              return await target.append(...args);
            } catch (error) {
              if (error instanceof WrongExpectedVersionError) conflicts++;
              throw error;
            }
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    return {
      path: new CommandPath(interleaved, clock),
      interleave: (write) => (before = write),
      conflicts: () => conflicts,
    };
  };

  it('re-reads and re-decides after a concurrent write: every one of 10 concurrent increments lands once', async () => {
    await open('ticket-counter');
    const a = secondInstance();
    const b = secondInstance();
    const note = (on: CommandPath) =>
      on.execute(ticket, 'ticket-counter', context(), (): TicketCommand => ({ type: 'Note' }));
    // A's first append finds the stream moved on by B after A read it: a real conflict.
    let interleaved: ReturnType<typeof note> | undefined;
    a.interleave(() => (interleaved = note(b.path)));
    let decisionsOfFirst = 0;
    const first = a.path.execute(ticket, 'ticket-counter', context(), (): TicketCommand => {
      decisionsOfFirst++;
      return { type: 'Note' };
    });
    const results = await Promise.all([
      first,
      ...Array.from({ length: 4 }, () => note(a.path)),
      ...Array.from({ length: 4 }, () => note(b.path)),
    ]);
    results.push(await interleaved!);
    expect(a.conflicts()).toBeGreaterThanOrEqual(1);
    expect(decisionsOfFirst).toBeGreaterThanOrEqual(2);
    expect(results.map((result) => result.revision).sort((x, y) => x - y)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const { events } = await store.readStream('ticket-counter');
    expect(events.map((event) => event.data.n)).toEqual([undefined, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(verifyChain(events)).toEqual({ verified: true, checked: 11 });
  });

  it('a rule that no longer holds after the re-read fails cleanly: exactly one of 8 concurrent takers wins', async () => {
    await open('ticket-take');
    const a = secondInstance();
    const b = secondInstance();
    const take = (on: CommandPath, stream: string, by: string) =>
      on.execute(ticket, stream, context(), (): TicketCommand => ({ type: 'Take', by }));
    // B takes the ticket between A's read and A's append: A re-reads, and its rule no longer holds.
    let interleaved: Promise<unknown> | undefined;
    a.interleave(() => (interleaved = take(b.path, 'ticket-take', 'b')));
    let decisions = 0;
    const lost = a.path.execute(ticket, 'ticket-take', context(), (): TicketCommand => {
      decisions++;
      return { type: 'Take', by: 'a' };
    });
    await expect(lost).rejects.toMatchObject({ code: 'already-taken' });
    await interleaved;
    expect(a.conflicts()).toBe(1);
    expect(decisions).toBe(2);
    expect((await store.readStream('ticket-take')).events.map((event) => event.data.by)).toEqual([
      undefined,
      'b',
    ]);

    // Eight takers in two instances: whatever the interleaving, one wins and the others fail cleanly.
    await open('ticket-take-8');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) =>
        take(index % 2 ? a.path : b.path, 'ticket-take-8', `u${index}`),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [(outcome.reason as DomainError).code] : [],
    );
    expect(new Set(codes)).toEqual(new Set(['already-taken']));
  });

  it('If-Match is compared before deciding and never retried', async () => {
    await open('ticket-if-match');
    await expect(
      path.execute(ticket, 'ticket-if-match', context({ ifMatch: 3 }), (): TicketCommand => ({
        type: 'Note',
      })),
    ).rejects.toMatchObject({
      code: 'precondition-failed',
    });
    const ok = await path.execute(ticket, 'ticket-if-match', context({ ifMatch: 0 }), () => ({
      type: 'Note',
    }));
    expect(ok.revision).toBe(1);
    // On an unknown stream the command's own not-found wins over If-Match (api.md: 404 before 412).
    await expect(
      path.execute(ticket, 'ticket-missing', context({ ifMatch: 0 }), (): TicketCommand => ({
        type: 'Note',
      })),
    ).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('with an idempotency scope, a retry finds its events and returns the first result without writing', async () => {
    await open('ticket-idem');
    const scoped = context({ idempotencyScope: 'user-1\u0000key-1' });
    const first = await path.execute(ticket, 'ticket-idem', scoped, (): TicketCommand => ({
      type: 'Take',
      by: 'u1',
    }));
    const again = await path.execute(ticket, 'ticket-idem', scoped, (): TicketCommand => ({
      type: 'Take',
      by: 'u1',
    }));
    expect(again.replayed).toBe(true);
    expect(again.revision).toBe(first.revision);
    expect(again.events).toEqual(first.events);
    expect((await store.readStream('ticket-idem')).events).toHaveLength(2);
    // The ids are derived from caller and key, so they are the same in another process after a crash.
    expect(new CommandIds('user-1\u0000key-1').eventId(0)).toBe(
      new CommandIds('user-1\u0000key-1').eventId(0),
    );
    expect(new CommandIds('user-2\u0000key-1').eventId(0)).not.toBe(
      new CommandIds('user-1\u0000key-1').eventId(0),
    );
  });

  it('records actor, occurredAt, correlation and causation, and chains hashes across appends', async () => {
    await open('ticket-meta');
    await path.execute(
      ticket,
      'ticket-meta',
      context({ correlationId: 'corr-9', occurredAt: '2026-01-01T00:00:00.000Z' }),
      () => ({
        type: 'Note',
      }),
    );
    const { events } = await store.readStream('ticket-meta');
    expect(events[1]!.metadata).toMatchObject({
      actor: { id: 'user-1', role: 'coordinator' },
      occurredAt: '2026-01-01T00:00:00.000Z',
      $correlationId: 'corr-9',
      $causationId: 'corr-9',
      prevHash: events[0]!.metadata.hash,
    });
    expect(verifyChain(events).verified).toBe(true);
  });

  it("records follow-up events of an append as the engine's, caused by the command's own event", async () => {
    await open('ticket-follow-up');
    await path.execute(
      ticket,
      'ticket-follow-up',
      context({ actor: { id: 'portal-1', role: 'integrator', onBehalfOf: { id: 'rad-7' } } }),
      (): TicketCommand => ({ type: 'TakeAndNote', by: 'rad-7' }),
    );
    const [, taken, noted] = (await store.readStream('ticket-follow-up')).events;
    expect(taken!.metadata).toMatchObject({
      actor: { id: 'portal-1', role: 'integrator', onBehalfOf: 'rad-7' },
      $causationId: 'corr-1',
    });
    expect(noted!.metadata.actor).toEqual({ id: 'engine', role: 'system' });
    expect(noted!.metadata.$causationId).toBe(taken!.eventId);
  });
});
