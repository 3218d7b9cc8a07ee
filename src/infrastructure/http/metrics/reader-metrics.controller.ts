import { Controller, Param, Query, Req } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CaseAggregate } from '../../../application/case/case.aggregate.js';
import { type Counted, selectorProblems } from '../../../domain/metrics/case-selector.js';
import {
  type FunnelMeasure,
  type FunnelPlot,
  type FunnelReference,
  funnelReferenceFor,
} from '../../../domain/metrics/funnel-plot.js';
import type { ReaderCase, ReaderMetrics, ReaderMetricsList } from '../../../domain/metrics/reader-metrics.js';
import { ACTOR_ID_PATTERN, isActorId } from '../../../domain/kernel/identifiers.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import type {
  ReaderMetricsFilter,
  ReaderMetricsSettings,
} from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { ReaderMetricsQueries } from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { readModel } from '../audit/read-model.js';
import { requestOrigin } from '../audit/request-origin.js';
import { ProblemException } from '../problem/problem-exception.js';
import { ReadRoute } from '../read-route.decorator.js';
import { invalidParameters, QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { DEFAULT_LIMIT } from '../validation/query.validators.js';
import { FunnelPlotQueryDto } from './funnel-plot-query.dto.js';
import { FunnelPlotDto } from './funnel-plot.dto.js';
import { countedOf, encodeReaderCasesCursor, ReaderCasesQueryDto } from './reader-cases-query.dto.js';
import { readerCasesLinks, readerMetricsLinks } from './reader-cases.links.js';
import { ReaderMetricsQueryDto } from './reader-metrics-query.dto.js';
import { ReaderCasesDto, ReaderMetricsDto, ReaderMetricsListDto } from './reader-metrics.dto.js';

const READER_ID_PARAMETER = {
  name: 'readerId',
  example: 'rad-17',
  schema: { type: 'string', pattern: ACTOR_ID_PATTERN.source },
} as const;

function readerNotFound(readerId: string): ProblemException {
  return new ProblemException(
    404,
    'reader-not-found',
    `No case has assigned ${readerId}: it is not a reader of this engine. ` +
      'Authors of prior reports are listed under priorReportAuthors of GET /api/v1/metrics/readers.',
  );
}

function assertReaderId(readerId: string): void {
  if (!isActorId(readerId)) {
    throw invalidParameters([
      { field: 'readerId', message: `readerId must match ${ACTOR_ID_PATTERN.source}` },
    ]);
  }
}

/** The count a drill-down names, or 400 naming what is missing or does not fit its measure. */
function countOf(query: ReaderCasesQueryDto): Counted {
  const counted = countedOf(query);
  if (counted === undefined) {
    throw invalidParameters([{ field: 'measure', message: 'measure is required: the count to list' }]);
  }
  const problems = selectorProblems(counted);
  if (query.institution !== undefined && query.noInstitution === true) {
    problems.push({ field: 'institution', message: 'give institution or noInstitution=true, not both' });
  }
  if (problems.length > 0) throw invalidParameters(problems);
  return counted;
}

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

/** The measure and the reference it is computed against, or 400 naming what is missing or does not fit. */
function plotted(query: FunnelPlotQueryDto): { measure: FunnelMeasure; reference: FunnelReference } {
  const { measure } = query;
  if (measure === undefined) {
    throw invalidParameters([{ field: 'measure', message: 'measure is required: the measure to plot' }]);
  }
  const resolved = funnelReferenceFor(measure, query.reference);
  if ('problem' in resolved) throw invalidParameters([{ field: 'reference', message: resolved.problem }]);
  return { measure, reference: resolved.reference };
}

/**
 * Radiologist accuracy metrics (Q, A) from the reader-metrics read model: every reader's figures,
 * one reader's, the cases behind each of their counts, and the funnel plot of one measure (what
 * the "Reader performance" screen draws). Every read that finds something is recorded in the
 * access log (cross-case: stream `access-search`).
 */
@ApiTags('metrics')
@Controller('api/v1/metrics')
export class ReaderMetricsController {
  constructor(
    private readonly metrics: ReaderMetricsQueries,
    private readonly access: AccessRecorder,
    private readonly cases: CaseAggregate,
  ) {}

  @ReadRoute({
    path: 'readers',
    action: 'read-reader-metrics',
    summary: 'Accuracy metrics of every reader in scope (docs/domain.md "Reader metrics")',
    description: 'Readers with an opinion or adjudication in scope; prior-report authors apart.',
    ok: { type: ReaderMetricsListDto },
    badRequest: 'An unknown or invalid query parameter',
  })
  async list(
    @Query(QueryValidationPipe) filter: ReaderMetricsQueryDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<ReaderMetricsList> {
    return this.read(request, identity, (metrics, settings) => metrics.list(scopeOf(filter), settings));
  }

  @ReadRoute({
    path: 'readers/:readerId',
    action: 'read-reader-metrics',
    summary: "One reader's metrics, by finding, body region and period",
    description:
      'A reader with nothing in scope gets empty figures (reads 0, insufficientData true); an id no case ' +
      'ever assigned is 404 reader-not-found.',
    ok: { type: ReaderMetricsDto },
    badRequest: 'An unknown or invalid query parameter, or reader id',
    notFound: 'reader-not-found: no case ever assigned this id',
  })
  @ApiParam(READER_ID_PARAMETER)
  async reader(
    @Param('readerId') readerId: string,
    @Query(QueryValidationPipe) filter: ReaderMetricsQueryDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<ReaderMetrics> {
    assertReaderId(readerId);
    const result = await this.read(request, identity, (metrics, settings) =>
      metrics.reader(readerId, scopeOf(filter), settings),
    );
    if (result === undefined) throw readerNotFound(readerId);
    return result;
  }

  @ReadRoute({
    path: 'readers/:readerId/cases',
    action: 'read-reader-cases',
    summary: 'The cases behind one count of the reader metrics, paged',
    description:
      "Every count of a metrics response carries this link in its figure's `cases`. The units are " +
      'ordered by request time, case and unit; `total` equals the count. Prior-report authors answer ' +
      'for the RADPEER scores they received.',
    ok: { type: ReaderCasesDto },
    badRequest: 'No measure, a parameter the measure does not take, or an invalid parameter',
    notFound: 'reader-not-found: neither a reader nor a prior-report author',
  })
  @ApiParam(READER_ID_PARAMETER)
  async readerCases(
    @Param('readerId') readerId: string,
    @Query(QueryValidationPipe) query: ReaderCasesQueryDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<{
    readerId: string;
    count: Record<string, unknown>;
    total: number;
    items: ReaderCase[];
    nextCursor?: string;
  }> {
    assertReaderId(readerId);
    const counted = countOf(query);
    const scope = scopeOf(query);
    const page = await this.read(request, identity, (metrics, settings) =>
      metrics.cases(
        readerId,
        counted,
        scope,
        { ...(query.cursor && { after: query.cursor }), limit: query.limit ?? DEFAULT_LIMIT },
        settings,
      ),
    );
    if (page === undefined) throw readerNotFound(readerId);
    return {
      readerId,
      count: { ...counted, ...scope },
      total: page.total,
      items: page.items,
      ...(page.next && { nextCursor: encodeReaderCasesCursor(page.next) }),
    };
  }

  @ReadRoute({
    path: 'funnel',
    // Its id from when it had a controller of its own: generated clients name their method by it.
    operationId: 'FunnelPlotController_funnel',
    action: 'read-reader-metrics',
    summary: 'Funnel plot of one reader measure: points, group rate and control limits',
    description:
      'One point per reader in scope at (n, rate), the pooled group rate, and the 95% and 99.8% binomial ' +
      'control limits sampled as curves; readers below the minimum of compared reads are plotted, never ' +
      'judged. major-discordance is always against the consensus; sensitivity and specificity take a reference.',
    ok: { type: FunnelPlotDto },
    badRequest: 'No measure, a reference that does not fit it, or an unknown or invalid parameter',
  })
  async funnel(
    @Query(QueryValidationPipe) query: FunnelPlotQueryDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<FunnelPlot & { scope: ReaderMetricsFilter }> {
    const { measure, reference } = plotted(query);
    const scope = scopeOf(query);
    const plot = await this.read(request, identity, (metrics, settings) =>
      metrics.funnel(measure, reference, scope, {
        ...settings,
        readerLink: readerMetricsLinks(request.query as Record<string, unknown>),
      }),
    );
    const { measure: _, reference: __, definition, ...figures } = plot;
    return { measure, reference, definition, scope, ...figures };
  }

  /** Runs `query` on the read model; an answer (not `undefined`: nothing found) is recorded as read. */
  private async read<T>(
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
