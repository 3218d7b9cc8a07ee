import { Inject, Injectable } from '@nestjs/common';
import type { Decider, DomainEvent } from '../../domain/kernel/decider.js';
import { DomainError } from '../../domain/kernel/domain-error.js';
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
import { type StreamSnapshot, type StreamTurn, StreamTurns } from './stream-turns.js';

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

/** The actor of the events the engine appends in consequence of a command (every one after the first). */
export const ENGINE_ACTOR = { id: 'engine', role: 'system' } as const;

/** Folds stored events onto a state (from the start of the stream by default): the one fold. */
export function foldStored<Command, Event extends DomainEvent, State>(
  aggregate: AggregateDefinition<Command, Event, State>,
  events: readonly RecordedEvent[],
  state: State = aggregate.decider.initialState(),
): State {
  return events.reduce(
    (folded, event) => aggregate.decider.evolve(folded, aggregate.fromStored(event)),
    state,
  );
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
 * cleanly with its own error), at most MAX_ATTEMPTS times. Commands of this process on one stream
 * take turns (StreamTurns), so they hand each other the folded state instead of colliding.
 */
@Injectable()
export class CommandPath {
  private readonly turns = new StreamTurns();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute<Command, Event extends DomainEvent, State>(
    aggregate: AggregateDefinition<Command, Event, State>,
    streamId: string,
    context: CommandContext,
    buildCommand: (metadata: CommandMetadataInput, state: State) => Command,
    ids: CommandIds = new CommandIds(context.idempotencyScope),
  ): Promise<CommandResult<Event, State>> {
    return this.turns.take(streamId, (turn) =>
      this.executeInTurn(aggregate, streamId, context, buildCommand, ids, turn),
    );
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
      const handoff = turn.takeHandoff();
      // A command with an idempotency scope looks for its own events in the stream: it reads it.
      const loaded =
        handoff && handoff.aggregate === aggregate && !ids.deterministic
          ? { ...(handoff as StreamSnapshot & { state: State }), stored: [] as RecordedEvent[] }
          : await this.load(aggregate, streamId);
      const { state, revision, lastHash, stored } = loaded;
      // Whatever this attempt ends in without appending leaves the stream as loaded.
      const unchanged: StreamSnapshot = { aggregate, state, revision, lastHash };

      // An identical command already went through (its first event id is in the stream).
      if (ids.deterministic) {
        const firstId = ids.eventId(0);
        const at = stored.findIndex((event) => event.eventId === firstId);
        if (at !== -1) return this.replay(aggregate, stored, at, ids);
      }
      const now = this.clock.now().toISOString();
      let command: Command;
      let events: Event[];
      try {
        command = buildCommand({ now, occurredAt: context.occurredAt ?? now, ids }, state);
        if (context.ifMatch !== undefined && context.ifMatch !== revision) {
          // 404 (an unknown case, assignment or opinion) comes before 412, and 412 before every other
          // rule: the decision (pure) only tells whether what the command names exists.
          try {
            aggregate.decider.decide(command, state);
          } catch (error) {
            if (error instanceof DomainError && error.code === 'not-found') throw error;
          }
          throw preconditionFailed(context.ifMatch, revision);
        }
        events = aggregate.decider.decide(command, state);
      } catch (error) {
        turn.handOn(unchanged);
        throw error;
      }
      if (events.length === 0) {
        turn.handOn(unchanged);
        return { events, recorded: [], state, revision, replayed: false };
      }

      const actingFor = context.actor.onBehalfOf?.id ?? aggregate.actingFor?.(command, state);
      const occurredAt = context.occurredAt ?? now;
      const toAppend = this.envelope(aggregate, events, context, ids, lastHash, occurredAt, actingFor);
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
      // The next in line folds what a read would give it: the stored form of these events.
      turn.handOn(() => ({
        aggregate,
        state: foldStored(
          aggregate,
          toAppend.map((event, index) => asRecorded(event, streamId, revision + 1 + index, now)),
          state,
        ),
        revision: revision + events.length,
        lastHash: String(toAppend.at(-1)!.metadata?.hash ?? lastHash),
      }));
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
    const last = stored.at(-1);
    const lastHash = typeof last?.metadata.hash === 'string' ? last.metadata.hash : GENESIS_HASH;
    return { state: foldStored(aggregate, stored), revision: last ? last.revision : -1, lastHash, stored };
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
    return {
      events: mine.map((event) => aggregate.fromStored(event)),
      recorded: mine,
      state: foldStored(aggregate, stored.slice(0, end + 1)),
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
      // The command's own event is the caller's; what the engine decided in consequence (a
      // discordance, escalation, consensus, ended assignments) is the engine's, caused by that event.
      const actor: JsonObject =
        index === 0 ? { id: context.actor.id, role: context.actor.role } : { ...ENGINE_ACTOR };
      if (index === 0 && actingFor !== undefined && actingFor !== context.actor.id)
        actor.onBehalfOf = actingFor;
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

/** An event about to be appended, as a read would return it (fromStored reads type, version, data). */
function asRecorded(event: EventToAppend, streamId: string, revision: number, now: string): RecordedEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    streamId,
    revision,
    data: event.data,
    metadata: event.metadata ?? {},
    schemaVersion: event.schemaVersion ?? 1,
    recordedAt: new Date(now),
    // Not stored yet.
    position: '' as Position,
  };
}
