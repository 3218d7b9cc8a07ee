import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Counted } from '../../domain/metrics/case-selector.js';
import {
  computeFunnelPlot,
  type FunnelMeasure,
  type FunnelPlot,
  type FunnelReference,
} from '../../domain/metrics/funnel-plot.js';
import type { MetricsCaseRecord } from '../../domain/metrics/metrics-case.js';
import {
  computeReaderMetrics,
  type MetricsCase,
  type ReaderCasePosition,
  type ReaderCasesPage,
  type ReaderMetrics,
  type ReaderMetricsList,
  oneReaderMetricsFromCounts,
  type ReaderMetricsOptions,
  readerCasesFor,
  readerMetricsFor,
  readerMetricsFromCounts,
  type TallyCounts,
} from '../../domain/metrics/reader-metrics.js';
import { roundForResponse } from '../../domain/metrics/statistics.js';
import type { FindingVocabulary } from '../../domain/case/findings.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../runner/projection.js';
import { type Queryable, quoteIdentifier } from '../runner/projection-control.js';
import { READER_METRICS } from './reader-metrics.projection.js';
import {
  basisFits,
  knownSubject,
  loadReaderScopeCounts,
  loadScopeCounts,
  type MetricsBasis,
  MetricsBases,
} from './reader-metrics.totals.js';

/** The scope of a metrics query (docs/api.md `GET /api/v1/metrics/readers`). */
export interface ReaderMetricsFilter {
  /** Inclusive, on the request's occurredAt (ISO 8601). */
  from?: string;
  /** Exclusive, on the request's occurredAt (ISO 8601). */
  to?: string;
  bodyRegion?: string;
  /** Restricts accuracy and discordance to one finding code. */
  finding?: string;
  /** One UTC year-month (YYYY-MM) of the request. */
  period?: string;
}

/** What the site configures and the HTTP layer adds: vocabulary, backfill threshold, links. */
export type ReaderMetricsSettings = Pick<
  ReaderMetricsOptions,
  'vocabulary' | 'backfillThresholdHours' | 'link'
>;

/** What the read model knows an id as: a reader (assigned in some case), a prior-report author, both or neither. */
export interface KnownSubject {
  readonly reader: boolean;
  readonly author: boolean;
}

/** The metrics cases of one generation that a filter can concern (the pure functions filter again, exactly). */
export async function loadMetricsCases(
  db: Queryable,
  schema: string,
  filter: Pick<ReaderMetricsFilter, 'from' | 'to' | 'bodyRegion'> = {},
): Promise<MetricsCase[]> {
  const clauses: string[] = [];
  const parameters: unknown[] = [];
  const add = (clause: (placeholder: string) => string, value: unknown): void => {
    parameters.push(value);
    clauses.push(clause(`$${parameters.length}`));
  };
  if (filter.bodyRegion !== undefined) add((p) => `body_region = ${p}`, filter.bodyRegion);
  if (filter.from !== undefined) add((p) => `requested_at >= ${p}::timestamptz`, filter.from);
  if (filter.to !== undefined) add((p) => `requested_at < ${p}::timestamptz`, filter.to);
  const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
  const rows = (await db.query(
    `SELECT record FROM ${quoteIdentifier(schema)}.metrics_cases ${where} ORDER BY case_id`,
    parameters,
  )) as Array<{ record: MetricsCaseRecord }>;
  return rows.map((row) => row.record.metricsCase);
}

/**
 * Reader metrics from the serving generation, rounded for the response (4 decimals). The list and
 * a reader's figures come from the pre-aggregated totals (reader-metrics.totals.ts) when they can
 * say exactly — a generation tallied under the same case policy, a scope of whole days — and
 * otherwise, like the drill-down and the funnel, from the stored per-case facts in scope through
 * the domain's `computeReaderMetrics` / `readerMetricsFor` / `readerCasesFor` (the same figures).
 */
@Injectable()
export class ReaderMetricsQueries {
  /** A generation's basis is written when its tables are created and never changes. */
  private readonly bases = new MetricsBases();

  constructor(
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
    private readonly dataSource: DataSource,
  ) {}

  /** Every reader in scope, and every prior-report author scored in scope, rounded for the response. */
  async list(filter: ReaderMetricsFilter, settings: ReaderMetricsSettings = {}): Promise<ReaderMetricsList> {
    return roundForResponse(await this.computeWith(filter, settings));
  }

  /** Every reader in scope at full precision (the reader-study import compares them with its own counts). */
  compute(filter: ReaderMetricsFilter, vocabulary?: FindingVocabulary): Promise<ReaderMetricsList> {
    return this.computeWith(filter, vocabulary ? { vocabulary } : {});
  }

