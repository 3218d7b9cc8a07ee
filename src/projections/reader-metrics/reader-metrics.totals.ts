import { defaultCasePolicy } from '../../domain/case/case.policy.js';
import type { MetricsCaseRecord } from '../../domain/metrics/metrics-case.js';
import {
  addCounts,
  caseCounts,
  type CountsBasis,
  countsForQuery,
  FUNNEL_GROUP_COUNTS,
  type MetricsCase,
  type ReaderMetricsOptions,
  type TallyCounts,
} from '../../domain/metrics/reader-metrics.js';
import { DAY_MS, instantOf, isoOf } from '../../domain/metrics/time.js';
import type { Queryable } from '../runner/projection-control.js';
import { ProjectionTable } from '../runner/projection-table.js';

/**
 * The reader metrics pre-aggregated (docs/projections.md "Reader metrics totals"): each subject's
 * counts (`TallyCounts`) summed over the cases of one finding filter × body region × UTC day,
 * month or all time of the request. A case's contribution is a pure function of its stored
 * record, so when a batch changes a case (an opinion, a late consensus, an amended reference
 * standard) its old record's counts are taken out and the new one's added: the sums stay exactly
 * those of the cases now stored, whatever the order and batching of the events, and a rebuild
 * gives the same rows.
 */

/** The case policy the counts of a generation were tallied under (`CountsBasis`). */
export type MetricsBasis = CountsBasis;

const BASIS_TABLE = new ProjectionTable('reader_metrics_basis', {
  id: 'smallint PRIMARY KEY',
  basis: 'jsonb NOT NULL',
});

/** A bucket is a UTC day (YYYY-MM-DD), a month (YYYY-MM), or all time (''): told apart by length. */
const DAY_LENGTH = 10;
const ALL_TIME = '';

const TOTALS_TABLE = new ProjectionTable(
  'reader_metrics_totals',
  {
    subject: 'text NOT NULL',
    finding: 'text NOT NULL',
    body_region: 'text NOT NULL',
    bucket: 'text NOT NULL',
    counts: 'jsonb NOT NULL',
  },
  {
    primaryKey: ['subject', 'finding', 'body_region', 'bucket'],
    indexes: ['(finding, bucket)', `(bucket) WHERE length(bucket) = ${DAY_LENGTH}`],
  },
);

/** How many cases assigned each id as a reader, and how many have it as their prior report's author. */
const SUBJECTS_TABLE = new ProjectionTable('reader_metrics_subjects', {
  subject: 'text PRIMARY KEY',
  reader_cases: 'integer NOT NULL',
  author_cases: 'integer NOT NULL',
});

export async function createTotalsTables(db: Queryable, schema: string): Promise<void> {
  for (const table of [BASIS_TABLE, TOTALS_TABLE, SUBJECTS_TABLE]) await table.create(db, schema);
}

export async function writeBasis(db: Queryable, schema: string, basis: MetricsBasis): Promise<void> {
  await BASIS_TABLE.upsert(db, schema, [[1, JSON.stringify(basis)]]);
}

/** Undefined for a generation created before the totals existed: it answers from the cases until rebuilt. */
export async function readBasis(db: Queryable, schema: string): Promise<MetricsBasis | undefined> {
  const [exists] = (await db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    BASIS_TABLE.in(schema),
  ])) as Array<{ present: boolean }>;
  if (!exists?.present) return undefined;
  const [row] = (await db.query(`SELECT basis FROM ${BASIS_TABLE.in(schema)} WHERE id = 1`)) as Array<{
    basis: MetricsBasis;
  }>;
  return row?.basis;
}

/**
 * Each generation's basis, read once: it is written with the generation's tables and never changes.
 * A generation without one (older than the totals) stays so until a rebuild replaces it, so it is
 * asked again rather than remembered.
 */
export class MetricsBases {
  private readonly known = new Map<string, MetricsBasis>();

  async of(db: Queryable, schema: string): Promise<MetricsBasis | undefined> {
    const cached = this.known.get(schema);
    if (cached) return cached;
    const basis = await readBasis(db, schema);
    if (basis) this.known.set(schema, basis);
    return basis;
  }
}

