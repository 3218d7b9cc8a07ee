import { Inject, Injectable } from '@nestjs/common';
import type { Decider, DomainEvent } from '../../domain/shared/decider.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import {
  EVENT_STORE,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type JsonObject,
  type Position,
  type RecordedEvent,
  WrongExpectedVersionError,
} from '../ports/event-store.port.js';
import { GENESIS_HASH, eventHash } from '../integrity/hash-chain.js';
import { CommandIds } from './command-ids.js';

/** Who acts, as recorded in every event's metadata. */
export interface ActingIdentity {
  id: string;
  role: string;
  name?: string;
  onBehalfOf?: { id: string; name?: string };
}

/** What the transport knows about a command, beside its body. */
export interface CommandContext {
  actor: ActingIdentity;
  correlationId: string;
  causationId?: string;
  /** When it happened, if an integrator supplied it (imported history); else the server time. */
  occurredAt?: string;
  /** `<caller>:<Idempotency-Key>`: makes generated ids and event ids deterministic. */
  idempotencyScope?: string;
  /** `If-Match` revision: compared with the stream before deciding, never retried. */
  ifMatch?: number;
}

export interface CommandMetadataInput {
  now: string;
  occurredAt: string;
  ids: CommandIds;
}

/** How one aggregate type is stored: its decider, stream naming and event (de)serialisation. */
export interface AggregateDefinition<Command, Event extends DomainEvent, State> {
  decider: Decider<Command, Event, State>;
  /** Reads a stored event as the current shape of the domain event (upcasting old schema versions). */
  fromStored(event: RecordedEvent): Event;
  schemaVersionOf(type: Event['type']): number;
  /**
   * The person an acting system (an integrator) acted for when the request did not name one, e.g.
   * the assignment's reader; recorded as the events' `actor.onBehalfOf`.
   */
  actingFor?(command: Command, state: State): string | undefined;
}

export interface CommandResult<Event, State> {
  /** The events this command recorded (on an idempotent replay: the ones recorded the first time). */
  events: Event[];
  recorded: RecordedEvent[] | EventToAppend[];
  /** State after the command. */
  state: State;
  /** Revision of the stream's last event after the command (the ETag). */
  revision: number;
  /** True when these events were already stored by an earlier identical command. */
  replayed: boolean;
}

const MAX_ATTEMPTS = 10;

/** A stream as the last command of this process left it: what the next one in line may start from. */
interface StreamSnapshot {
  aggregate: unknown;
  state: unknown;
  revision: number;
  lastHash: string;
}

/** Commands of this process on one stream, one at a time (see CommandPath.execute). */
interface StreamTurn {
  tail: Promise<void>;
  /** Commands holding or awaiting the turn. */
  queued: number;
  /** Set when a command ends while others wait; the next one takes it instead of reading the stream. */
  handoff?: StreamSnapshot;
}

function preconditionFailed(expected: number, revision: number): DomainError {
  return new DomainError(
    'precondition-failed',
    `If-Match names revision ${expected} but the case is at revision ${revision}.`,
  );
}

/**
 * The one path every command takes: read the stream, fold, decide, append with the expected
 * revision; on a concurrent write, read and decide again (a rule that no longer holds then fails
 * cleanly with its own error), at most MAX_ATTEMPTS times.
 *
 * Within one process, commands on the same stream take turns (the others on that stream wait;
 * other streams are not held up): on a hot stream, concurrent writers of this instance never
 * conflict with each other and never re-read and re-decide for nothing, and a command that finds
 * others waiting hands them the state it leaves (folded, with its revision and last hash), so the
 * next one does not read the stream again. Writers in other instances are still caught by the
 * expected revision: their conflict is retried with a fresh read, as always.
 */
