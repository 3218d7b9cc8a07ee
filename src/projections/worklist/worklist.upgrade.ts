import { Injectable } from '@nestjs/common';
import { lockGenerationUpgrade, UpgradeAtStart } from '../runner/generation-upgrade.js';
import { type Queryable, quoteIdentifier } from '../runner/projection-control.js';

export const WORKLIST = 'worklist';

/**
 * The search columns (patient, study, body region, requester), added after generations of the
 * worklist already existed. Nullable, so that a generation created before them can take them.
 */
const SEARCH_COLUMNS = [
  ['patient_ref', 'text'],
  ['study_uid', 'text'],
  ['body_region', 'text'],
  ['requester', 'jsonb'],
] as const;

/** The search indexes, named so that adding them to an older generation is idempotent. */
export async function createSearchIndexes(db: Queryable, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await db.query(
    `CREATE INDEX IF NOT EXISTS worklist_patient_ref_idx ON ${s}.worklist (patient_ref, requested_at, case_id)`,
  );
  await db.query(`CREATE INDEX IF NOT EXISTS worklist_study_uid_idx ON ${s}.worklist (study_uid)`);
  await db.query(
    `CREATE INDEX IF NOT EXISTS worklist_requester_id_idx ON ${s}.worklist ((requester ->> 'id'))`,
  );
}

const missingSearchColumns = async (
  db: Queryable,
  schema: string,
): Promise<(typeof SEARCH_COLUMNS)[number][]> => {
  const present = (await db.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'worklist'`,
    [schema],
  )) as Array<{ column_name: string }>;
  const names = new Set(present.map((row) => row.column_name));
  // No table: no such generation (any more), nothing to add.
  return present.length === 0 ? [] : SEARCH_COLUMNS.filter(([name]) => !names.has(name));
};

/**
 * Gives a generation made by an older engine the search columns and indexes (a no-op when they are
 * there), inside `db`'s transaction, under a lock so that instances starting together take turns.
 * Its older rows keep nulls in them until the worklist is rebuilt.
 */
export async function addSearchColumns(db: Queryable, schema: string): Promise<void> {
  if ((await missingSearchColumns(db, schema)).length === 0) return;
  await lockGenerationUpgrade(db, WORKLIST, schema);
  const missing = await missingSearchColumns(db, schema);
  if (missing.length === 0) return;
  await db.query(
    `ALTER TABLE ${quoteIdentifier(schema)}.worklist ${missing.map(([name, type]) => `ADD COLUMN IF NOT EXISTS ${name} ${type}`).join(', ')}`,
  );
  await createSearchIndexes(db, schema);
}

/** Every existing generation of the worklist gets the search columns, which GET /api/v1/cases reads. */
@Injectable()
export class WorklistUpgrade extends UpgradeAtStart(WORKLIST, addSearchColumns) {}