/** Whether figures computed with `options` are those of counts tallied under `basis`. */
export function basisFits(basis: MetricsBasis, options: ReaderMetricsOptions): boolean {
  const vocabulary = options.vocabulary ?? defaultCasePolicy.findingVocabulary;
  const threshold = options.backfillThresholdHours ?? defaultCasePolicy.importedHistoryThresholdHours;
  return (
    options.includeUnblinded !== true &&
    options.radpeerScoresNeedingArbitration === undefined &&
    threshold === basis.backfillThresholdHours &&
    JSON.stringify(vocabulary) === JSON.stringify(basis.vocabulary)
  );
}

/** The UTC day of the request: the bucket a case's counts are summed in. */
const dayOf = (occurredAt: string): string => isoOf(instantOf(occurredAt, 'occurredAt')).slice(0, 10);

interface Delta {
  readonly subject: string;
  readonly finding: string;
  readonly bodyRegion: string;
  readonly bucket: string;
  readonly counts: TallyCounts;
}

/** A case's record before a batch (absent: new) and after it. */
export interface CaseChange {
  readonly before?: MetricsCaseRecord;
  readonly after: MetricsCaseRecord;
}

/** Takes each changed case's old counts out of the totals and adds its new ones, in the batch's transaction. */
export async function applyCaseChanges(
  db: Queryable,
  schema: string,
  basis: MetricsBasis | undefined,
  changes: readonly CaseChange[],
): Promise<void> {
  if (basis === undefined || changes.length === 0) return;
  const deltas = new Map<string, Delta>();
  const subjects = new Map<string, { reader: number; author: number }>();
  const subjectDelta = (subject: string): { reader: number; author: number } => {
    let delta = subjects.get(subject);
    if (!delta) subjects.set(subject, (delta = { reader: 0, author: 0 }));
    return delta;
  };
  const addCaseCounts = (metricsCase: MetricsCase, sign: 1 | -1): void => {
    const day = dayOf(metricsCase.occurredAt);
    // The day, its month and all time: a query sums the fewest rows that cover its scope.
    const buckets = [day, day.slice(0, 7), ALL_TIME];
    for (const [finding, bySubject] of caseCounts(metricsCase, basis)) {
      for (const [subject, counts] of bySubject) {
        for (const bucket of buckets) {
          const key = JSON.stringify([subject, finding, metricsCase.bodyRegion, bucket]);
          let delta = deltas.get(key);
          if (!delta) {
            delta = { subject, finding, bodyRegion: metricsCase.bodyRegion, bucket, counts: {} };
            deltas.set(key, delta);
          }
          addCounts(delta.counts, counts, sign);
        }
      }
    }
  };
  const addSubjects = (record: MetricsCaseRecord, sign: 1 | -1): void => {
    const { metricsCase } = record;
    const readers = new Set(Object.values(record.assignments).map(({ readerId }) => readerId));
    for (const reader of readers) subjectDelta(reader).reader += sign;
    const author = metricsCase.priorReport?.author;
    if (author !== undefined) subjectDelta(author).author += sign;
  };
  for (const { before, after } of changes) {
    // An assignment changes the record but not the facts the counts are made of.
    if (before?.metricsCase !== after.metricsCase) {
      if (before) addCaseCounts(before.metricsCase, -1);
      addCaseCounts(after.metricsCase, 1);
    }
    if (before) addSubjects(before, -1);
    addSubjects(after, 1);
  }
  await addToTotals(
    db,
    schema,
    [...deltas.values()].filter((delta) => Object.keys(delta.counts).length > 0),
  );
  const subjectRows = [...subjects].filter(([, delta]) => delta.reader !== 0 || delta.author !== 0);
  if (subjectRows.length > 0) {
    await db.query(
      `INSERT INTO ${SUBJECTS_TABLE.in(schema)} AS t (subject, reader_cases, author_cases)
       SELECT * FROM unnest($1::text[], $2::integer[], $3::integer[])
       ON CONFLICT (subject) DO UPDATE SET reader_cases = t.reader_cases + EXCLUDED.reader_cases,
                                           author_cases = t.author_cases + EXCLUDED.author_cases`,
      [
        subjectRows.map(([subject]) => subject),
        subjectRows.map(([, delta]) => delta.reader),
        subjectRows.map(([, delta]) => delta.author),
      ],
    );
  }
}

