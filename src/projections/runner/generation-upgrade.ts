import { Inject, Injectable, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

/** Every existing generation of `projection` is upgraded, each in its own transaction. */
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

/**
 * The provider that, at start and before the server listens, upgrades every existing generation of
 * `projection`, so that its queries can read what the upgrade adds from the first request.
 */
export function UpgradeAtStart(projection: string, upgrade: GenerationUpgrade): Type<OnApplicationBootstrap> {
  @Injectable()
  class GenerationsUpgrade implements OnApplicationBootstrap {
    constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

    onApplicationBootstrap(): Promise<void> {
      return upgradeEveryGeneration(this.dataSource, projection, upgrade);
    }
  }
  return GenerationsUpgrade;
}
