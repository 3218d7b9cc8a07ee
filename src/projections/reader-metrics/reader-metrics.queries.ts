import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FindingVocabulary } from '../../domain/case/findings.js';
import type { MetricsCaseRecord } from '../../domain/metrics/metrics-case.js';
import {
  computeReaderMetrics,
  type MetricsCase,
  type ReaderMetrics,
  readerMetricsFor,
} from '../../domain/metrics/reader-metrics.js';
import { roundForResponse } from '../../domain/metrics/statistics.js';
import { PROJECTION_SCHEMAS, type ProjectionSchemas } from '../runner/projection.js';
import { type Queryable, quoteIdentifier } from '../runner/projection-control.js';
import { READER_METRICS } from './reader-metrics.projection.js';

/** The scope of a metrics query (docs/api.md `GET /api/v1/metrics/readers`). */
export interface ReaderMetricsFilter {
  /** Inclusive, on the request's occurredAt (ISO 8601). */
  from?: string;
  /** Exclusive, on the request's occurredAt (ISO 8601). */
  to?: string;
  bodyRegion?: string;
  /** Restricts accuracy and discordance to one finding code. */
  finding?: string;
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
 * Reader metrics from the serving generation: the stored per-case facts in scope, through the
 * domain's `computeReaderMetrics` / `readerMetricsFor`, rounded for the response (4 decimals).
 */
@Injectable()
export class ReaderMetricsQueries {
  constructor(
    @Inject(PROJECTION_SCHEMAS) private readonly schemas: ProjectionSchemas,
    private readonly dataSource: DataSource,
  ) {}

  /** Every reader in scope, rounded for the response. */
  async list(
    filter: ReaderMetricsFilter,
    vocabulary?: FindingVocabulary,
  ): Promise<{ items: ReaderMetrics[] }> {
    return roundForResponse(await this.compute(filter, vocabulary));
  }

  /** Every reader in scope at full precision (the reader-study import compares them with its own counts). */
  async compute(
    filter: ReaderMetricsFilter,
    vocabulary?: FindingVocabulary,
  ): Promise<{ items: ReaderMetrics[] }> {
    const cases = await this.cases(filter);
    return computeReaderMetrics(cases, { ...filter, ...(vocabulary && { vocabulary }) });
  }

  /** One reader, rounded for the response; a reader with nothing in scope gets the empty figures. */
  async reader(
    readerId: string,
    filter: ReaderMetricsFilter,
    vocabulary?: FindingVocabulary,
  ): Promise<ReaderMetrics> {
    const cases = await this.cases(filter);
    return roundForResponse(
      readerMetricsFor(readerId, cases, { ...filter, ...(vocabulary && { vocabulary }) }),
    );
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

  private cases(filter: ReaderMetricsFilter): Promise<MetricsCase[]> {
    return this.schemas.withActiveSchema(READER_METRICS, (schema) =>
      loadMetricsCases(this.dataSource, schema, filter),
    );
  }
}
