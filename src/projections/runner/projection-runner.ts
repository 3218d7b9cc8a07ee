import type { DataSource } from 'typeorm';
import { type Clock, systemClock } from '../../application/ports/clock.port.js';
import type { EventStore, Position, Subscription } from '../../application/ports/event-store.port.js';
import { generationSchema, type Projection } from './projection.js';
import {
  type ControlRow,
  initLockKey,
  type ProjectionState,
  quoteIdentifier,
  readControl,
  workerLockKey,
} from './projection-control.js';
import { ProjectionSchemaDirectory } from './projection-schemas.js';
import { type RunnerLogger, ProjectionWorker, type WorkerSettings } from './projection-worker.js';
import { errorMessage } from './transient-error.js';

export type { ProjectionState } from './projection-control.js';
export type { RunnerLogger } from './projection-worker.js';

export interface ProjectionRunnerOptions {
  /** The read-model DataSource; each projection this runner writes keeps one of its connections (it holds the lock). */
  dataSource: DataSource;
  store: EventStore;
  projections?: readonly Projection[];
  clock?: Clock;
  /** Polling fallback when no live wake-up comes, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** How often standby instances try to take a projection over, in ms. Default 2000. */
  lockRetryMs?: number;
  /** Pause after a lost connection or an unreachable store, in ms. Default 1000. */
  retryDelayMs?: number;
  /** Most events in one transaction; batches grow up to it under load. Default 500. */
  maxBatchSize?: number;
  /** About how long one batch transaction may last before batches shrink, in ms. Default 250. */
  batchTargetMs?: number;
  /** lagEvents counts at most this many. Default 100000. */
  lagCountLimit?: number;
  logger?: RunnerLogger;
}

export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  /** Position of the last event applied by the serving generation (null before the first). */
  checkpoint: string | null;
  /** Events in the log after the checkpoint (counted up to lagCountLimit). */
  lagEvents: number;
  /** Age of the oldest event not applied yet; 0 when caught up. */
  lagSeconds: number;
  error?: string;
  /** The generation serving queries. */
  generation: number | null;
  /** The generation being filled by a rebuild, while there is one. */
  rebuild?: { generation: number; checkpoint: string | null; lagEvents: number };
}

export interface ProjectionsStatus {
  items: ProjectionStatus[];
  /** Age of the oldest open transaction in the cluster holding back xmin (it pauses every reader of the log). */
  oldestOpenTransactionSeconds: number;
}

export class UnknownProjectionError extends Error {
  readonly code = 'unknown-projection';
  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(`There is no projection named "${projection}"; known: ${known.join(', ') || 'none'}.`);
    this.name = 'UnknownProjectionError';
  }
}

export class ProjectionFailedError extends Error {
  readonly code = 'projection-failed';
  constructor(
    readonly projection: string,
    readonly reason: string | null,
  ) {
    super(`Projection ${projection} failed: ${reason ?? 'no error recorded'}`);
    this.name = 'ProjectionFailedError';
  }
}

const OLDEST_TRANSACTION_SQL = `SELECT COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(xact_start)), 0)::float8 AS seconds
FROM pg_stat_activity
WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL
  AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)`;

const WORKER_LOCK_HOLDER_SQL = `WITH lock AS (SELECT hashtextextended($1, 0) AS key)
SELECT pid FROM pg_locks, lock
WHERE locktype = 'advisory' AND granted AND objsubid = 1
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND classid::bigint = (key >> 32) & 4294967295 AND objid::bigint = key & 4294967295`;

const silentLogger: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the registered projections against the event store's ordered log (readAll, never Nest's
 * in-memory EventBus). Every engine instance runs one; per projection exactly one instance is the
 * writer (a session advisory lock), the others stand by. A live subscription wakes the writers on
 * new events; polling is the fallback. Start it, stop it, ask it for status, or rebuild a
 * projection blue-green; tests use it directly (waitUntilCaughtUp) without HTTP.
 */
