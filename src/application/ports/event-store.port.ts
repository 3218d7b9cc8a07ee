/**
 * The event-store port (see `docs/event-store.md`). Both adapters (PostgreSQL and
 * KurrentDB) implement it and pass the same contract suite (`test/contract`).
 *
 * Revisions are 0-based stream positions, as in KurrentDB. A `Position` is a global,
 * adapter-specific, opaque and serialisable cursor into the ordered log of all events.
 */

/** Opaque global position; only the adapter that produced it may interpret it. */
export type Position = string & { readonly __position: unique symbol };

export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | number;

export type JsonObject = { [key: string]: unknown };

/** Metadata is stored as given. Correlation keys use KurrentDB's names so `$by_correlation_id` works. */
export interface EventMetadata extends JsonObject {
  $correlationId?: string;
  $causationId?: string;
}

export interface EventToAppend {
  eventId: string;
  type: string;
  data: JsonObject;
  metadata?: EventMetadata;
  /** Version of the event's data schema; defaults to 1. */
  schemaVersion?: number;
}

export interface RecordedEvent {
  eventId: string;
  type: string;
  streamId: string;
  revision: number;
  data: JsonObject;
  metadata: EventMetadata;
  schemaVersion: number;
  /** Set by the store at commit. */
  recordedAt: Date;
  position: Position;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextExpectedRevision: number;
  /** Position of the last event appended (or of the earlier append, on an idempotent retry). */
  position: Position;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
  direction?: 'forwards' | 'backwards';
}

export interface ReadStreamResult {
  exists: boolean;
  events: RecordedEvent[];
}

export interface ReadAllOptions {
  /** Exclusive: read events strictly after this position. Omitted: from the start. */
  after?: Position;
  maxCount: number;
}

export interface SubscriptionFilter {
  streamPrefixes?: string[];
  eventTypes?: string[];
}

export interface SubscribeOptions {
  after?: Position;
  filter?: SubscriptionFilter;
}

/** A catch-up subscription: yields every matching event after `after`, then follows live appends. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  append(
    streamId: string,
    events: EventToAppend[],
    options: { expected: ExpectedRevision },
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribe(options?: SubscribeOptions): Subscription;
  /**
   * How many events follow `after` in the read-all order (all of them when omitted), counting at
   * most `limit`: projection lag. Optional; without it callers count through `readAll`.
   */
  countAfter?(after: Position | undefined, limit: number): Promise<number>;
  /**
   * Resolves once every event committed before the call can be read by readAll and subscriptions
   * (the PostgreSQL adapter's reads wait for older transactions to end); rejects after `timeoutMs`.
   * Optional; an adapter whose reads see every acknowledged append at once need not have it.
   */
  awaitReadable?(timeoutMs: number): Promise<void>;
  /** Answers when the store is reachable (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Nest injection token for the port. */
export const EVENT_STORE = Symbol('EventStore');

export class WrongExpectedVersionError extends Error {
  readonly code = 'wrong-expected-version';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Actual revision of the stream's last event, or 'no-stream' when it does not exist. */
    readonly actual: number | 'no-stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export class EventStoreUnavailableError extends Error {
  readonly code = 'event-store-unreachable';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`Event store unreachable: ${detail}`, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/** An event id already stored in a way that is not an identical retry of this append. */
export class DuplicateEventIdError extends Error {
  readonly code = 'duplicate-event-id';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(
      `Event ${eventId} is already stored and this append is not an identical retry (stream ${streamId})`,
    );
    this.name = 'DuplicateEventIdError';
  }
}

/** A call the store cannot carry out as asked (the caller's mistake, not a conflict): empty batch, bad count … */
export class InvalidEventStoreRequestError extends Error {
  readonly code = 'invalid-event-store-request';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventStoreRequestError';
  }
}

/** A position this adapter did not produce (each adapter names its own format). */
export class InvalidPositionError extends Error {
  readonly code = 'invalid-position';
  constructor(
    readonly position: unknown,
    format: string,
  ) {
    super(
      `Invalid event-store position ${JSON.stringify(position)}: ${format}; use one returned by this store.`,
    );
    this.name = 'InvalidPositionError';
  }
}