async function addToTotals(db: Queryable, schema: string, deltas: readonly Delta[]): Promise<void> {
  if (deltas.length === 0) return;
  const keys = [
    deltas.map((delta) => delta.subject),
    deltas.map((delta) => delta.finding),
    deltas.map((delta) => delta.bodyRegion),
    deltas.map((delta) => delta.bucket),
  ];
  const table = TOTALS_TABLE.in(schema);
  const current = (await db.query(
    `SELECT t.subject, t.finding, t.body_region, t.bucket, t.counts
       FROM ${table} AS t
       JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k (subject, finding, body_region, bucket)
         USING (subject, finding, body_region, bucket)`,
    keys,
  )) as Array<{ subject: string; finding: string; body_region: string; bucket: string; counts: TallyCounts }>;
  const stored = new Map(
    current.map((row) => [
      JSON.stringify([row.subject, row.finding, row.body_region, row.bucket]),
      row.counts,
    ]),
  );
  const emptied: Delta[] = [];
  const upserts: unknown[][] = [];
  for (const delta of deltas) {
    const key = JSON.stringify([delta.subject, delta.finding, delta.bodyRegion, delta.bucket]);
    const counts = stored.get(key) ?? {};
    addCounts(counts, delta.counts);
    if (Object.keys(delta.counts).some((count) => (counts[count] ?? 0) < 0)) {
      throw new Error(
        `Reader metrics totals went negative for ${delta.subject} in ${delta.bucket || 'all time'}: a case was taken out twice.`,
      );
    }
    if (Object.keys(counts).length === 0) emptied.push(delta);
    else upserts.push([delta.subject, delta.finding, delta.bodyRegion, delta.bucket, JSON.stringify(counts)]);
  }
  if (emptied.length > 0) {
    await db.query(
      `DELETE FROM ${table} AS t
        USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k (subject, finding, body_region, bucket)
        WHERE (t.subject, t.finding, t.body_region, t.bucket) = (k.subject, k.finding, k.body_region, k.bucket)`,
      [
        emptied.map((delta) => delta.subject),
        emptied.map((delta) => delta.finding),
        emptied.map((delta) => delta.bodyRegion),
        emptied.map((delta) => delta.bucket),
      ],
    );
  }
  await TOTALS_TABLE.upsert(db, schema, upserts);
}

/** The scope of a metrics query, as the query DTO gives it. */
export interface TotalsScope {
  readonly from?: string;
  readonly to?: string;
  readonly bodyRegion?: string;
  readonly finding?: string;
  readonly period?: string;
}

const PERIOD = /^(\d{4})-(\d{2})$/;

/** A day boundary as a date, or undefined when the instant is not one (the totals hold whole days). */
function dayAt(instant: string, what: string): string | undefined {
  const time = instantOf(instant, what);
  return time % DAY_MS === 0 ? isoOf(time).slice(0, 10) : undefined;
}

const nextDay = (day: string): string => isoOf(instantOf(day, 'day') + DAY_MS).slice(0, 10);

