import type { DataSource } from 'typeorm';
import { type Queryable, readControl } from './projection-control.js';

/** Adds to one generation what an older engine created it without; a no-op when it is there. */
export type GenerationUpgrade = (db: Queryable, schema: string) => Promise<void>;

/** Under this transaction lock, instances starting together take turns upgrading a generation. */
export async function lockGenerationUpgrade(
  db: Queryable,
  projection: string,
  schema: string,
): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `${projection}-upgrade:${schema}`,
  ]);
}

/**
 * At start, before the server listens: every existing generation of `projection` is upgraded, each
 * in its own transaction, so that its queries can read what the upgrade adds from the first request.
 */
export async function upgradeEveryGeneration(
  dataSource: DataSource,
  projection: string,
  upgrade: GenerationUpgrade,
): Promise<void> {
  const control = (await readControl(dataSource, [projection])).get(projection);
  for (const { schema } of control?.generations.values() ?? []) {
    await dataSource.transaction((manager) => upgrade(manager, schema));
  }
}
