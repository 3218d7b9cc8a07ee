import { Controller, Param, Query, Req } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type Counted, selectorProblems } from '../../../domain/metrics/case-selector.js';
import type { ReaderCase, ReaderMetrics, ReaderMetricsList } from '../../../domain/metrics/reader-metrics.js';
import { ACTOR_ID_PATTERN, isActorId } from '../../../domain/shared/identifiers.js';
import { CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { ProblemException } from '../problem/problem-exception.js';
import { invalidParameters, QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { DEFAULT_LIMIT } from '../validation/query.validators.js';
import { countedOf, encodeReaderCasesCursor, ReaderCasesQueryDto } from './reader-cases-query.dto.js';
import { ReaderMetricsQueryDto } from './reader-metrics-query.dto.js';
import { ReaderCasesDto, ReaderMetricsDto, ReaderMetricsListDto } from './reader-metrics.dto.js';
import { MetricsReads, scopeOf } from './metrics-reads.js';
import { ReadRoute } from '../read-route.decorator.js';

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

/**
 * Radiologist accuracy metrics (Q, A), computed from the reader-metrics read model, and the cases
 * behind each of their counts. Every read is recorded in the access log (cross-case: stream
 * `access-search`).
 */
@ApiTags('metrics')
@Controller('api/v1/metrics/readers')
export class ReaderMetricsController extends MetricsReads {
  @ReadRoute({
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
    path: ':readerId',
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
    path: ':readerId/cases',
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
}