export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private readonly workers = new Map<string, ProjectionWorker>();
  /** Projections whose first generation could not be created at start (their worker does not run). */
  private readonly initFailures = new Map<string, string>();
  private readonly settings: WorkerSettings;
  private readonly clock: Clock;
  private readonly logger: RunnerLogger;
  private readonly lagCountLimit: number;
  private started = false;
  private wakeSubscription: Subscription | null = null;
  private subscribeAgainAt = 0;
  /** Which schema serves each projection, for its queries. */
  readonly schemas: ProjectionSchemaDirectory;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.settings = {
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      lockRetryMs: options.lockRetryMs ?? 2000,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxBatchSize: options.maxBatchSize ?? 500,
      batchTargetMs: options.batchTargetMs ?? 250,
    };
    for (const [name, value] of Object.entries(this.settings)) {
      if (!(Number.isSafeInteger(value) && value > 0)) throw new Error(`${name} must be a positive integer`);
    }
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.lagCountLimit = options.lagCountLimit ?? 100_000;
    this.schemas = new ProjectionSchemaDirectory(options.dataSource);
    this.register(...(options.projections ?? []));
  }

  /** Adds projections before start(). */
  register(...projections: readonly Projection[]): void {
    if (this.started) throw new Error('Register projections before the runner starts');
    for (const projection of projections) {
      if (!/^[a-z][a-z0-9-]{0,47}$/.test(projection.name)) {
        throw new Error(`Projection name "${projection.name}" must be lower-case kebab-case`);
      }
      if (this.projections.has(projection.name)) {
        throw new Error(`Two projections are named "${projection.name}"`);
      }
      this.projections.set(projection.name, projection);
      const host = {
        dataSource: this.options.dataSource,
        store: this.options.store,
        logger: this.logger,
        settings: this.settings,
        caughtUp: (position: Position | undefined) => this.follow(position),
      };
      this.workers.set(projection.name, new ProjectionWorker(projection, host));
    }
  }

  get names(): string[] {
    return [...this.projections.keys()];
  }

  /** Creates missing first generations, then starts a worker per projection (returns without waiting for them). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const projection of this.projections.values()) await this.startWorker(projection);
  }

  /** A projection whose tables cannot be created is reported failed; the others run regardless. */
  private async startWorker(projection: Projection): Promise<void> {
    try {
      await this.ensureInitialised(projection);
    } catch (error) {
      const message = `could not create generation 1: ${errorMessage(error)}`;
      this.initFailures.set(projection.name, message);
      this.logger.error(`Projection ${projection.name} failed: ${message}`);
      return;
    }
    this.initFailures.delete(projection.name);
    if (this.started) this.workers.get(projection.name)!.start();
  }

  /** Lets each batch in flight commit, releases the locks and ends the live subscription. */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    const subscription = this.wakeSubscription;
    this.wakeSubscription = null;
    await subscription?.close().catch(() => undefined);
  }

  /** True while this runner's worker holds the projection's lock. */
  isActive(name: string): boolean {
    return this.workers.get(name)?.active ?? false;
  }

  /**
   * Asks for generation n+1 to be built from position zero; the instance that runs the projection
   * does it, generation n serving until n+1 has caught up. A rebuild already under way goes on.
   */
  async rebuild(name: string): Promise<{ name: string; state: ProjectionState }> {
    const projection = this.projection(name);
    if (this.initFailures.has(name)) {
      await this.startWorker(projection);
      const failure = this.initFailures.get(name);
      if (failure) throw new ProjectionFailedError(name, failure);
    }
    await this.ensureInitialised(projection);
    const rows = (await this.options.dataSource.query(
      `UPDATE projections.projection_state
       SET rebuild_requested = rebuild_requested OR rebuild_generation IS NULL OR state <> 'rebuilding',
           state = 'rebuilding', error = NULL, updated_at = now()
       WHERE name = $1
       RETURNING state`,
      [name],
    )) as [Array<{ state: ProjectionState }>, number];
    this.workers.get(name)?.wake();
    return { name, state: rows[0][0]?.state ?? 'rebuilding' };
  }

  async status(): Promise<ProjectionsStatus> {
    const controls = await readControl(this.options.dataSource, this.names);
    const items = await Promise.all(this.names.map((name) => this.statusOf(name, controls.get(name))));
    const [{ seconds }] = (await this.options.dataSource.query(OLDEST_TRANSACTION_SQL)) as Array<{
      seconds: number;
    }>;
    return { items, oldestOpenTransactionSeconds: round(Math.max(0, seconds)) };
  }

  /**
   * Resolves once every named projection (all by default) has applied the whole log as it stands
   * and no rebuild is pending; rejects when one has failed or the time is up.
   */
  async waitUntilCaughtUp(options: { names?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
    const names = options.names ?? this.names;
    names.forEach((name) => this.projection(name));
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    // Events committed before the call may not be readable yet (PostgreSQL's read gate): wait for them first.
    await this.options.store.awaitReadable?.(Math.max(1, deadline - Date.now()));
    for (;;) {
      const controls = await readControl(this.options.dataSource, names);
      const behind: string[] = [];
      for (const name of names) {
        const control = controls.get(name);
        const initFailure = this.initFailures.get(name);
        if (initFailure) throw new ProjectionFailedError(name, initFailure);
        // A failure counts when the worker that recorded it still runs (parked); else a restart is pending.
        if (
          control?.state === 'failed' &&
          control.workerPid !== null &&
          control.workerPid === (await this.workerPid(name))
        ) {
          throw new ProjectionFailedError(name, control.error);
        }
        if (!control || !(await this.caughtUp(control))) behind.push(name);
      }
      if (behind.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `Projections not caught up within ${options.timeoutMs ?? 20_000} ms: ${behind.join(', ')}`,
        );
      }
      await delay(Math.min(20, this.settings.pollIntervalMs));
    }
  }

  /** Backend pid of the session holding the projection's worker lock (advisory locks are per database). */
  private async workerPid(name: string): Promise<number | null> {
    const rows = (await this.options.dataSource.query(WORKER_LOCK_HOLDER_SQL, [
      workerLockKey(name),
    ])) as Array<{
      pid: number;
    }>;
    return rows[0]?.pid ?? null;
  }

  private async caughtUp(control: ControlRow): Promise<boolean> {
    if (control.rebuildRequested || control.rebuildGeneration !== null) return false;
    const active = control.generations.get(control.activeGeneration);
    if (!active) return false;
    const next = await this.options.store.readAll({ after: active.checkpoint, maxCount: 1 });
    return next.length === 0;
  }

  private projection(name: string): Projection {
    const projection = this.projections.get(name);
    if (!projection) throw new UnknownProjectionError(name, this.names);
    return projection;
  }

  private async statusOf(name: string, control: ControlRow | undefined): Promise<ProjectionStatus> {
    const active = control?.generations.get(control.activeGeneration);
    const checkpoint = active?.checkpoint;
    const lag = await this.lag(checkpoint);
    const initFailure = this.initFailures.get(name);
    const status: ProjectionStatus = {
      name,
      state: initFailure ? 'failed' : (control?.state ?? 'stopped'),
      checkpoint: checkpoint ?? null,
      lagEvents: lag.events,
      lagSeconds: lag.seconds,
      generation: control?.activeGeneration ?? null,
    };
    const error = initFailure ?? control?.error;
    if (error) status.error = error;
    const rebuilding =
      control?.rebuildGeneration == null ? undefined : control.generations.get(control.rebuildGeneration);
    if (rebuilding) {
      status.rebuild = {
        generation: rebuilding.generation,
        checkpoint: rebuilding.checkpoint ?? null,
        lagEvents: await this.countAfter(rebuilding.checkpoint),
      };
    }
    return status;
  }

  private async lag(checkpoint: Position | undefined): Promise<{ events: number; seconds: number }> {
    const [oldest] = await this.options.store.readAll({ after: checkpoint, maxCount: 1 });
    if (!oldest) return { events: 0, seconds: 0 };
    const seconds = (this.clock.now().getTime() - oldest.recordedAt.getTime()) / 1000;
    return { events: await this.countAfter(checkpoint), seconds: round(Math.max(0, seconds)) };
  }

  private async countAfter(checkpoint: Position | undefined): Promise<number> {
    const { store } = this.options;
    if (store.countAfter) return store.countAfter(checkpoint, this.lagCountLimit);
    let counted = 0;
    let after = checkpoint;
    while (counted < this.lagCountLimit) {
      const wanted = Math.min(1000, this.lagCountLimit - counted);
      const page = await store.readAll({ after, maxCount: wanted });
      counted += page.length;
      if (page.length < wanted) break;
      after = page.at(-1)!.position;
    }
    return counted;
  }

  /** Generation 1 of a projection seen for the first time, created once across instances. */
  private async ensureInitialised(projection: Projection): Promise<void> {
    const connection = this.options.dataSource.createQueryRunner();
    try {
      await connection.startTransaction();
      try {
        await connection.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          initLockKey(projection.name),
        ]);
        const existing = (await connection.query(
          `SELECT 1 FROM projections.projection_state WHERE name = $1`,
          [projection.name],
        )) as unknown[];
        if (existing.length === 0) {
          const schema = generationSchema(projection.name, 1);
          await connection.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
          await connection.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
          await projection.createTables(connection.manager, schema);
          await connection.query(
            `INSERT INTO projections.projection_state (name, active_generation, state) VALUES ($1, 1, 'stopped')`,
            [projection.name],
          );
          await connection.query(
            `INSERT INTO projections.projection_generations (name, generation, schema_name) VALUES ($1, 1, $2)`,
            [projection.name, schema],
          );
          this.logger.log(`Projection ${projection.name}: created generation 1 (schema ${schema})`);
        }
        await connection.commitTransaction();
      } catch (error) {
        if (connection.isTransactionActive) await connection.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await connection.release();
    }
  }

  /** Follows the log live from where a worker caught up; every new event wakes the workers. */
  private follow(position: Position | undefined): void {
    if (!this.started || this.wakeSubscription || Date.now() < this.subscribeAgainAt) return;
    let subscription: Subscription;
    try {
      subscription = this.options.store.subscribe(position === undefined ? {} : { after: position });
    } catch (error) {
      this.subscriptionFailed(error);
      return;
    }
    this.wakeSubscription = subscription;
    void (async () => {
      try {
        for await (const _event of subscription) {
          for (const worker of this.workers.values()) worker.wake();
        }
      } catch (error) {
        if (this.started) this.subscriptionFailed(error);
      } finally {
        if (this.wakeSubscription === subscription) this.wakeSubscription = null;
      }
    })();
  }

  private subscriptionFailed(error: unknown): void {
    this.subscribeAgainAt = Date.now() + this.settings.retryDelayMs;
    this.logger.warn(`Projections: live wake-ups lost (${errorMessage(error)}); polling meanwhile`);
  }
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
