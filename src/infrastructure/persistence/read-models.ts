import type { DataSourceOptions, MixedList } from 'typeorm';
import { ProjectionState1733000000000 } from '../../projections/runner/projection-state.migration.js';
import { IntegrityLog1781000000000 } from '../integrity/integrity-log.migration.js';
import { WebhookDelivery1790000000000 } from '../webhooks/delivery/webhook-delivery.migration.js';
import { WebhookSecrets1789500000000 } from '../webhooks/webhook-secrets.migration.js';
import { IdempotencyKeys1732800000000 } from './migrations/1732800000000-idempotency-keys.js';
import { RateLimitCounters1767225600000 } from './migrations/1767225600000-rate-limit-counters.js';

/** Read-model migrations, listed as classes (TypeORM path globs do not load under ESM). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const READ_MODEL_MIGRATIONS: MixedList<Function> = [
  IdempotencyKeys1732800000000,
  ProjectionState1733000000000,
  RateLimitCounters1767225600000,
  IntegrityLog1781000000000,
  WebhookSecrets1789500000000,
  WebhookDelivery1790000000000,
];

/**
 * Connections of the process's one read-model pool: about ten for queries, timers, the rate-limit
 * counters and the idempotency store, plus one that each projection this instance writes keeps (it
 * holds the lock).
 */
const POOL_SIZE = 20;

/**
 * The read-model DataSource: TypeORM owns the connection pool and runs the migrations above at
 * start-up. There are no entities: read models are written and read with SQL, through
 * `DataSource.query` and, for transactions and the projection workers' locked sessions, query runners.
 */
export function readModelDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: READ_MODEL_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    poolSize: POOL_SIZE,
    // A saturated pool fails the caller after this long instead of queueing it forever.
    connectTimeoutMS: 10_000,
    applicationName: 'engine-read-models',
    extra: { idle_in_transaction_session_timeout: 60_000 },
  };
}
