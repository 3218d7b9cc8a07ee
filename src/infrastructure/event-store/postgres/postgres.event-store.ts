import pg from 'pg';
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
  InvalidEventStoreRequestError,
} from '../../../application/ports/event-store.port.js';
import {
  assertAppendable,
  assertCount,
  assertReadStreamOptions,
  subscriptionMatcher,
} from '../event-store.request.js';
import { UNREACHABLE_SOCKET_CODES } from '../event-store.unreachable.js';
import { migrate, type MigrationReport } from './postgres.migrator.js';
import { formatPosition, ORIGIN, parsePosition, type PostgresPosition } from './postgres.position.js';

export { InvalidEventStoreRequestError };

/** Channel of the one notification each append transaction sends (payload empty: it only wakes readers). */
export const APPENDED_CHANNEL = 'event_store_appended';

export interface PostgresEventStoreOptions {
  /** Polling fallback of live subscriptions, in ms (NOTIFY wakes them sooner). Default 500. */
  pollIntervalMs?: number;
  /** Events a subscription reads per query. Default 500. */
  subscriptionPageSize?: number;
  /** Size of the pool the store creates from a connection string. Default 10. */
  maxConnections?: number;
  /**
   * Most appends combined into one transaction (group commit). Appends that arrive while
   * `appendTransactions` transactions are in flight wait and go together in the next one; each is still
   * checked and written as if alone. 1 gives every append its own transaction. Default 100.
   */
  maxAppendsPerTransaction?: number;
  /** Append transactions in flight at once. Default 2. */
  appendTransactions?: number;
  /** `idle_in_transaction_session_timeout` of the adapter's sessions, in ms: an idle open transaction holds back every reader. Default 60000. */
  idleInTransactionTimeoutMs?: number;
}

const EVENT_COLUMNS =
  'restore_epoch, transaction_id, global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at';

const APPEND_MANY_SQL =
  'SELECT ord, status, next_revision, restore_epoch, transaction_id, global_position, detail FROM event_store.append_many($1)';

// Scalar subqueries, so that each is evaluated once per statement and can bound the index scan.
const CURRENT_EPOCH = '(SELECT restore_epoch FROM event_store.settings)';
const SNAPSHOT_XMIN = '(SELECT pg_snapshot_xmin(pg_current_snapshot()))';

/**
 * Transaction-visibility gating (docs/event-store.md), after the cursor `($1 epoch, $2 transaction, $3
 * position)`: only transactions below the snapshot's xmin are passed, so an event whose transaction
 * commits late is never skipped. The last condition bounds the index scan with the same horizon; it is
 * implied by the gate as long as no event carries an epoch above the current one (appends take it from
 * settings), and it keeps a held-back xmin from turning every poll into a scan of all newer rows.
 */
const READABLE_AFTER_CURSOR = `(restore_epoch, transaction_id, global_position) > ($1::integer, $2::xid8, $3::bigint)
  AND (restore_epoch < ${CURRENT_EPOCH} OR transaction_id < ${SNAPSHOT_XMIN})
  AND (restore_epoch, transaction_id) < (${CURRENT_EPOCH}, ${SNAPSHOT_XMIN})`;

