import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type CurrentStreamState,
  type Filter,
  type JSONEventType,
  type Position as KurrentPosition,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionFilter,
  InvalidEventStoreRequestError,
  InvalidPositionError,
} from '../../../application/ports/event-store.port.js';
import {
  assertAppendable,
  assertCount,
  assertReadStreamOptions,
  subscriptionMatcher,
  type ExpectedStreamState,
} from '../event-store.request.js';
import { UNREACHABLE_SOCKET_CODES } from '../event-store.unreachable.js';

export { InvalidEventStoreRequestError, InvalidPositionError };

/**
 * Stored metadata key that carries `schemaVersion`; stripped on read so that metadata round-trips.
 * The `$` prefix marks it as store-owned, like KurrentDB's own `$correlationId`/`$causationId`.
 */
export const SCHEMA_VERSION_KEY = '$schemaVersion';

export interface KurrentDbEventStoreOptions {
  /**
   * Upper bound for one append, read or ping. The client has no deadline on some calls (its
   * server-features probe waits forever on a server that accepts TCP but never answers).
   */
  operationTimeoutMs?: number;
}

const DEFAULT_OPERATION_TIMEOUT_MS = 10_000;
/** Read by `ping`; it need not exist (a missing stream is an answer too). */
const PING_STREAM = 'engine-readiness-probe';

const STREAM_STATES: Record<ExpectedStreamState, AppendStreamState> = {
  any: ANY,
  'no-stream': NO_STREAM,
  'stream-exists': STREAM_EXISTS,
};

/** gRPC status codes that mean "the server did not answer": UNAVAILABLE and DEADLINE_EXCEEDED. */
const GRPC_UNREACHABLE = new Set([14, 4]);
const CLIENT_UNREACHABLE = new Set<string>([ErrorType.UNAVAILABLE, ErrorType.DEADLINE_EXCEEDED]);

// Commit and prepare positions are unsigned 64-bit log offsets.
const POSITION = /^(0|[1-9]\d{0,19})\/(0|[1-9]\d{0,19})$/;
const MAX_LOG_POSITION = 18_446_744_073_709_551_615n;

