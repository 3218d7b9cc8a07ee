import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CaseAggregate } from '../../../application/case/case.aggregate.js';
import type { ReaderMetrics } from '../../../domain/metrics/reader-metrics.js';
import { ACTOR_ID_PATTERN, isActorId } from '../../../domain/shared/identifiers.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import type { AccessedResource } from '../../../projections/access-log/case-data-accessed.event.js';
import { ReaderMetricsQueries } from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { Allow, CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { readModel } from '../audit/read-model.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { invalidParameters, QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { ReaderMetricsQueryDto } from './reader-metrics-query.dto.js';
import { ReaderMetricsDto, ReaderMetricsListDto } from './reader-metrics.dto.js';

/** The access log's resource for these reads. */
const READER_METRICS_RESOURCE: AccessedResource = 'reader-metrics';

/**
 * Radiologist accuracy metrics (Q, A), computed from the reader-metrics read model. Every read is
 * recorded in the access log (cross-case: stream `access-search`).
 */
@ApiTags('metrics')
@Controller('api/v1/metrics/readers')
export class ReaderMetricsController {
  constructor(
    private readonly metrics: ReaderMetricsQueries,
    private readonly access: AccessRecorder,
    private readonly cases: CaseAggregate,
  ) {}

  @Get()
  @Allow('read-reader-metrics')
  @ApiOperation({
    summary: 'Accuracy metrics of every reader in scope (docs/projections.md "Response shapes")',
  })
  @ApiOkResponse({ type: ReaderMetricsListDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'An unknown or invalid query parameter' })
  async list(
    @Query(QueryValidationPipe) filter: ReaderMetricsQueryDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<{ items: ReaderMetrics[] }> {
    const result = await readModel(() => this.metrics.list(filter, this.cases.policy.findingVocabulary));
    await this.recordAccess(request, identity);
    return result;
  }

  @Get(':readerId')
  @Allow('read-reader-metrics')
  @ApiOperation({
    summary: "One reader's metrics, by finding, body region and period",
    description: 'A reader with nothing in scope gets empty figures (reads 0, insufficientData true).',
  })
  @ApiParam({
    name: 'readerId',
    example: 'rad-17',
    schema: { type: 'string', pattern: ACTOR_ID_PATTERN.source },
  })
  @ApiOkResponse({ type: ReaderMetricsDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'An unknown or invalid query parameter, or reader id',
  })
  async reader(
    @Param('readerId') readerId: string,
    @Query(QueryValidationPipe) filter: ReaderMetricsQueryDto,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<ReaderMetrics> {
    if (!isActorId(readerId)) {
      throw invalidParameters([
        { field: 'readerId', message: `readerId must match ${ACTOR_ID_PATTERN.source}` },
      ]);
    }
    const result = await readModel(() =>
      this.metrics.reader(readerId, filter, this.cases.policy.findingVocabulary),
    );
    await this.recordAccess(request, identity);
    return result;
  }

  private recordAccess(request: FastifyRequest, identity: Identity): Promise<void> {
    return this.access.record({
      resource: READER_METRICS_RESOURCE,
      identity,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      correlationId: request.id,
    });
  }
}
