import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CaseAggregate } from '../../../application/case/case.aggregate.js';
import type { ReaderMetrics } from '../../../domain/metrics/reader-metrics.js';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import type { AccessedResource } from '../../../projections/access-log/case-data-accessed.event.js';
import {
  type ReaderMetricsFilter,
  ReaderMetricsQueries,
} from '../../../projections/reader-metrics/reader-metrics.queries.js';
import { Allow, CurrentIdentity } from '../../auth/allow.decorator.js';
import type { Identity } from '../../auth/identity.js';
import { readModel } from '../audit/read-model.js';
import { ACTOR_ID } from '../case/dto/common.dto.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { instantParameter, invalidQuery, oneOfParameter, parseQuery } from './query-parameters.js';
import { ReaderMetricsDto, ReaderMetricsListDto } from './reader-metrics.dto.js';

/** The access log's resource for these reads. */
const READER_METRICS_RESOURCE: AccessedResource = 'reader-metrics';

function MetricsQueries(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiQuery({
      name: 'from',
      required: false,
      description: 'Requests with occurredAt ≥ from (ISO 8601; a date is UTC midnight)',
    })(target, key, descriptor);
    ApiQuery({
      name: 'to',
      required: false,
      description: 'Requests with occurredAt < to (ISO 8601, exclusive)',
    })(target, key, descriptor);
    ApiQuery({ name: 'bodyRegion', required: false, example: 'chest' })(target, key, descriptor);
    ApiQuery({
      name: 'finding',
      required: false,
      example: 'fracture',
      description: 'Restrict accuracy and discordance to one finding code',
    })(target, key, descriptor);
    ApiBadRequestResponse({ type: ProblemDto, description: 'An unknown or invalid query parameter' })(
      target,
      key,
      descriptor,
    );
  };
}

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
  @ApiOperation({ summary: 'Accuracy metrics of every reader in scope (projections.md "Response shapes")' })
  @MetricsQueries()
  @ApiOkResponse({ type: ReaderMetricsListDto })
  async list(
    @Query() query: Record<string, unknown>,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<{ items: ReaderMetrics[] }> {
    const filter = this.filterOf(query);
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
  @ApiParam({ name: 'readerId', example: 'rad-17' })
  @MetricsQueries()
  @ApiOkResponse({ type: ReaderMetricsDto })
  async reader(
    @Param('readerId') readerId: string,
    @Query() query: Record<string, unknown>,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<ReaderMetrics> {
    if (!ACTOR_ID.test(readerId)) {
      throw invalidQuery([{ field: 'readerId', message: `readerId must match ${ACTOR_ID.source}` }]);
    }
    const filter = this.filterOf(query);
    const result = await readModel(() =>
      this.metrics.reader(readerId, filter, this.cases.policy.findingVocabulary),
    );
    await this.recordAccess(request, identity);
    return result;
  }

  private filterOf(query: Record<string, unknown>): ReaderMetricsFilter {
    const { bodyRegions, findingVocabulary } = this.cases.policy;
    const filter = parseQuery(query, {
      from: instantParameter('from'),
      to: instantParameter('to'),
      bodyRegion: oneOfParameter('bodyRegion', bodyRegions),
      finding: oneOfParameter(
        'finding',
        findingVocabulary.map(({ code }) => code),
      ),
    });
    if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
      throw invalidQuery([{ field: 'to', message: 'to must not be before from' }]);
    }
    return filter;
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
