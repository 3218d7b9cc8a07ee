import type { DataSource, QueryRunner } from 'typeorm';
import type { EventStore, Position, RecordedEvent } from '../../application/ports/event-store.port.js';
import { generationSchema, type Projection } from './projection.js';
import {
  type ControlRow,
  type GenerationRow,
  type ProjectionState,
  quoteIdentifier,
  readControl,
  workerLockKey,
} from './projection-control.js';
import {
  CheckpointMovedError,
  ConnectionLostError,
  errorMessage,
  isTransientError,
} from './transient-error.js';

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WorkerSettings {
  /** Longest sleep of a caught-up worker when no wake-up comes (the polling fallback). */
  pollIntervalMs: number;
  /** How often a standby instance tries to take over a projection. */
  lockRetryMs: number;
  /** Pause after a lost connection or an unreachable store. */
  retryDelayMs: number;
  /** Most events applied in one transaction. */
  maxBatchSize: number;
  /**
   * A batch transaction should last about this long: it holds back the cluster's xmin, which
   * pauses every reader of the PostgreSQL log. Batches double while they are quicker, halve when slower.
   */
  batchTargetMs: number;
}

/** Batch size a generation starts with; it grows under load up to maxBatchSize. */
const FIRST_BATCH_SIZE = 50;

export interface WorkerHost {
  readonly dataSource: DataSource;
  readonly store: EventStore;
  readonly logger: RunnerLogger;
  readonly settings: WorkerSettings;
  /** The worker applied everything it could read: live wake-ups can follow the log from here. */
  caughtUp(position: Position | undefined): void;
}

type StepOutcome = 'idle' | 'partial' | 'full' | 'failed';

/** The projection threw: a poison event (unless the cause is a lost connection). */
class ApplyFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(errorMessage(cause), { cause });
    this.name = 'ApplyFailure';
  }
}

const CHECKPOINT_SQL = `UPDATE projections.projection_generations
SET checkpoint = $3::text, events_applied = events_applied + $4, updated_at = now()
WHERE name = $1 AND generation = $2 AND checkpoint IS NOT DISTINCT FROM $5::text`;

const STATE_SQL = `UPDATE projections.projection_state
SET state = CASE WHEN rebuild_requested THEN 'rebuilding' ELSE $2 END, error = $3, worker_pid = pg_backend_pid(),
    updated_at = now()
WHERE name = $1`;

const MAX_ERROR_LENGTH = 2000;

/**
 * Hands the worker's session back to the pool without its advisory lock. A session whose connection
 * is gone fails here, and pg never pools a broken client again: the lock ended with it.
 */
async function releaseLocked(connection: QueryRunner): Promise<void> {
  try {
    if (connection.isTransactionActive) await connection.rollbackTransaction();
    await connection.query('SELECT pg_advisory_unlock_all()');
  } finally {
    await connection.release();
  }
}

/**
 * Runs one projection on this instance: takes the projection's session advisory lock on a
 * connection of its own (standby instances retry every lockRetryMs), then reads the log from the
 * checkpoint and applies batches, each in the transaction that moves the checkpoint. The same
 * worker fills a generation being rebuilt, interleaved with the live one, and switches them.
 */
export class ProjectionWorker {
  private connection: QueryRunner | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private woken = false;
  private sleeper: { done: () => void; wakeable: boolean } | null = null;
  /** Generations stopped by a poison event, with the message; a restart or a rebuild retries. */
  private readonly failures = new Map<number, string>();
  /** Current batch size per generation (adaptive, see WorkerSettings.batchTargetMs). */
  private readonly batchSizes = new Map<number, number>();

  constructor(
    readonly projection: Projection,
    private readonly host: WorkerHost,
  ) {}

  private get name(): string {
    return this.projection.name;
  }

  /** True while this instance holds the projection's lock (is its one writer). */
  get active(): boolean {
    return this.connection !== null;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().finally(() => {
      this.loop = null;
    });
  }

