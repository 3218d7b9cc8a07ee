import type { MixedList } from 'typeorm';
import { ProjectionState1733000000000 } from '../../projections/runner/projection-state.migration.js';
import { IdempotencyKeys1732800000000 } from './migrations/1732800000000-idempotency-keys.js';

/**
 * Read-model entities and their migrations, listed as classes (TypeORM path globs do not load
 * under ESM). Each projection adds its own here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const READ_MODEL_ENTITIES: MixedList<Function> = [];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const READ_MODEL_MIGRATIONS: MixedList<Function> = [
  IdempotencyKeys1732800000000,
  ProjectionState1733000000000,
];
