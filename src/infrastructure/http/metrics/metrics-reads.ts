import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CaseAggregate } from '../../../application/case/case.aggregate.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import type {
  ReaderMetricsFilter,
  ReaderMetricsSettings,
} from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { ReaderMetricsQueries } from '../../../projections/reader-metrics/reader-metrics.queries.js';
import type { Identity } from '../../auth/identity.js';
import { readModel } from '../audit/read-model.js';
import { requestOrigin } from '../audit/request-origin.js';
import { readerCasesLinks } from './reader-cases.links.js';

/** The scope parameters of a metrics query, without the count and page of a drill-down. */
export const scopeOf = ({
  from,
  to,
  bodyRegion,
  finding,
  period,
}: ReaderMetricsFilter): ReaderMetricsFilter => ({
  ...(from !== undefined && { from }),
  ...(to !== undefined && { to }),
  ...(bodyRegion !== undefined && { bodyRegion }),
  ...(finding !== undefined && { finding }),
  ...(period !== undefined && { period }),
});

/**
 * What every metrics route shares: the reader-metrics read model, read with the case policy's
 * vocabulary and imported-history threshold and with links in the query's scope, and every read
 * that finds something recorded in the access log (cross-case: stream `access-search`).
 */
@Injectable()
export abstract class MetricsReads {
  constructor(
    private readonly metrics: ReaderMetricsQueries,
    private readonly access: AccessRecorder,
    private readonly cases: CaseAggregate,
  ) {}

  /** Runs `query` on the read model; an answer (not `undefined`: nothing found) is recorded as read. */
  protected async read<T>(
    request: FastifyRequest,
    identity: Identity,
    query: (metrics: ReaderMetricsQueries, settings: ReaderMetricsSettings) => Promise<T>,
  ): Promise<T> {
    const { policy } = this.cases;
    const settings: ReaderMetricsSettings = {
      vocabulary: policy.findingVocabulary,
      backfillThresholdHours: policy.importedHistoryThresholdHours,
      link: readerCasesLinks(request.query as Record<string, unknown>),
    };
    const result = await readModel(() => query(this.metrics, settings));
    if (result !== undefined) {
      await this.access.record({ resource: 'reader-metrics', identity, ...requestOrigin(request) });
    }
    return result;
  }
}
