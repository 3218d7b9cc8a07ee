import { Injectable } from '@nestjs/common';
import { lockGenerationUpgrade, UpgradeAtStart } from '../runner/generation-upgrade.js';
import type { Queryable } from '../runner/projection-control.js';
import { FLAG_REVIEW_LOG_TABLE, FLAGS_TABLE } from './shopping-working-set.js';

export const OPINION_SHOPPING = 'opinion-shopping';

/**
 * Gives a generation made by an older engine the review log (a no-op when it has one), inside
 * `db`'s transaction, under a lock so that instances starting together take turns.
 */
export async function addReviewLog(db: Queryable, schema: string): Promise<void> {
  const exists = async (): Promise<boolean> => {
    const [row] = (await db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [
      FLAG_REVIEW_LOG_TABLE.in(schema),
    ])) as Array<{ present: boolean }>;
    return row?.present === true;
  };
  const [generation] = (await db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    FLAGS_TABLE.in(schema),
  ])) as Array<{ present: boolean }>;
  if (generation?.present !== true || (await exists())) return;
  await lockGenerationUpgrade(db, OPINION_SHOPPING, schema);
  await FLAG_REVIEW_LOG_TABLE.create(db, schema);
}

/** Every existing generation of opinion-shopping gets the review log, which the flag list reads. */
@Injectable()
export class OpinionShoppingUpgrade extends UpgradeAtStart(OPINION_SHOPPING, addReviewLog) {}
