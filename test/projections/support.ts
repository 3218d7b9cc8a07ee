import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres.event-store.js';
import { READ_MODEL_MIGRATIONS } from '../../src/infrastructure/persistence/read-models.js';
import type { Projection } from '../../src/projections/runner/projection.js';
import {
  ProjectionRunner,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
} from '../../src/projections/runner/projection-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Fast settings so that suites take seconds: small polls, quick takeover and retry. */
export const FAST = { pollIntervalMs: 50, lockRetryMs: 50, retryDelayMs: 50 } as const;

/** A fresh database with the read-model migrations run, a PostgreSQL event store, and runners to start. */
export class ProjectionTestBed {
  private readonly runners: ProjectionRunner[] = [];
  private readonly dataSources: DataSource[] = [];

  private constructor(
    readonly database: TestDatabase,
    /** For assertions (not used by runners). */
    readonly db: DataSource,
    readonly store: PostgresEventStore,
  ) {}

  static async create(): Promise<ProjectionTestBed> {
    const database = await createTestDatabase('projections');
    const db = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: READ_MODEL_MIGRATIONS,
      extra: { max: 4 },
    }).initialize();
    await db.runMigrations();
    const store = await PostgresEventStore.start(database.url, { pollIntervalMs: 50, maxConnections: 4 });
    return new ProjectionTestBed(database, db, store);
  }

  /** A runner with a pool of its own, as a separate engine instance would have. */
  async runner(
    projections: Projection[],
    options: Partial<Omit<ProjectionRunnerOptions, 'dataSource' | 'store' | 'projections'>> = {},
  ): Promise<ProjectionRunner> {
    const dataSource = await new DataSource({
      type: 'postgres',
      url: this.database.url,
      extra: { max: 4, application_name: 'engine-projections' },
    }).initialize();
    this.dataSources.push(dataSource);
    const runner = new ProjectionRunner({ ...FAST, ...options, dataSource, store: this.store, projections });
    this.runners.push(runner);
    return runner;
  }

  async append(count: number, data: (index: number) => Record<string, unknown> = (index) => ({ index })) {
    const stream = `test-${randomUUID()}`;
    const events = Array.from({ length: count }, (_, index) => ({
      eventId: randomUUID(),
      type: 'Tested',
      data: data(index),
      metadata: { actor: { id: 'tester', role: 'system' }, occurredAt: new Date().toISOString() },
    }));
    await this.store.append(stream, events, { expected: 'no-stream' });
    return events.map((event) => event.eventId);
  }

  async status(runner: ProjectionRunner, name: string): Promise<ProjectionStatus> {
    const { items } = await runner.status();
    return items.find((item) => item.name === name)!;
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await Promise.all(this.dataSources.map((dataSource) => dataSource.destroy()));
    await this.store.close();
    await this.db.destroy();
    await this.database.drop();
  }
}

/**
 * A projection for runner tests: one row per event applied (no unique key, so a duplicate shows),
 * with counts of its apply calls, a switch to fail on chosen events and a hook to pause a batch.
 */
export class RecordingProjection implements Projection {
  applies = 0;
  batchSizes: number[] = [];
  failWhen: ((event: RecordedEvent) => boolean) | undefined;
  /** Called in the middle of a batch, after half its rows are written. */
  midBatch: (() => Promise<void>) | undefined;

  constructor(
    readonly name = 'recording',
    readonly label = 'runner',
  ) {}

  async createTables(manager: EntityManager, schema: string): Promise<void> {
    await manager.query(
      `CREATE TABLE "${schema}".seen (seq bigserial PRIMARY KEY, event_id text NOT NULL, applied_by text NOT NULL)`,
    );
  }

  async apply(manager: EntityManager, schema: string, events: readonly RecordedEvent[]): Promise<void> {
    this.applies += 1;
    this.batchSizes.push(events.length);
    const half = Math.ceil(events.length / 2);
    for (const [index, event] of events.entries()) {
      if (index === half && this.midBatch) await this.midBatch();
      if (this.failWhen?.(event)) throw new Error(`refusing ${String(event.data.index ?? event.eventId)}`);
      await manager.query(`INSERT INTO "${schema}".seen (event_id, applied_by) VALUES ($1, $2)`, [
        event.eventId,
        this.label,
      ]);
    }
  }
}

export async function seenRows(
  db: DataSource,
  schema: string,
): Promise<Array<{ event_id: string; applied_by: string }>> {
  return db.query(`SELECT event_id, applied_by FROM "${schema}".seen ORDER BY seq`);
}

/** Every event of the log, in log order. */
export async function logEventIds(store: PostgresEventStore): Promise<string[]> {
  const ids: string[] = [];
  let after: RecordedEvent['position'] | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    ids.push(...page.map((event) => event.eventId));
    if (page.length < 1000) return ids;
    after = page.at(-1)!.position;
  }
}