export const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS}
FROM event_store.events
WHERE ${READABLE_AFTER_CURSOR}
ORDER BY restore_epoch, transaction_id, global_position
LIMIT $4`;

/** Projection lag: the events READ_ALL_SQL would still deliver after a checkpoint, counted up to a limit. */
export const COUNT_AFTER_SQL = `SELECT count(*)::integer AS count FROM (
  SELECT 1 FROM event_store.events
  WHERE ${READABLE_AFTER_CURSOR}
  LIMIT $4
) AS pending`;

/** The newest transaction of the current epoch that committed events (older epochs are never gated). */
const NEWEST_EVENT_TRANSACTION_SQL = `SELECT transaction_id::text AS transaction_id FROM event_store.events
WHERE restore_epoch = ${CURRENT_EPOCH}
ORDER BY restore_epoch DESC, transaction_id DESC LIMIT 1`;

/** Whether the read gate has passed transaction $1 (every transaction up to it has ended). */
const READABLE_SQL = `SELECT ${SNAPSHOT_XMIN} > $1::xid8 AS readable`;

const READ_STREAM_FORWARDS_SQL = `SELECT ${EVENT_COLUMNS} FROM event_store.events
WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`;

const READ_STREAM_BACKWARDS_SQL = `SELECT ${EVENT_COLUMNS} FROM event_store.events
WHERE stream_id = $1 AND stream_revision <= $2 ORDER BY stream_revision DESC LIMIT $3`;

const STREAM_REVISION_SQL = 'SELECT stream_revision FROM event_store.streams WHERE stream_id = $1';

const MAX_REVISION = '9223372036854775807';

interface EventRow {
  restore_epoch: number;
  transaction_id: string;
  global_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
}

interface AppendRow {
  /** 1-based place of the append in the call. */
  ord: number;
  status: 'appended' | 'retry' | 'wrong-expected-version' | 'duplicate-event-id';
  next_revision: string | null;
  restore_epoch: number | null;
  transaction_id: string | null;
  global_position: string | null;
  detail: string | null;
}

interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  /** The append as append_many reads it. */
  json: string;
  /** Set once the append was retried alone after an event-id race. */
  retried?: boolean;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface DatabaseErrorFields {
  code?: string;
  detail?: string;
  constraint?: string;
  message?: string;
  errors?: unknown[];
}

// admin/crash shutdown, cannot connect now, too many connections, database does not exist.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|not queryable|connection timeout/i;

const noop = (): void => undefined;

function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as DatabaseErrorFields;
  if (
    code &&
    (UNREACHABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))
  ) {
    return true;
  }
  if (Array.isArray(errors) && errors.some(isUnavailable)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

function toStoreError(error: unknown): unknown {
  if (error instanceof EventStoreUnavailableError || !isUnavailable(error)) return error;
  return new EventStoreUnavailableError((error as Error).message || String(error), { cause: error });
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.event_type,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    data: row.data,
    metadata: row.metadata,
    schemaVersion: row.schema_version,
    recordedAt: row.recorded_at,
    position: formatPosition(row.restore_epoch, row.transaction_id, row.global_position),
  };
}

/**
 * The dedicated LISTEN connection shared by a store's live subscriptions. Opened while at least one
 * subscription waits, closed with the last one; when it is lost, subscriptions keep polling and the
 * next wait reconnects.
 */
class AppendListener {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly wakers = new Set<() => void>();
  private closed = false;

  constructor(private readonly clientConfig: pg.ClientConfig) {}

  add(waker: () => void): void {
    this.wakers.add(waker);
    void this.ensureConnected();
  }

  async remove(waker: () => void): Promise<void> {
    if (!this.wakers.delete(waker) || this.wakers.size > 0) return;
    if (this.connecting) await this.connecting;
    if (this.wakers.size > 0) return;
    await this.disconnect();
  }

  ensureConnected(): Promise<void> {
    if (this.client || this.closed || this.wakers.size === 0) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakers.clear();
    if (this.connecting) await this.connecting;
    await this.disconnect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.clientConfig);
    const drop = (): void => {
      if (this.client === client) this.client = null;
      client.end().catch(noop);
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', () => this.wakeAll());
    try {
      await client.connect();
      await client.query(`LISTEN ${APPENDED_CHANNEL}`);
    } catch {
      await client.end().catch(noop);
      return;
    }
    if (this.closed || this.wakers.size === 0) {
      await client.end().catch(noop);
      return;
    }
    this.client = client;
    // Appends committed while we were not listening notified nobody.
    this.wakeAll();
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(noop);
  }

  private wakeAll(): void {
    for (const wake of this.wakers) wake();
  }
}

interface SubscriptionSource {
  readonly listener: AppendListener;
  readonly pollIntervalMs: number;
  readonly pageSize: number;
  readFrom(from: PostgresPosition, maxCount: number): Promise<RecordedEvent[]>;
  forget(subscription: PostgresSubscription): void;
}

/** Catch-up through read-all pages, then live: woken by NOTIFY, or by the poll timer when none comes. */
class PostgresSubscription implements Subscription {
  private closed = false;
  private pending = false;
  private waiting: (() => void) | null = null;
  private iterator: AsyncGenerator<RecordedEvent, void, undefined> | null = null;
  private readonly from: PostgresPosition;
  private readonly matches: (event: RecordedEvent) => boolean;

  constructor(
    private readonly source: SubscriptionSource,
    options: SubscribeOptions,
  ) {
    this.from = options.after === undefined ? ORIGIN : parsePosition(options.after);
    this.matches = subscriptionMatcher(options.filter);
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.iterator) throw new InvalidEventStoreRequestError('A subscription can be iterated only once');
    this.iterator = this.run();
    return this.iterator;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.source.listener.remove(this.wake);
    // Waits for a read in flight, then runs the generator's cleanup.
    await this.iterator?.return(undefined);
    this.source.forget(this);
  }

  private readonly wake = (): void => {
    this.pending = true;
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.();
  };

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    this.source.listener.add(this.wake);
    let cursor = this.from;
    try {
      while (!this.closed) {
        this.pending = false;
        const page = await this.source.readFrom(cursor, this.source.pageSize);
        for (const event of page) {
          if (this.closed) return;
          cursor = parsePosition(event.position);
          if (this.matches(event)) yield event;
        }
        if (page.length < this.source.pageSize && !this.pending && !this.closed) await this.sleep();
      }
    } finally {
      this.closed = true;
      await this.source.listener.remove(this.wake);
      this.source.forget(this);
    }
  }

  private sleep(): Promise<void> {
    void this.source.listener.ensureConnected();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake(), this.source.pollIntervalMs);
      this.waiting = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * The event-store port on PostgreSQL (`docs/event-store.md`, schema in `migrations/`).
 * Positions are `<restore_epoch>/<transaction_id>/<global_position>`. Give it a pool (which the caller
 * keeps and ends) or a connection string (the store creates a pool and ends it on `close()`). A given
 * pool's later connections get `idle_in_transaction_session_timeout` as a startup parameter, unless its
 * `options` already set it.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly listener: AppendListener;
  private readonly subscriptions = new Set<PostgresSubscription>();
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly maxAppendsPerTransaction: number;
  private readonly appendTransactions: number;
  private readonly pendingAppends: PendingAppend[] = [];
  private appendsInFlight = 0;
  private dispatchScheduled = false;
  private closed = false;

  constructor(connection: pg.Pool | string, options: PostgresEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.pageSize = options.subscriptionPageSize ?? 500;
    assertCount('pollIntervalMs', this.pollIntervalMs);
    assertCount('subscriptionPageSize', this.pageSize);
    this.maxAppendsPerTransaction = options.maxAppendsPerTransaction ?? 100;
    this.appendTransactions = options.appendTransactions ?? 2;
    assertCount('maxAppendsPerTransaction', this.maxAppendsPerTransaction);
    assertCount('appendTransactions', this.appendTransactions);
    const idleTimeoutMs = options.idleInTransactionTimeoutMs ?? 60_000;
    assertCount('idleInTransactionTimeoutMs', idleTimeoutMs);
    const idleTimeout = `-c idle_in_transaction_session_timeout=${idleTimeoutMs}`;
    if (typeof connection === 'string') {
      const clientConfig: pg.ClientConfig = {
        connectionString: connection,
        application_name: 'event-store',
        options: idleTimeout,
        connectionTimeoutMillis: 10_000,
      };
      this.pool = new pg.Pool({ ...clientConfig, max: options.maxConnections ?? 10 });
      // An idle client whose connection dies is dropped by the pool; without a listener it would crash the process.
      this.pool.on('error', noop);
      this.ownsPool = true;
      this.listener = new AppendListener(clientConfig);
    } else {
      this.pool = connection;
      // A startup parameter costs no round trip; it applies to the connections the pool opens from now on.
      const startup = connection.options.options ?? '';
      if (!startup.includes('idle_in_transaction_session_timeout')) {
        connection.options.options = `${startup} ${idleTimeout}`.trim();
      }
      this.ownsPool = false;
      this.listener = new AppendListener({ ...connection.options });
    }
  }

  /** Creates a store and brings its schema up to date (safe when several instances start at once). */
  static async start(
    connection: pg.Pool | string,
    options: PostgresEventStoreOptions = {},
  ): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(connection, options);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async migrate(): Promise<MigrationReport> {
    this.assertOpen();
    try {
      return await migrate(this.pool);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async append(
    streamId: string,
    events: EventToAppend[],
    options: { expected: ExpectedRevision },
  ): Promise<AppendResult> {
    const expected = options?.expected;
    assertAppendable(streamId, events, expected);
    this.assertOpen();
    return new Promise<AppendResult>((resolve, reject) => {
      // Serialised now: a caller may reuse its objects once append() has returned.
      const json = JSON.stringify({
        streamId,
        expected: typeof expected === 'number' ? 'revision' : expected,
        revision: typeof expected === 'number' ? expected : null,
        // append_many reads eventId, type, schemaVersion, data and metadata: the port's field names.
        events,
      });
      this.pendingAppends.push({ streamId, expected, json, resolve, reject });
      this.scheduleDispatch();
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    const backwards = options.direction === 'backwards';
    assertReadStreamOptions(options);
    const from = options.fromRevision ?? (backwards ? MAX_REVISION : 0);
    const { rows } = await this.query<EventRow>({
      name: backwards ? 'event_store_read_stream_backwards' : 'event_store_read_stream_forwards',
      text: backwards ? READ_STREAM_BACKWARDS_SQL : READ_STREAM_FORWARDS_SQL,
      values: [streamId, from, options.maxCount ?? null],
    });
    if (rows.length > 0) return { exists: true, events: rows.map(toRecordedEvent) };
    return { exists: (await this.streamRevision(streamId)) !== null, events: [] };
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    assertCount('maxCount', options?.maxCount);
    return this.readFrom(
      options.after === undefined ? ORIGIN : parsePosition(options.after),
      options.maxCount,
    );
  }

  async countAfter(after: Position | undefined, limit: number): Promise<number> {
    assertCount('limit', limit);
    const from = after === undefined ? ORIGIN : parsePosition(after);
    const { rows } = await this.query<{ count: number }>({
      name: 'event_store_count_after',
      text: COUNT_AFTER_SQL,
      values: [from.restoreEpoch, from.transactionId, from.globalPosition, limit],
    });
    return rows[0]?.count ?? 0;
  }

  async awaitReadable(timeoutMs: number): Promise<void> {
    assertCount('timeoutMs', timeoutMs);
    const deadline = Date.now() + timeoutMs;
    const { rows } = await this.query<{ transaction_id: string }>({
      name: 'event_store_newest_event_transaction',
      text: NEWEST_EVENT_TRANSACTION_SQL,
    });
    if (rows.length === 0) return;
    // Readable once every transaction up to the newest one that committed events has ended (the read gate).
    for (;;) {
      const { rows: gate } = await this.query<{ readable: boolean }>({
        name: 'event_store_readable',
        text: READABLE_SQL,
        values: [rows[0].transaction_id],
      });
      if (gate[0]?.readable) return;
      if (Date.now() >= deadline) {
        throw new EventStoreUnavailableError(
          `a transaction open in the cluster has kept committed events unreadable for ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(20, this.pollIntervalMs)));
    }
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const subscription = new PostgresSubscription(
      {
        listener: this.listener,
        pollIntervalMs: this.pollIntervalMs,
        pageSize: this.pageSize,
        readFrom: (from, maxCount) => this.readFrom(from, maxCount),
        forget: (closed) => this.subscriptions.delete(closed),
      },
      options,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    await this.query({ name: 'event_store_ping', text: 'SELECT 1' });
  }

  /** Ends subscriptions and the LISTEN connection, and the pool when the store created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.listener.close();
    if (this.ownsPool) await this.pool.end();
  }

  private async readFrom(from: PostgresPosition, maxCount: number): Promise<RecordedEvent[]> {
    const { rows } = await this.query<EventRow>({
      name: 'event_store_read_all',
      text: READ_ALL_SQL,
      values: [from.restoreEpoch, from.transactionId, from.globalPosition, maxCount],
    });
    return rows.map(toRecordedEvent);
  }

  /**
   * Dispatches on the next turn of the event loop, so that appends issued together (e.g. by callers
   * woken by the same finished transaction) leave together instead of the first one alone.
   */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatchAppends();
    });
  }

  private dispatchAppends(): void {
    while (this.appendsInFlight < this.appendTransactions && this.pendingAppends.length > 0) {
      const group = this.pendingAppends.splice(0, this.maxAppendsPerTransaction);
      this.appendsInFlight++;
      void this.appendInOneTransaction(group).finally(() => {
        this.appendsInFlight--;
        this.scheduleDispatch();
      });
    }
  }

  /** One round trip: append_many checks and writes each append, then notifies once. Never rejects. */
  private async appendInOneTransaction(group: PendingAppend[]): Promise<void> {
    // Streams in one order (appends to one stream keep theirs), so that transactions mostly lock alike.
    const ordered = group.length > 1 ? [...group].sort(byStreamId) : group;
    let rows: AppendRow[];
    try {
      ({ rows } = await this.pool.query<AppendRow>({
        name: 'event_store_append_many',
        text: APPEND_MANY_SQL,
        values: [`[${ordered.map((append) => append.json).join(',')}]`],
      }));
    } catch (error) {
      if (ordered.length > 1 && !isUnavailable(error)) {
        // One append broke the shared transaction (or a deadlock): each goes again alone, so only it fails.
        for (const append of ordered) await this.appendInOneTransaction([append]);
        return;
      }
      const [append] = ordered;
      if (ordered.length === 1 && isEventIdViolation(error) && !append.retried) {
        // Two identical retries raced under 'any' / 'stream-exists': the loser sees the winner's ids now.
        append.retried = true;
        await this.appendInOneTransaction(ordered);
        return;
      }
      for (const failed of ordered)
        failed.reject(await this.appendError(error, failed.streamId, failed.expected));
      return;
    }
    const byPlace = new Map(rows.map((row) => [row.ord, row]));
    ordered.forEach((append, index) => settleAppend(append, byPlace.get(index + 1)));
  }

  private async appendError(error: unknown, streamId: string, expected: ExpectedRevision): Promise<unknown> {
    const { code, detail, constraint } = (error ?? {}) as DatabaseErrorFields;
    if (code === 'ES001') {
      return new WrongExpectedVersionError(
        streamId,
        expected,
        detail === '-1' ? 'no-stream' : Number(detail),
      );
    }
    if (code === 'ES002') return new DuplicateEventIdError(streamId, detail ?? 'unknown');
    if (isEventIdViolation(error)) {
      return new DuplicateEventIdError(
        streamId,
        /\(event_id\)=\(([^)]+)\)/.exec(detail ?? '')?.[1] ?? 'unknown',
      );
    }
    if (code === '23505' && constraint === 'events_stream_revision_key') {
      // Only reachable when rows were written around append_events: report the revision as it is now.
      const actual = await this.streamRevision(streamId).catch(() => null);
      return new WrongExpectedVersionError(streamId, expected, actual ?? 'no-stream');
    }
    return toStoreError(error);
  }

  private async streamRevision(streamId: string): Promise<number | null> {
    const { rows } = await this.query<{ stream_revision: string }>({
      name: 'event_store_stream_revision',
      text: STREAM_REVISION_SQL,
      values: [streamId],
    });
    return rows.length === 0 ? null : Number(rows[0].stream_revision);
  }

  private async query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    this.assertOpen();
    try {
      return await this.pool.query<R>(config);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('this event store was closed');
  }
}

const byStreamId = (a: PendingAppend, b: PendingAppend): number =>
  a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;

function settleAppend(append: PendingAppend, row: AppendRow | undefined): void {
  switch (row?.status) {
    case 'appended':
    case 'retry':
      append.resolve({
        nextExpectedRevision: Number(row.next_revision),
        position: formatPosition(
          row.restore_epoch ?? 0,
          row.transaction_id ?? '0',
          row.global_position ?? '0',
        ),
      });
      return;
    case 'wrong-expected-version':
      append.reject(
        new WrongExpectedVersionError(
          append.streamId,
          append.expected,
          row.detail === '-1' ? 'no-stream' : Number(row.detail),
        ),
      );
      return;
    case 'duplicate-event-id':
      append.reject(new DuplicateEventIdError(append.streamId, row.detail ?? 'unknown'));
      return;
    default:
      append.reject(new Error(`event_store.append_many gave no result for the append to ${append.streamId}`));
  }
}

function isEventIdViolation(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as DatabaseErrorFields;
  return code === '23505' && constraint === 'events_event_id_key';
}