function nextMonth(day: string): string {
  const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/** The days from `first` up to `end` (exclusive) as buckets: whole months as months, the rest as days. */
function bucketsOf(first: string, end: string): string[] {
  const buckets: string[] = [];
  for (let day = first; day < end;) {
    const month = nextMonth(day);
    if (day.endsWith('-01') && month <= end) {
      buckets.push(day.slice(0, 7));
      day = month;
    } else {
      buckets.push(day);
      day = nextDay(day);
    }
  }
  return buckets;
}

/**
 * The buckets covering a scope's days exactly; `[ALL_TIME]` without bounds; undefined when the
 * totals cannot say: `from` or `to` inside a day, or a period that is no year-month.
 */
async function scopeBuckets(
  db: Queryable,
  schema: string,
  scope: TotalsScope,
): Promise<string[] | undefined> {
  if (scope.from === undefined && scope.to === undefined && scope.period === undefined) return [ALL_TIME];
  const lows: string[] = [];
  const highs: string[] = [];
  if (scope.from !== undefined) {
    const day = dayAt(scope.from, 'from');
    if (day === undefined) return undefined;
    lows.push(day);
  }
  if (scope.to !== undefined) {
    const day = dayAt(scope.to, 'to');
    if (day === undefined) return undefined;
    highs.push(day);
  }
  if (scope.period !== undefined) {
    const match = PERIOD.exec(scope.period);
    const month = Number(match?.[2]);
    if (!match || month < 1 || month > 12) return undefined;
    lows.push(`${scope.period}-01`);
    highs.push(nextMonth(`${scope.period}-01`));
  }
  if (lows.length === 0 || highs.length === 0) {
    // An open end: the first or last day any case was requested on.
    const [stored] = (await db.query(
      `SELECT min(bucket) AS first, max(bucket) AS last FROM ${TOTALS_TABLE.in(schema)}
        WHERE length(bucket) = ${DAY_LENGTH}`,
    )) as Array<{ first: string | null; last: string | null }>;
    if (!stored?.first || !stored.last) return [];
    if (lows.length === 0) lows.push(stored.first);
    if (highs.length === 0) highs.push(nextDay(stored.last));
  }
  const first = lows.reduce((a, b) => (a > b ? a : b));
  const end = highs.reduce((a, b) => (a < b ? a : b));
  return bucketsOf(first, end);
}

/** The rows of a scope: the filter's findings, the buckets covering it, its body region. */
function scopeWhere(
  scope: TotalsScope,
  findings: readonly string[],
  buckets: readonly string[],
): { where: string; parameters: unknown[] } {
  const parameters: unknown[] = [findings, buckets];
  let where = 'finding = ANY($1::text[]) AND bucket = ANY($2::text[])';
  if (scope.bodyRegion !== undefined) {
    parameters.push(scope.bodyRegion);
    where += ` AND body_region = $${parameters.length}`;
  }
  return { where, parameters };
}

const findingsOf = (scope: TotalsScope): string[] =>
  scope.finding === undefined ? [''] : ['', scope.finding];

/**
 * Each subject's summed counts in scope (`countsForQuery`), or undefined when the totals cannot say
 * exactly (`scopeBuckets`).
 */
export async function loadScopeCounts(
  db: Queryable,
  schema: string,
  scope: TotalsScope,
): Promise<Map<string, TallyCounts> | undefined> {
  const buckets = await scopeBuckets(db, schema, scope);
  if (buckets === undefined) return undefined;
  const { where, parameters } = scopeWhere(scope, findingsOf(scope), buckets);
  const rows = (await db.query(
    `SELECT subject, finding, counts FROM ${TOTALS_TABLE.in(schema)} WHERE ${where}`,
    parameters,
  )) as Array<{ subject: string; finding: string; counts: TallyCounts }>;
  return countsForQuery(rows, scope.finding);
}

/**
 * One reader's summed counts in scope and the funnel's centre over every subject in scope (summed
 * by the database: two counts, not every subject's rows), or undefined as `loadScopeCounts`.
 */
export async function loadReaderScopeCounts(
  db: Queryable,
  schema: string,
  scope: TotalsScope,
  readerId: string,
): Promise<{ counts: TallyCounts | undefined; group: { x: number; n: number } } | undefined> {
  const buckets = await scopeBuckets(db, schema, scope);
  if (buckets === undefined) return undefined;
  const table = TOTALS_TABLE.in(schema);
  const reader = scopeWhere(scope, findingsOf(scope), buckets);
  reader.parameters.push(readerId);
  const rows = (await db.query(
    `SELECT subject, finding, counts FROM ${table} WHERE ${reader.where} AND subject = $${reader.parameters.length}`,
    reader.parameters,
  )) as Array<{ subject: string; finding: string; counts: TallyCounts }>;
  // The centre's counts depend on the finding filter: they are in that code's rows.
  const all = scopeWhere(scope, [scope.finding ?? ''], buckets);
  all.parameters.push(FUNNEL_GROUP_COUNTS.x, FUNNEL_GROUP_COUNTS.n);
  const [group] = (await db.query(
    `SELECT coalesce(sum((counts->>$${all.parameters.length - 1})::bigint), 0)::float8 AS x,
            coalesce(sum((counts->>$${all.parameters.length})::bigint), 0)::float8 AS n
       FROM ${table} WHERE ${all.where}`,
    all.parameters,
  )) as Array<{ x: number; n: number }>;
  return {
    counts: countsForQuery(rows, scope.finding).get(readerId),
    group: { x: group?.x ?? 0, n: group?.n ?? 0 },
  };
}

/** What the generation knows `id` as, from the subjects' case counts. */
export async function knownSubject(
  db: Queryable,
  schema: string,
  id: string,
): Promise<{ reader: boolean; author: boolean }> {
  const [row] = (await db.query(
    `SELECT reader_cases > 0 AS reader, author_cases > 0 AS author FROM ${SUBJECTS_TABLE.in(schema)} WHERE subject = $1`,
    [id],
  )) as Array<{ reader: boolean; author: boolean }>;
  return { reader: row?.reader ?? false, author: row?.author ?? false };
}