@Injectable()
export class CommandPath {
  private readonly turns = new Map<string, StreamTurn>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute<Command, Event extends DomainEvent, State>(
    aggregate: AggregateDefinition<Command, Event, State>,
    streamId: string,
    context: CommandContext,
    buildCommand: (metadata: CommandMetadataInput, state: State) => Command,
    ids: CommandIds = new CommandIds(context.idempotencyScope),
  ): Promise<CommandResult<Event, State>> {
    let turn = this.turns.get(streamId);
    if (!turn) {
      turn = { tail: Promise.resolve(), queued: 0 };
      this.turns.set(streamId, turn);
    }
    const previous = turn.tail;
    let release!: () => void;
    turn.tail = new Promise<void>((resolve) => (release = resolve));
    turn.queued++;
    try {
      await previous;
      return await this.executeInTurn(aggregate, streamId, context, buildCommand, ids, turn);
    } finally {
      turn.queued--;
      if (turn.queued === 0 && this.turns.get(streamId) === turn) this.turns.delete(streamId);
      release();
    }
  }

  private async executeInTurn<Command, Event extends DomainEvent, State>(
    aggregate: AggregateDefinition<Command, Event, State>,
    streamId: string,
    context: CommandContext,
    buildCommand: (metadata: CommandMetadataInput, state: State) => Command,
    ids: CommandIds,
    turn: StreamTurn,
  ): Promise<CommandResult<Event, State>> {
    for (let attempt = 1; ; attempt++) {
      const handoff = turn.handoff;
      turn.handoff = undefined;
      // A command with an idempotency scope looks for its own events in the stream: it reads it.
      const loaded =
        handoff && handoff.aggregate === aggregate && !ids.deterministic
          ? { ...(handoff as StreamSnapshot & { state: State }), stored: [] as RecordedEvent[] }
          : await this.load(aggregate, streamId);
      const { state, revision, lastHash, stored } = loaded;
      // Whatever this attempt ends in without appending leaves the stream as loaded: the next in line may start there.
      const handOn = (snapshot: StreamSnapshot): void => {
        if (turn.queued > 1) turn.handoff = snapshot;
      };
      const unchanged: StreamSnapshot = { aggregate, state, revision, lastHash };

      // An identical command already went through (its first event id is in the stream).
      if (ids.deterministic) {
        const firstId = ids.eventId(0);
        const at = stored.findIndex((event) => event.eventId === firstId);
        if (at !== -1) return this.replay(aggregate, stored, at, ids);
      }
      const now = this.clock.now().toISOString();
      let command: Command;
      try {
        command = buildCommand({ now, occurredAt: context.occurredAt ?? now, ids }, state);
      } catch (error) {
        handOn(unchanged);
        throw error;
      }
      if (context.ifMatch !== undefined && context.ifMatch !== revision) {
        handOn(unchanged);
        // api.md orders 404 (an unknown case, assignment or opinion) before 412, and 412 before every
        // other rule: the decision (pure) only tells whether what the command names exists.
        try {
          aggregate.decider.decide(command, state);
        } catch (error) {
          if (error instanceof DomainError && error.code === 'not-found') throw error;
        }
        throw preconditionFailed(context.ifMatch, revision);
      }
      let events: Event[];
      try {
        events = aggregate.decider.decide(command, state);
      } catch (error) {
        handOn(unchanged);
        throw error;
      }
      if (events.length === 0) {
        handOn(unchanged);
        return { events, recorded: [], state, revision, replayed: false };
      }

      const actingFor = context.actor.onBehalfOf?.id ?? aggregate.actingFor?.(command, state);
      const toAppend = this.envelope(
        aggregate,
        events,
        context,
        ids,
        lastHash,
        context.occurredAt ?? now,
        actingFor,
      );
      try {
        await this.store.append(streamId, toAppend, {
          expected: revision === -1 ? 'no-stream' : revision,
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (context.ifMatch !== undefined) {
          throw new DomainError(
            'precondition-failed',
            'The case changed after the If-Match revision was checked.',
          );
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new DomainError(
            'concurrency-conflict',
            'The case kept changing while this command was decided; retry with the current state.',
          );
        }
        // A little jitter keeps writers that lost together from colliding again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * 2));
        continue;
      }
      const after = events.reduce((folded, event) => aggregate.decider.evolve(folded, event), state);
      if (turn.queued > 1) {
        // The next in line folds what a read would give it: the stored form of these events.
        const stateAsStored = toAppend.reduce(
          (folded, event, index) =>
            aggregate.decider.evolve(
              folded,
              aggregate.fromStored({
                eventId: event.eventId,
                type: event.type,
                streamId,
                revision: revision + 1 + index,
                data: event.data,
                metadata: event.metadata ?? {},
                schemaVersion: event.schemaVersion ?? 1,
                recordedAt: new Date(now),
                // Not stored yet: fromStored reads the type, schema version and data.
                position: '' as Position,
              }),
            ),
          state,
        );
        const hash = toAppend.at(-1)!.metadata?.hash;
        handOn({
          aggregate,
          state: stateAsStored,
          revision: revision + events.length,
          lastHash: typeof hash === 'string' ? hash : lastHash,
        });
      }
      return {
        events,
        recorded: toAppend,
        state: after,
        revision: revision + events.length,
        replayed: false,
      };
    }
  }

  /** Folds a whole stream; revision -1 means the stream does not exist. */
  async load<Command, Event extends DomainEvent, State>(
    aggregate: AggregateDefinition<Command, Event, State>,
    streamId: string,
  ): Promise<{ state: State; revision: number; lastHash: string; stored: RecordedEvent[] }> {
    const { events: stored } = await this.store.readStream(streamId);
    let state = aggregate.decider.initialState();
    for (const event of stored) state = aggregate.decider.evolve(state, aggregate.fromStored(event));
    const last = stored.at(-1);
    const lastHash = typeof last?.metadata.hash === 'string' ? last.metadata.hash : GENESIS_HASH;
    return { state, revision: last ? last.revision : -1, lastHash, stored };
  }

  private replay<Command, Event extends DomainEvent, State>(
    aggregate: AggregateDefinition<Command, Event, State>,
    stored: RecordedEvent[],
    at: number,
    ids: CommandIds,
  ): CommandResult<Event, State> {
    let end = at;
    while (end + 1 < stored.length && stored[end + 1]!.eventId === ids.eventId(end + 1 - at)) end++;
    const mine = stored.slice(at, end + 1);
    let state = aggregate.decider.initialState();
    for (const event of stored.slice(0, end + 1))
      state = aggregate.decider.evolve(state, aggregate.fromStored(event));
    return {
      events: mine.map((event) => aggregate.fromStored(event)),
      recorded: mine,
      state,
      revision: stored[end]!.revision,
      replayed: true,
    };
  }

  private envelope<Command, Event extends DomainEvent, State>(
    aggregate: AggregateDefinition<Command, Event, State>,
    events: Event[],
    context: CommandContext,
    ids: CommandIds,
    lastHash: string,
    occurredAt: string,
    actingFor: string | undefined,
  ): EventToAppend[] {
    let prevHash = lastHash;
    const firstEventId = ids.eventId(0);
    return events.map((event, index) => {
      // What is hashed must be exactly what the store keeps: JSON drops undefined fields.
      const data = JSON.parse(JSON.stringify(event.data)) as JsonObject;
      const actor: JsonObject = { id: context.actor.id, role: context.actor.role };
      if (actingFor !== undefined && actingFor !== context.actor.id) actor.onBehalfOf = actingFor;
      const metadata: EventMetadata = {
        actor,
        occurredAt,
        schemaVersion: aggregate.schemaVersionOf(event.type),
        $correlationId: context.correlationId,
        // The first event is caused by the request; follow-ups in the same append by that first event.
        $causationId: index === 0 ? (context.causationId ?? context.correlationId) : firstEventId,
        prevHash,
      };
      const hash = eventHash(prevHash, event.type, data, metadata);
      prevHash = hash;
      return {
        eventId: ids.eventId(index),
        type: event.type,
        data,
        metadata: { ...metadata, hash },
        schemaVersion: aggregate.schemaVersionOf(event.type),
      };
    });
  }
}