/** Event store over KurrentDB (gRPC client). Revisions are KurrentDB's own 0-based stream revisions. */
export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly endpoint: string;
  private readonly secrets: string[];
  private readonly operationTimeoutMs: number;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(connectionString: string, options: KurrentDbEventStoreOptions = {}) {
    const { endpoint, secrets } = withoutCredentials(connectionString);
    this.endpoint = endpoint;
    this.secrets = secrets;
    this.operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    assertCount('operationTimeoutMs', this.operationTimeoutMs);
    try {
      this.client = KurrentDBClient.connectionString(connectionString);
    } catch (error) {
      // The client's parse error quotes the whole connection string, credentials included: no `cause`.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`Invalid KurrentDB connection string ${endpoint}: ${this.redact(errorText(error))}`);
    }
  }

  async append(
    streamId: string,
    events: EventToAppend[],
    { expected }: { expected: ExpectedRevision },
  ): Promise<AppendResult> {
    assertAppendable(streamId, events, expected, { reservedMetadataKeys: [SCHEMA_VERSION_KEY] });
    const streamState = typeof expected === 'number' ? BigInt(expected) : STREAM_STATES[expected];
    const proposed = events.map(toEventData);
    return this.bounded(`append to stream ${streamId}`, async () => {
      const result = await this.client
        .appendToStream(streamId, proposed, { streamState, deadline: this.operationTimeoutMs })
        .catch((error: unknown) => {
          if (errorType(error) !== ErrorType.WRONG_EXPECTED_VERSION) throw error;
          const actual = (error as { actualState?: CurrentStreamState }).actualState;
          throw new WrongExpectedVersionError(streamId, expected, toActualRevision(actual));
        });
      // Only reached with `throwOnAppendFailure=false` in the connection string, where the client
      // reports no reliable current revision: read it.
      if (!result.success) {
        throw new WrongExpectedVersionError(streamId, expected, await this.lastRevision(streamId));
      }
      const nextExpectedRevision = Number(result.nextExpectedRevision);
      const position = await this.positionOfRevision(streamId, nextExpectedRevision);
      return { nextExpectedRevision, position: serialisePosition(position) };
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    const direction = options.direction === 'backwards' ? BACKWARDS : FORWARDS;
    assertReadStreamOptions(options);
    const fromRevision =
      options.fromRevision === undefined
        ? direction === BACKWARDS
          ? END
          : START
        : BigInt(options.fromRevision);
    const { maxCount } = options;
    return this.bounded(`read stream ${streamId}`, async () => {
      const events: RecordedEvent[] = [];
      try {
        for await (const { event } of this.client.readStream(streamId, {
          direction,
          fromRevision,
          maxCount,
        })) {
          if (event) events.push(toRecordedEvent(event));
        }
      } catch (error) {
        if (errorType(error) === ErrorType.STREAM_NOT_FOUND) return { exists: false, events: [] };
        throw error;
      }
      return { exists: true, events };
    });
  }

  async readAll({ after, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    assertCount('maxCount', maxCount);
    const start = after === undefined ? undefined : parsePosition(after);
    return this.bounded('read $all', async () => {
      const events: RecordedEvent[] = [];
      let from: KurrentPosition | typeof START = start ?? START;
      // KurrentDB's fromPosition is inclusive; ours is exclusive, so the event at `from` is skipped.
      let skip = start;
      // System events are filtered by the server; events the client-side check drops (system
      // streams with non-`$` types) can leave a page short, so read on until it is full.
      while (events.length < maxCount) {
        const requested = maxCount - events.length + (skip ? 1 : 0);
        let received = 0;
        let last: KurrentPosition | undefined;
        for await (const { event } of this.client.readAll({
          fromPosition: from,
          maxCount: requested,
          filter: excludeSystemEvents(),
        })) {
          received += 1;
          if (!event) continue;
          last = event.position;
          if (skip && samePosition(event.position, skip)) continue;
          if (isApplicationEvent(event)) events.push(toRecordedEvent(event));
          if (events.length === maxCount) break;
        }
        if (received < requested || !last) break;
        from = last;
        skip = last;
      }
      return events;
    });
  }

  /** KurrentDB keeps no count of $all: pages through it, up to `limit` events (projection lag). */
  async countAfter(after: Position | undefined, limit: number): Promise<number> {
    assertCount('limit', limit);
    let counted = 0;
    let from = after;
    while (counted < limit) {
      const wanted = Math.min(limit - counted, 1000);
      const page = await this.readAll({ after: from, maxCount: wanted });
      counted += page.length;
      if (page.length < wanted) break;
      from = page.at(-1)!.position;
    }
    return counted;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const after = options.after === undefined ? undefined : parsePosition(options.after);
    const matches = subscriptionPredicate(options.filter);
    const source = this.client.subscribeToAll({
      fromPosition: after ?? START,
      filter: serverFilter(options.filter),
    });
    // Errors emitted before anyone iterates would otherwise be lost (or crash the process).
    let failure: unknown;
    source.on('error', (error: unknown) => {
      failure ??= error;
    });
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      this.subscriptions.delete(subscription);
      await source.unsubscribe().catch(() => undefined);
      source.destroy();
    };
    const toStoreError = (error: unknown) => this.toStoreError(error, 'subscription to $all');
    async function* events(): AsyncGenerator<RecordedEvent> {
      try {
        if (failure !== undefined) throw failure;
        for await (const resolved of source as AsyncIterable<AllStreamResolvedEvent>) {
          const event = resolved.event;
          if (!event || !matches(event)) continue;
          if (after && samePosition(event.position, after)) continue;
          yield toRecordedEvent(event);
        }
      } catch (error) {
        if (closed) return;
        throw toStoreError(error);
      } finally {
        await close();
      }
    }
    const iterator = events();
    const subscription: Subscription = { [Symbol.asyncIterator]: () => iterator, close };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    await this.bounded('ping', async () => {
      try {
        for await (const _ of this.client.readStream(PING_STREAM, { maxCount: 1 })) break;
      } catch (error) {
        if (errorType(error) !== ErrorType.STREAM_NOT_FOUND) throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private async lastRevision(streamId: string): Promise<number | 'no-stream'> {
    const { events } = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return events.length === 0 ? 'no-stream' : events[0].revision;
  }

  /**
   * The $all position of the event at `revision`, read back from the leader. The port promises the
   * position of the batch's last event, also on an idempotent retry; the append response gives the
   * position of the write, which the server's log format does not guarantee to be that.
   */
  private async positionOfRevision(streamId: string, revision: number): Promise<KurrentPosition> {
    for await (const { event } of this.client.readStream(streamId, {
      fromRevision: BigInt(revision),
      maxCount: 1,
      requiresLeader: true,
    })) {
      if (event?.position) return event.position;
    }
    throw new Error(`KurrentDB returned no position for revision ${revision} of stream ${streamId}`);
  }

  /** Runs one operation with an upper bound on its duration and maps the client's errors to the port's. */
  private async bounded<T>(operation: string, work: () => Promise<T>): Promise<T> {
    this.assertOpen();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const outcome = operation.startsWith('append')
          ? ' (the events may or may not have been written: retry with the same event ids and expectation)'
          : '';
        reject(
          new EventStoreUnavailableError(
            `KurrentDB at ${this.endpoint} did not answer within ${this.operationTimeoutMs} ms (${operation})${outcome}`,
          ),
        );
      }, this.operationTimeoutMs);
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (error) {
      throw this.toStoreError(error, operation);
    } finally {
      clearTimeout(timer);
    }
  }

  private toStoreError(error: unknown, operation: string): unknown {
    if (
      error instanceof EventStoreUnavailableError ||
      error instanceof WrongExpectedVersionError ||
      error instanceof DuplicateEventIdError
    ) {
      return error;
    }
    if (!isUnreachable(error)) return error;
    return new EventStoreUnavailableError(
      `KurrentDB at ${this.endpoint} did not answer (${operation}): ${this.redact(errorText(error))}`,
      { cause: error },
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('this event store was closed');
  }

  private redact(text: string): string {
    return this.secrets.reduce((result, secret) => result.split(secret).join('***'), text);
  }
}

function toActualRevision(actual: CurrentStreamState | undefined): number | 'no-stream' {
  return typeof actual === 'bigint' && actual >= 0n ? Number(actual) : 'no-stream';
}

function toEventData(event: EventToAppend) {
  const metadata = event.metadata ?? {};
  return jsonEvent<JSONEventType<string, JsonObject, JsonObject>>({
    id: event.eventId,
    type: event.type,
    data: event.data,
    metadata: { ...metadata, [SCHEMA_VERSION_KEY]: event.schemaVersion ?? 1 },
  });
}

function toRecordedEvent(event: KurrentRecordedEvent): RecordedEvent {
  if (!event.position) {
    throw new Error(
      `KurrentDB returned event ${event.id} without a position (the server must be 22.6 or later)`,
    );
  }
  const stored = event.metadata === undefined ? {} : jsonObject(event.metadata, 'metadata', event);
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = stored;
  return {
    eventId: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: Number(event.revision),
    data: jsonObject(event.data, 'data', event),
    metadata: metadata as EventMetadata,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    recordedAt: event.created,
    position: serialisePosition(event.position),
  };
}

function jsonObject(value: unknown, part: string, event: KurrentRecordedEvent): JsonObject {
  const parsed = value instanceof Uint8Array ? parseJson(Buffer.from(value).toString('utf8')) : value;
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as JsonObject;
  throw new Error(`Event ${event.id} in stream ${event.streamId} has ${part} that is not a JSON object`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Events written by applications, not by KurrentDB itself (system streams and `$` event types). */
function isApplicationEvent(event: KurrentRecordedEvent): boolean {
  return !event.type.startsWith('$') && !event.streamId.startsWith('$');
}

/**
 * KurrentDB takes one server-side filter per subscription (stream name or event type); the exact
 * rule, system events excluded and both lists applied, is checked here on every event.
 */
function subscriptionPredicate(filter?: SubscriptionFilter): (event: KurrentRecordedEvent) => boolean {
  const matches = subscriptionMatcher(filter);
  return (event) => isApplicationEvent(event) && matches(event);
}

function serverFilter(filter: SubscriptionFilter = {}): Filter {
  if (filter.streamPrefixes?.length) return streamNameFilter({ prefixes: filter.streamPrefixes });
  if (filter.eventTypes?.length) {
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  return excludeSystemEvents();
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\#\s]/g, '\\$&');
}

function serialisePosition({ commit, prepare }: KurrentPosition): Position {
  return `${commit}/${prepare}` as Position;
}

function parsePosition(position: unknown): KurrentPosition {
  const match = typeof position === 'string' ? POSITION.exec(position) : null;
  const commit = match ? BigInt(match[1]) : -1n;
  const prepare = match ? BigInt(match[2]) : -1n;
  if (commit < 0n || prepare < 0n || commit > MAX_LOG_POSITION || prepare > MAX_LOG_POSITION) {
    throw new InvalidPositionError(
      position,
      'a KurrentDB position reads "<commit>/<prepare>", e.g. "4096/4096"',
    );
  }
  return { commit, prepare };
}

function samePosition(a: KurrentPosition | undefined, b: KurrentPosition): boolean {
  return a !== undefined && a.commit === b.commit && a.prepare === b.prepare;
}

function errorType(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
}

/**
 * A raw gRPC failure (e.g. code 14 from the server-features probe) is not a CommandError: look at
 * its `code`, as well as at the client's own error types and at Node's network errors.
 */
function isUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (CLIENT_UNREACHABLE.has(errorType(error) as string)) return true;
  if (typeof code === 'number') return GRPC_UNREACHABLE.has(code);
  if (typeof code === 'string') return UNREACHABLE_SOCKET_CODES.has(code);
  return typeof message === 'string' && /^Failed to discover after \d+ attempts/.test(message);
}

function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { details, message, type } = error as { details?: unknown; message?: unknown; type?: unknown };
  const text = [message, details].find((part): part is string => typeof part === 'string' && part !== '');
  // The native read path's errors carry only their class name as message: the client's type says more.
  if (text === undefined || /^[A-Za-z]+Error$/.test(text))
    return typeof type === 'string' ? type : String(error);
  return text.replace(/\s*Resolution note:\s*$/, '');
}

/** The connection string without user info, for messages; and the user info's parts, to redact. */
function withoutCredentials(connectionString: string): { endpoint: string; secrets: string[] } {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i.exec(connectionString);
  if (!match) return { endpoint: connectionString, secrets: [] };
  const userInfo = match[2];
  const parts = [userInfo, ...userInfo.split(':')].flatMap((part) => [part, safeDecode(part)]);
  return {
    endpoint: match[1] + connectionString.slice(match[0].length),
    // Longest first, so that a whole user:password is replaced before its parts.
    secrets: [...new Set(parts.filter((part) => part !== ''))].sort((a, b) => b.length - a.length),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
