import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AccessLogItem, AccessLogQueries } from '../../../projections/access-log/access-log.queries.js';
import { Allow } from '../../auth/allow.decorator.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { DEFAULT_LIMIT } from '../validation/query.validators.js';
import { AccessLogQueryDto, encodeCursor } from './audit-query.dto.js';
import { AccessLogPageDto } from './audit.dto.js';
import { readModel } from './read-model.js';

/** Who read which case data, or tried to and was refused, when, from where (Q, M, A). */
@ApiTags('audit')
@Controller('api/v1/access-log')
export class AccessLogController {
  constructor(private readonly accessLog: AccessLogQueries) {}

  @Get()
  @Allow('read-access-log')
  @ApiOperation({
    summary: 'Reads of case data, history and audit trails, and refused attempts, in ascending order',
    description:
      'One row per read (status 200) and per attempt answered 401, 403 or 404 (with its problem code; ' +
      '`anonymous` and the IP when no token could be verified). History reads carry the point asked for.',
  })
  @ApiOkResponse({ type: AccessLogPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  async list(
    @Query(QueryValidationPipe) query: AccessLogQueryDto,
  ): Promise<{ items: AccessLogItem[]; nextCursor?: string }> {
    const { cursor: after, limit = DEFAULT_LIMIT, ...filter } = query;
    const page = await readModel(() => this.accessLog.list(filter, { after, limit }));
    return page.nextAfter === undefined
      ? { items: page.items }
      : { items: page.items, nextCursor: encodeCursor(page.nextAfter) };
  }
}