  /**
   * One reader, rounded for the response; a reader with nothing in scope gets the empty figures.
   * Undefined when no case the read model holds ever assigned this reader.
   */
  async reader(
    readerId: string,
    filter: ReaderMetricsFilter,
    settings: ReaderMetricsSettings = {},
  ): Promise<ReaderMetrics | undefined> {
    return this.schemas.withActiveSchema(READER_METRICS, async (schema) => {
      if (!(await this.knownIn(schema, readerId)).reader) return undefined;
      const options = { ...filter, ...settings };
      const basis = await this.basisOf(schema);
      const totals =
        basis && basisFits(basis, options)
          ? await loadReaderScopeCounts(this.dataSource, schema, filter, readerId)
          : undefined;
      if (totals) {
        return roundForResponse(oneReaderMetricsFromCounts(readerId, totals.counts, totals.group, options));
      }
      const cases = await loadMetricsCases(this.dataSource, schema, filter);
      return roundForResponse(readerMetricsFor(readerId, cases, options));
    });
  }

  /**
   * The units behind one count of a reader's (or a prior-report author's) metrics, one page.
   * Undefined when the read model knows the id as neither.
   */
  async cases(
    subjectId: string,
    counted: Counted,
    filter: ReaderMetricsFilter,
    page: { after?: ReaderCasePosition; limit: number },
    settings: ReaderMetricsSettings = {},
  ): Promise<ReaderCasesPage | undefined> {
    return this.schemas.withActiveSchema(READER_METRICS, async (schema) => {
      const known = await this.knownIn(schema, subjectId);
      if (!known.reader && !known.author) return undefined;
      const cases = await loadMetricsCases(this.dataSource, schema, filter);
      return readerCasesFor(subjectId, cases, counted, { ...filter, ...settings }, page);
    });
  }

  /**
   * The funnel plot of one measure over every reader in scope, rounded for the response; the
   * reference must fit the measure (funnelReferenceFor), else RangeError.
   */
  async funnel(
    measure: FunnelMeasure,
    reference: FunnelReference | undefined,
    filter: ReaderMetricsFilter,
    settings: ReaderMetricsSettings & { readerLink?: (readerId: string) => string } = {},
  ): Promise<FunnelPlot> {
    const cases = await this.schemas.withActiveSchema(READER_METRICS, (schema) =>
      loadMetricsCases(this.dataSource, schema, filter),
    );
    return roundForResponse(computeFunnelPlot(cases, measure, reference, { ...filter, ...settings }));
  }

  /** How many of these cases the serving generation holds with a reference standard recorded. */
  withReferenceStandard(caseIds: readonly string[]): Promise<number> {
    return this.schemas.withActiveSchema(READER_METRICS, async (schema) => {
      const [row] = (await this.dataSource.query(
        `SELECT count(*)::integer AS count FROM ${quoteIdentifier(schema)}.metrics_cases
         WHERE case_id = ANY($1::uuid[]) AND record->'metricsCase' ? 'referenceStandard'`,
        [caseIds],
      )) as Array<{ count: number }>;
      return row?.count ?? 0;
    });
  }

  private async computeWith(
    filter: ReaderMetricsFilter,
    settings: ReaderMetricsSettings,
  ): Promise<ReaderMetricsList> {
    const options = { ...filter, ...settings };
    return this.schemas.withActiveSchema(READER_METRICS, async (schema) => {
      const counts = await this.countsIn(schema, filter, options);
      if (counts) return readerMetricsFromCounts(counts, options);
      return computeReaderMetrics(await loadMetricsCases(this.dataSource, schema, filter), options);
    });
  }

  /** Each subject's summed counts in scope, or undefined when the totals cannot give these figures exactly. */
  private async countsIn(
    schema: string,
    filter: ReaderMetricsFilter,
    options: ReaderMetricsOptions,
  ): Promise<Map<string, TallyCounts> | undefined> {
    const basis = await this.basisOf(schema);
    if (basis === undefined || !basisFits(basis, options)) return undefined;
    return loadScopeCounts(this.dataSource, schema, filter);
  }

  /** A reader is whoever a case assigned; an author, whoever wrote a case's prior report. */
  private async knownIn(schema: string, id: string): Promise<KnownSubject> {
    if ((await this.basisOf(schema)) !== undefined) {
      return knownSubject(this.dataSource, schema, id);
    }
    const table = `${quoteIdentifier(schema)}.metrics_cases`;
    const [row] = (await this.dataSource.query(
      `SELECT
         EXISTS (SELECT 1 FROM ${table} WHERE jsonb_path_exists(
           record, '$.assignments.*.readerId ? (@ == $id)', jsonb_build_object('id', $1::text))) AS reader,
         EXISTS (SELECT 1 FROM ${table}
           WHERE record->'metricsCase'->'priorReport'->>'author' = $1::text) AS author`,
      [id],
    )) as Array<{ reader: boolean; author: boolean }>;
    return { reader: row?.reader ?? false, author: row?.author ?? false };
  }

  /** Undefined for a generation created before the totals: it answers from the cases. */
  private basisOf(schema: string): Promise<MetricsBasis | undefined> {
    return this.bases.of(this.dataSource, schema);
  }
}