  /** Lets the batch in flight commit, then releases the lock. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper?.done();
    await this.loop;
  }

  /** New events: an active worker looks now instead of at its next poll. */
  wake(): void {
    this.woken = true;
    if (this.sleeper?.wakeable) this.sleeper.done();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let pause: number;
      let wakeable = false;
      try {
        if (!this.connection && !(await this.acquire())) {
          pause = this.host.settings.lockRetryMs;
        } else {
          this.woken = false;
          pause = (await this.cycle()) ? 0 : this.host.settings.pollIntervalMs;
          wakeable = true;
        }
      } catch (error) {
        this.host.logger.warn(
          `Projection ${this.name}: ${errorMessage(error)}; retrying in ${this.host.settings.retryDelayMs} ms`,
        );
        await this.dropConnection();
        pause = this.host.settings.retryDelayMs;
      }
      if (pause > 0) await this.sleep(pause, wakeable);
    }
    await this.release();
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping || (wakeable && this.woken)) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.sleeper = null;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.sleeper = { done, wakeable };
    });
  }

  private async acquire(): Promise<boolean> {
    const connection = this.host.dataSource.createQueryRunner();
    let locked = false;
    try {
      const rows = (await connection.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        workerLockKey(this.name),
      ])) as Array<{ locked: boolean }>;
      locked = rows[0]?.locked === true;
    } finally {
      if (!locked) await connection.release().catch(() => undefined);
    }
    if (!locked) return false;
    this.connection = connection;
    this.failures.clear(); // a restart retries what failed before
    const control = await this.control();
    await this.writeState(control);
    this.host.logger.log(`Projection ${this.name}: this instance is its worker now`);
    return true;
  }

  /** One pass: a rebuild request, then a batch of the live generation and one of a rebuild. True when there is more to do. */
  private async cycle(): Promise<boolean> {
    const control = await this.control();
    if (control.rebuildRequested) {
      await this.beginRebuild(control);
      return true;
    }
    const active = control.generations.get(control.activeGeneration);
    if (!active) throw new Error(`the row of active generation ${control.activeGeneration} is missing`);
    let busy = false;
    let liveCaughtUp = false;
    if (!this.failures.has(active.generation)) {
      const outcome = await this.step(active);
      busy = outcome === 'full';
      liveCaughtUp = outcome === 'idle' || outcome === 'partial';
    }
    const rebuilding =
      control.rebuildGeneration === null ? undefined : control.generations.get(control.rebuildGeneration);
    if (rebuilding && !this.failures.has(rebuilding.generation)) {
      const outcome = await this.step(rebuilding);
      if (outcome === 'full') busy = true;
      // Caught up with the head as it was read a moment ago: generation n+1 takes over.
      if (outcome === 'idle' || outcome === 'partial')
        busy = (await this.switchTo(active, rebuilding)) || busy;
    }
    if (!busy && liveCaughtUp) this.host.caughtUp(active.checkpoint);
    return busy;
  }

  private async step(generation: GenerationRow): Promise<StepOutcome> {
    const { maxBatchSize, batchTargetMs } = this.host.settings;
    const limit = this.batchSizes.get(generation.generation) ?? Math.min(FIRST_BATCH_SIZE, maxBatchSize);
    const events = await this.host.store.readAll({ after: generation.checkpoint, maxCount: limit });
    if (events.length === 0) return 'idle';
    const started = Date.now();
    if (!(await this.applyBatch(generation, events))) return 'failed';
    const elapsed = Date.now() - started;
    const full = events.length >= limit;
    if (elapsed > batchTargetMs)
      this.batchSizes.set(generation.generation, Math.max(1, Math.floor(limit / 2)));
    else if (full && elapsed < batchTargetMs / 2) {
      this.batchSizes.set(generation.generation, Math.min(maxBatchSize, limit * 2));
    }
    return full ? 'full' : 'partial';
  }

  /** False when a poison event stopped the generation (the events before it are applied). */
  private async applyBatch(generation: GenerationRow, events: readonly RecordedEvent[]): Promise<boolean> {
    try {
      await this.commit(generation, events);
      return true;
    } catch (error) {
      if (!(error instanceof ApplyFailure) || isTransientError(error.cause)) throw error;
      if (events.length === 1) {
        await this.fail(generation, events[0], error.cause);
        return false;
      }
    }
    // The batch was rolled back: apply it one event per transaction to stop exactly at the poison event.
    for (const event of events) {
      try {
        await this.commit(generation, [event]);
      } catch (error) {
        if (!(error instanceof ApplyFailure) || isTransientError(error.cause)) throw error;
        await this.fail(generation, event, error.cause);
        return false;
      }
    }
    return true;
  }

  /** The batch's read-model changes and its checkpoint, in one transaction. */
  private async commit(generation: GenerationRow, events: readonly RecordedEvent[]): Promise<void> {
    const connection = this.lockedConnection();
    const last = events.at(-1)!.position;
    await connection.startTransaction();
    try {
      try {
        await this.projection.apply(connection.manager, generation.schema, events);
      } catch (error) {
        throw new ApplyFailure(error);
      }
      // Written last: the transaction takes an xid (which holds back every reader of the log) as late
      // as it can. The condition still lets only one writer move the checkpoint from where it was.
      const moved = (await connection.query(
        CHECKPOINT_SQL,
        [this.name, generation.generation, last, events.length, generation.checkpoint ?? null],
        true,
      )) as { affected?: number };
      if (moved.affected !== 1) throw new CheckpointMovedError(this.name, generation.generation);
      await connection.commitTransaction();
    } catch (error) {
      await this.rollback(connection, error);
      // A batch that failed because another writer got there first is not a poison event.
      if (error instanceof ApplyFailure && (await this.checkpointMoved(generation))) {
        throw new CheckpointMovedError(this.name, generation.generation);
      }
      throw error;
    }
    generation.checkpoint = last;
  }

  private async checkpointMoved(generation: GenerationRow): Promise<boolean> {
    const rows = (await this.lockedConnection().query(
      `SELECT checkpoint FROM projections.projection_generations WHERE name = $1 AND generation = $2`,
      [this.name, generation.generation],
    )) as Array<{ checkpoint: string | null }>;
    return rows.length === 0 || (rows[0].checkpoint ?? undefined) !== generation.checkpoint;
  }

  private async rollback(connection: QueryRunner, cause: unknown): Promise<void> {
    if (!connection.isTransactionActive) return;
    try {
      await connection.rollbackTransaction();
    } catch (error) {
      throw new ConnectionLostError(`rollback failed (${errorMessage(error)})`, { cause });
    }
  }

  private async fail(generation: GenerationRow, event: RecordedEvent, cause: unknown): Promise<void> {
    const message =
      `generation ${generation.generation} stopped at ${event.type} ${event.eventId} ` +
      `(stream ${event.streamId} revision ${event.revision}, position ${event.position}): ${errorMessage(cause)}`;
    this.failures.set(generation.generation, message.slice(0, MAX_ERROR_LENGTH));
    this.host.logger.error(`Projection ${this.name} failed: ${message}`);
    await this.writeState(await this.control());
  }

  /** Creates generation n+1 (schema and tables) for a requested rebuild; generation n keeps serving. */
  private async beginRebuild(control: ControlRow): Promise<void> {
    const connection = this.lockedConnection();
    const abandoned =
      control.rebuildGeneration === null ? undefined : control.generations.get(control.rebuildGeneration);
    const next =
      Math.max(control.activeGeneration, control.rebuildGeneration ?? 0, ...control.generations.keys()) + 1;
    const schema = generationSchema(this.name, next);
    await connection.startTransaction();
    try {
      const claimed = (await connection.query(
        `UPDATE projections.projection_state
         SET rebuild_requested = false, rebuild_generation = $2, state = 'rebuilding', error = NULL, updated_at = now()
         WHERE name = $1 AND rebuild_requested`,
        [this.name, next],
        true,
      )) as { affected?: number };
      if (claimed.affected !== 1) {
        await connection.rollbackTransaction();
        return;
      }
      if (abandoned) {
        await connection.query(
          `DELETE FROM projections.projection_generations WHERE name = $1 AND generation = $2`,
          [this.name, abandoned.generation],
        );
        await connection.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(abandoned.schema)} CASCADE`);
      }
      await connection.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
      await connection.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
      try {
        await this.projection.createTables(connection.manager, schema);
      } catch (error) {
        throw new ApplyFailure(error);
      }
      await connection.query(
        `INSERT INTO projections.projection_generations (name, generation, schema_name) VALUES ($1, $2, $3)`,
        [this.name, next, schema],
      );
      await connection.commitTransaction();
    } catch (error) {
      await this.rollback(connection, error);
      if (!(error instanceof ApplyFailure) || isTransientError(error.cause)) throw error;
      const message = `rebuild into generation ${next} could not create its tables: ${errorMessage(error.cause)}`;
      this.failures.set(next, message.slice(0, MAX_ERROR_LENGTH));
      this.host.logger.error(`Projection ${this.name} failed: ${message}`);
      await connection.query(
        `UPDATE projections.projection_state SET rebuild_requested = false, state = 'failed', error = $2, updated_at = now() WHERE name = $1`,
        [this.name, message.slice(0, MAX_ERROR_LENGTH)],
      );
      return;
    }
    if (abandoned) this.failures.delete(abandoned.generation);
    this.host.logger.log(
      `Projection ${this.name}: rebuilding into generation ${next} (schema ${schema}); generation ${control.activeGeneration} serves meanwhile`,
    );
  }

  /** Makes the rebuilt generation the active one and drops the old one, in one transaction. */
  private async switchTo(from: GenerationRow, to: GenerationRow): Promise<boolean> {
    const connection = this.lockedConnection();
    await connection.startTransaction();
    try {
      // Readers of the old schema hold it briefly; waiting longer than this is retried later.
      await connection.query(`SET LOCAL lock_timeout = '5s'`);
      const switched = (await connection.query(
        `UPDATE projections.projection_state
         SET active_generation = $2, rebuild_generation = NULL, error = NULL, updated_at = now(),
             state = CASE WHEN rebuild_requested THEN 'rebuilding' ELSE 'running' END
         WHERE name = $1 AND rebuild_generation = $2 AND active_generation = $3`,
        [this.name, to.generation, from.generation],
        true,
      )) as { affected?: number };
      if (switched.affected !== 1) {
        await connection.rollbackTransaction();
        return false;
      }
      await connection.query(
        `DELETE FROM projections.projection_generations WHERE name = $1 AND generation = $2`,
        [this.name, from.generation],
      );
      await connection.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(from.schema)} CASCADE`);
      await connection.commitTransaction();
    } catch (error) {
      await this.rollback(connection, error);
      throw error;
    }
    this.failures.delete(from.generation);
    this.host.logger.log(
      `Projection ${this.name}: generation ${to.generation} caught up and serves now; generation ${from.generation} dropped`,
    );
    return true;
  }

  private async control(): Promise<ControlRow> {
    const control = (await readControl(this.lockedConnection(), [this.name])).get(this.name);
    if (!control) throw new Error('its state row is missing (not initialised)');
    return control;
  }

  private stateOf(control: ControlRow): ProjectionState {
    if (control.rebuildRequested) return 'rebuilding';
    if (control.rebuildGeneration !== null && !this.failures.has(control.rebuildGeneration))
      return 'rebuilding';
    return this.failures.size > 0 ? 'failed' : 'running';
  }

  private async writeState(control: ControlRow): Promise<void> {
    const error = [...this.failures.values()].at(-1) ?? null;
    await this.lockedConnection().query(STATE_SQL, [this.name, this.stateOf(control), error]);
  }

  private lockedConnection(): QueryRunner {
    if (!this.connection) throw new ConnectionLostError('the worker holds no connection');
    return this.connection;
  }

  /** After an error: the lock is given up with the session; the next pass takes it again. */
  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (connection) await releaseLocked(connection).catch(() => undefined);
  }

  /** Graceful end: records `stopped` (a failure stays visible) and gives up the lock. */
  private async release(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    try {
      await connection.query(
        `UPDATE projections.projection_state
         SET state = CASE WHEN state = 'failed' THEN 'failed' ELSE 'stopped' END, worker_pid = NULL, updated_at = now()
         WHERE name = $1`,
        [this.name],
      );
    } catch (error) {
      this.host.logger.warn(`Projection ${this.name}: could not record its stop (${errorMessage(error)})`);
    }
    await this.dropConnection();
    this.host.logger.log(`Projection ${this.name}: worker stopped`);
  }
}
